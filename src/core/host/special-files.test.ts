import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findXattrs, mknod, setXattr } from './special-files.js';

const root = process.getuid?.() === 0 ? false : 'needs root (mknod, trusted.* xattrs)';

test('mknod makes whiteouts, devices and FIFOs with the mode asked, whatever the umask; an existing path is an error', { skip: root }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'special-'));
  const old = process.umask(0o077);
  try {
    mknod(path.join(dir, 'wh'), 'char', 0);
    const wh = fs.lstatSync(path.join(dir, 'wh'));
    assert.ok(wh.isCharacterDevice());
    assert.equal(wh.rdev, 0);
    assert.equal(wh.mode & 0o7777, 0);
    mknod(path.join(dir, 'null'), 'char', 0o666, 1, 3);
    const dev = fs.lstatSync(path.join(dir, 'null'));
    assert.equal(dev.rdev, (1 << 8) | 3);
    assert.equal(dev.mode & 0o7777, 0o666);
    mknod(path.join(dir, 'loop'), 'block', 0o660, 7, 0);
    assert.ok(fs.lstatSync(path.join(dir, 'loop')).isBlockDevice());
    mknod(path.join(dir, 'pipe'), 'fifo', 0o644);
    assert.equal(fs.lstatSync(path.join(dir, 'pipe')).mode & 0o7777, 0o644);
    // never through what is there already (a symlink planted by a layer included)
    fs.symlinkSync('/etc/passwd', path.join(dir, 'planted'));
    assert.throws(() => mknod(path.join(dir, 'planted'), 'char', 0), /creating device node .*EEXIST|File exists/);
  } finally {
    process.umask(old);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('setXattr sets an attribute on the path itself, not on what a symlink names; findXattrs reads it back', { skip: root }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'special-'));
  try {
    fs.mkdirSync(path.join(dir, 'opaque'));
    fs.mkdirSync(path.join(dir, 'target'));
    fs.symlinkSync('target', path.join(dir, 'link'));
    setXattr(path.join(dir, 'opaque'), 'trusted.overlay.opaque', 'y');
    setXattr(path.join(dir, 'link'), 'trusted.overlay.opaque', 'y');
    const found = findXattrs(dir, 'trusted.overlay.opaque');
    assert.equal(found.get(path.join(dir, 'opaque')), 'y');
    assert.equal(found.has(path.join(dir, 'target')), false, 'the symlink was not followed');
    assert.throws(() => setXattr(path.join(dir, 'missing'), 'trusted.x', 'y'), /setting xattr "trusted.x" .*ENOENT|No such file/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
