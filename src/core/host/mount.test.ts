import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { BerthError } from '../errors/index.js';
import type { OverlayMount } from '../snapshots/overlay-mount.js';
import { isMountPoint, mountOverlay, unmount } from './mount.js';

/** chown, mknod, trusted xattrs and mount need root (as in CI); elsewhere these tests skip. */
const needsRoot = process.getuid?.() === 0 ? false : 'needs root';

describe('overlay mounts', { skip: needsRoot }, () => {
  let dir: string;
  let merged: string;
  let spec: OverlayMount;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-mount-'));
    for (const d of ['lower', 'upper', 'work', 'merged']) fs.mkdirSync(path.join(dir, d));
    fs.writeFileSync(path.join(dir, 'lower/file'), 'from lower');
    merged = path.join(dir, 'merged');
    // lowerdir relative to cwd, as LayerStore produces it
    spec = { type: 'overlay', source: 'overlay', cwd: dir, options: ['lowerdir=lower', `upperdir=${dir}/upper`, `workdir=${dir}/work`] };
  });
  afterEach(() => {
    unmount(merged);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('mountOverlay resolves relative lowerdirs against cwd, and unmount undoes it', () => {
    assert.equal(isMountPoint(merged), false);
    mountOverlay(spec, merged);
    assert.equal(isMountPoint(merged), true);
    assert.equal(fs.readFileSync(path.join(merged, 'file'), 'utf8'), 'from lower');
    unmount(merged);
    assert.equal(isMountPoint(merged), false);
    assert.deepEqual(fs.readdirSync(merged), []);
  });

  test('unmount of something not mounted, or missing, does nothing', () => {
    unmount(merged);
    unmount(path.join(dir, 'does-not-exist'));
    assert.equal(isMountPoint(merged), false);
  });

  test('unmount detaches a busy mount lazily', () => {
    mountOverlay(spec, merged);
    const fd = fs.openSync(path.join(merged, 'file'), 'r');
    try {
      unmount(merged);
      assert.equal(isMountPoint(merged), false);
    } finally {
      fs.closeSync(fd);
    }
  });

  test('a failing mount says what failed', () => {
    const bad = { ...spec, options: ['lowerdir=missing', `upperdir=${dir}/upper`, `workdir=${dir}/work`] };
    assert.throws(
      () => mountOverlay(bad, merged),
      (e: unknown) => e instanceof BerthError && /^mounting overlay on ".*merged": /.test(e.message),
    );
    assert.equal(isMountPoint(merged), false);
  });

  test('options with a comma or over a page are refused before mounting', () => {
    assert.throws(() => mountOverlay({ ...spec, options: ['lowerdir=a,b'] }, merged), /contains a comma/);
    assert.throws(() => mountOverlay({ ...spec, options: [`lowerdir=${'x'.repeat(5000)}`] }, merged), /over the 4095-byte limit/);
  });

  test('isMountPoint knows / and a plain directory', () => {
    assert.equal(isMountPoint('/'), true);
    assert.equal(isMountPoint(dir), false);
  });
});
