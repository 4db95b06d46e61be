import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { hasMountTarget, mountPoints, optionValue, parseMountinfo } from './mountinfo.js';
import linux from 'berth-linux';
import { isMountPoint } from './mount.js';
import { CONTAINER_MOUNTINFO } from '../explain/_fixtures.js';

test('parseMountinfo() decodes every field, optional fields and octal escapes included', () => {
  const m = parseMountinfo(CONTAINER_MOUNTINFO);
  assert.equal(m.length, 9);
  const root = m[0];
  assert.equal(root?.fsType, 'overlay');
  assert.equal(root?.target, '/');
  assert.equal(optionValue(root?.superOptions ?? [], 'lowerdir'), 'IUOBSF2YY6A7WDTHQTJ4FBUX37:ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  assert.equal(optionValue(root?.superOptions ?? [], 'upperdir'), '/var/lib/berth/containers/fc43/upper');
  const data = m.find((x) => x.target === '/data');
  assert.equal(data?.root, '/srv/my data');
  assert.equal(data?.fsType, 'ext4');
  assert.equal(data?.source, '/dev/vda');
  const cg = m.find((x) => x.fsType === 'cgroup');
  assert.deepEqual(cg?.superOptions, ['rw', 'memory']);
  assert.deepEqual(m.find((x) => x.target === '/proc/sys')?.options.slice(0, 1), ['ro']);
});

test('mount points with a space, tab or backslash in their path are found by their real path (\\040 decoded)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-mountinfo-'));
  const target = path.join(dir, 'my data\tand\\more');
  fs.mkdirSync(target);
  const r = spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', target]);
  assert.equal(r.status, 0, String(r.stderr));
  try {
    const raw = fs.readFileSync('/proc/self/mountinfo', 'utf8');
    assert.ok(raw.includes('my\\040data\\011and\\134more'), 'the kernel escapes the path');
    assert.ok(mountPoints().has(target));
    assert.ok(mountPoints(process.pid).has(target));
    assert.equal(isMountPoint(target), true);
    assert.equal(isMountPoint(dir), false);
    // statx's answer (what isMountPoint asks first) and the mount table's agree
    assert.equal(linux.mountRoot(target), true);
    assert.equal(linux.mountRoot(dir), false);
    assert.ok(hasMountTarget(raw, target));
    assert.ok(!hasMountTarget(raw, dir));
  } finally {
    spawnSync('umount', [target]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(mountPoints().has(target), false);
});

test('hasMountTarget() finds a target by its escaped path in the 5th field only, as parseMountinfo does', () => {
  for (const m of parseMountinfo(CONTAINER_MOUNTINFO)) assert.equal(hasMountTarget(CONTAINER_MOUNTINFO, m.target), true, m.target);
  // a bind mount's root (4th field) or a source is not a mount point; nor is a prefix of a target
  const data = parseMountinfo(CONTAINER_MOUNTINFO).find((x) => x.target === '/data');
  assert.equal(hasMountTarget(CONTAINER_MOUNTINFO, data?.root ?? ''), false);
  assert.equal(hasMountTarget(CONTAINER_MOUNTINFO, '/proc/sy'), false);
  assert.equal(hasMountTarget(CONTAINER_MOUNTINFO, '/nowhere'), false);
  const text = '36 25 0:32 /my\\040data /srv/a\\040b rw - ext4 /dev/vda rw\n37 25 0:33 / /srv/a rw - tmpfs tmpfs rw';
  assert.equal(hasMountTarget(text, '/srv/a b'), true);
  assert.equal(hasMountTarget(text, '/my data'), false);
  assert.equal(hasMountTarget(text, '/srv/a'), true);
  // the same answers as the full parse for every mount of this host
  const host = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  for (const m of parseMountinfo(host)) assert.equal(hasMountTarget(host, m.target), true, m.target);
});

test('isMountPoint agrees with the mount table for /, /proc, /sys, a plain directory and a missing path', () => {
  const host = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  for (const p of ['/', '/proc', '/sys', '/usr/bin', '/etc']) assert.equal(isMountPoint(p), hasMountTarget(host, p), p);
  assert.equal(linux.mountRoot('/'), true);
  assert.equal(linux.mountRoot('/usr/bin'), false);
  assert.equal(isMountPoint('/nonexistent/berth'), false);
});

test('hasMountTarget() finds a target by its fifth field only, escaped paths included', () => {
  for (const m of parseMountinfo(CONTAINER_MOUNTINFO)) assert.equal(hasMountTarget(CONTAINER_MOUNTINFO, m.target), true, m.target);
  // a bind mount's root (field 4) and a source are not targets; nor is a prefix of one
  assert.equal(hasMountTarget(CONTAINER_MOUNTINFO, '/srv/my data'), false);
  assert.equal(hasMountTarget(CONTAINER_MOUNTINFO, '/berth/fc43'), false);
  assert.equal(hasMountTarget(CONTAINER_MOUNTINFO, '/sys/fs'), false);
  assert.equal(hasMountTarget(CONTAINER_MOUNTINFO, '/etc'), false);
  assert.equal(hasMountTarget('7 1 0:1 /a\\040b /x\\011y rw - tmpfs t rw\n', '/x\ty'), true);
  assert.equal(hasMountTarget('7 1 0:1 /a\\040b /x\\011y rw - tmpfs t rw\n', '/a b'), false);
});
