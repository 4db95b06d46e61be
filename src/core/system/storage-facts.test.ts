import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { backingFilesystem, cgroupFeatures, supportsDType } from './storage-facts.js';

test("the backing filesystem is read from statfs, with docker's names", () => {
  // stat -f gives the magic number in hex: the two must agree wherever they are asked
  for (const dir of ['/', '/dev/shm', os.tmpdir(), '/proc']) {
    const magic = parseInt(spawnSync('stat', ['-f', '-c', '%t', dir], { encoding: 'utf8' }).stdout.trim(), 16);
    const expected =
      magic === 0xef53
        ? 'extfs'
        : magic === 0x01021994
          ? 'tmpfs'
          : magic === 0x58465342
            ? 'xfs'
            : magic === 0x794c7630
              ? 'overlayfs'
              : magic === 0x9123683e
                ? 'btrfs'
                : '<unknown>';
    assert.equal(backingFilesystem(dir), expected, dir);
  }
  assert.equal(backingFilesystem('/dev/shm'), 'tmpfs');
  assert.equal(backingFilesystem('/proc'), '<unknown>');
});

test('d_type support is tried on the filesystem, and leaves nothing behind', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dtype-'));
  try {
    // ext4 and tmpfs both fill d_type in
    assert.equal(supportsDType(dir), true);
    assert.equal(supportsDType('/dev/shm'), true);
    assert.deepEqual(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function tree(files: string[]): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cg-'));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(base, f)), { recursive: true });
    fs.writeFileSync(path.join(base, f), f.endsWith('cgroup.controllers') ? 'cpuset cpu io memory' : '');
  }
  return base;
}

test("cgroup features come from the host's cgroup files, v1 and v2, not a fixed true", () => {
  const full = tree([
    'memory/memory.limit_in_bytes',
    'memory/memory.memsw.limit_in_bytes',
    'cpu/cpu.cfs_period_us',
    'cpu/cpu.cfs_quota_us',
    'pids/cgroup.procs',
  ]);
  assert.deepEqual(cgroupFeatures(1, full), { MemoryLimit: true, SwapLimit: true, CpuCfsPeriod: true, CpuCfsQuota: true, PidsLimit: true });
  const bare = tree(['cpu/cpu.shares', 'memory/memory.limit_in_bytes']);
  assert.deepEqual(cgroupFeatures(1, bare), { MemoryLimit: true, SwapLimit: false, CpuCfsPeriod: false, CpuCfsQuota: false, PidsLimit: false });
  const v2 = tree(['cgroup.controllers', 'user.slice/memory.swap.max']);
  assert.deepEqual(cgroupFeatures(2, v2), { MemoryLimit: true, SwapLimit: true, CpuCfsPeriod: true, CpuCfsQuota: true, PidsLimit: false });
  assert.deepEqual(cgroupFeatures(2, bare), { MemoryLimit: false, SwapLimit: false, CpuCfsPeriod: false, CpuCfsQuota: false, PidsLimit: false });
  for (const d of [full, bare, v2]) fs.rmSync(d, { recursive: true, force: true });
});
