import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeOwnedTempDir, ownedTempName, ownerAlive, ownerOf } from './owned-temp.js';
import { readProcStartTime } from '../runtime/process-util.js';

test('an owned temp names this process and its start time, and reads back as alive', () => {
  const name = ownedTempName('blob-');
  const owner = ownerOf(name, 'blob-');
  assert.deepEqual(owner, { pid: process.pid, start: readProcStartTime(process.pid) });
  assert.ok(owner && ownerAlive(owner));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-owned-'));
  const made = makeOwnedTempDir(dir, 'build-view-');
  assert.ok(fs.statSync(made).isDirectory());
  assert.equal(ownerOf(path.basename(made), 'build-view-')?.pid, process.pid);
  fs.rmSync(dir, { recursive: true });
});

test('a temp of a process that ended, or of a reused pid (another start time), has a dead owner', () => {
  const gone = spawnSync('true').pid;
  assert.equal(ownerAlive({ pid: gone, start: 1 }), false);
  // pid 1 runs, but not the process that started at tick 1 unless it really did
  const initStart = readProcStartTime(1);
  assert.equal(ownerAlive({ pid: 1, start: (initStart ?? 0) + 1 }), false);
  assert.equal(ownerAlive({ pid: 1, start: initStart }), true);
});

test('names that record no owner (mkdtemp, other files) are told apart from owned and pid-only ones', () => {
  assert.equal(ownerOf('build-view-Ab3xYz', 'build-view-'), undefined);
  assert.equal(ownerOf('build-view-123456', 'build-view-'), undefined);
  assert.deepEqual(ownerOf('blob-42-00ff', 'blob-'), { pid: 42, start: null });
  assert.deepEqual(ownerOf('.tmp-42.777-00ff', '.tmp-'), { pid: 42, start: 777 });
  assert.equal(ownerOf('other', 'blob-'), undefined);
});
