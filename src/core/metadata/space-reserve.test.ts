import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpaceReserve, isOutOfSpace } from './space-reserve.js';

test('the reserve is made once, kept while there is room, and given back when asked', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-reserve-'));
  try {
    const r = new SpaceReserve(dir);
    assert.ok(r.size() > 0 && r.size() <= 4 * 1024 * 1024);
    r.replenish();
    assert.equal(fs.statSync(r.file).size, r.size());
    // written, not sparse: the blocks are really taken from the filesystem
    assert.ok(fs.statSync(r.file).blocks * 512 >= r.size());
    assert.equal(r.releaseIfLow(), false, 'not released while the disk has room');
    assert.ok(fs.existsSync(r.file));
    // a partial reserve of a writer killed half-way goes with it; a live writer's stays
    const dead = spawnSync('true').pid;
    fs.writeFileSync(`${r.file}.${dead}`, 'x');
    fs.writeFileSync(`${r.file}.${process.pid}`, 'y');
    assert.equal(r.releaseIfLow(true), true);
    assert.deepEqual(fs.readdirSync(dir).sort(), [`.reserve.${process.pid}`]);
    assert.equal(r.releaseIfLow(true), false, 'nothing left to give back');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('isOutOfSpace knows SQLite and the kernel saying the disk is full', () => {
  const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  const io = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });
  const nospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  for (const e of [full, io, nospc]) assert.equal(isOutOfSpace(e), true, e.message);
  assert.equal(isOutOfSpace(new Error('UNIQUE constraint failed: containers.name')), false);
  assert.equal(isOutOfSpace('ENOSPC'), false);
});
