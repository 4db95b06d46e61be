import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cgroupDir, cgroupVersionOf, parseProcCgroup } from './proc-cgroup.js';
import { parseMountinfo } from '../host/mountinfo.js';
import { readCgroupV1 } from './cgroup-v1.js';
import { readCgroupV2 } from './cgroup-v2.js';
import type { CgroupReader } from './cgroup-files.js';

const V1_PROC = `9:name=systemd:/berth/abc
8:pids:/berth/abc
4:memory:/berth/abc
2:cpuacct:/berth/abc
1:cpu:/berth/abc
0::/berth/abc
`;

const HOST_MOUNTS = `30 25 0:29 / /sys/fs/cgroup/cpu rw,nosuid - cgroup cgroup rw,cpu
31 25 0:30 / /sys/fs/cgroup/cpuacct rw,nosuid - cgroup cgroup rw,cpuacct
32 25 0:32 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory
33 25 0:36 / /sys/fs/cgroup/pids rw,nosuid - cgroup cgroup rw,pids
34 25 0:37 / /sys/fs/cgroup/systemd rw,nosuid - cgroup cgroup rw,xattr,name=systemd
35 25 0:28 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw,nsdelegate
`;

function reader(files: Record<string, string>): CgroupReader {
  return (controller, file) => files[controller ? `${controller}/${file}` : file];
}

test("parseProcCgroup() and cgroupDir() find each v1 controller's directory", () => {
  const paths = parseProcCgroup(V1_PROC);
  assert.equal(paths.length, 6);
  assert.equal(cgroupVersionOf(paths), 1);
  const mounts = parseMountinfo(HOST_MOUNTS);
  const pids = paths.find((p) => p.controllers.includes('pids'));
  assert.ok(pids);
  assert.equal(cgroupDir(pids, mounts), '/sys/fs/cgroup/pids/berth/abc');
  const v2 = paths.find((p) => p.hierarchy === 0);
  assert.ok(v2);
  assert.equal(cgroupDir(v2, mounts), '/sys/fs/cgroup/unified/berth/abc');
  assert.equal(cgroupDir({ hierarchy: 7, controllers: ['blkio'], path: '/x' }, mounts), null);
});

test('cgroupVersionOf() is 2 for a unified-only process', () => {
  assert.equal(cgroupVersionOf(parseProcCgroup('0::/system.slice/berth-abc.scope\n')), 2);
});

test('readCgroupV1() decodes limits, usage, peak and oom counts', () => {
  const u = readCgroupV1(
    parseProcCgroup(V1_PROC),
    reader({
      'memory/memory.limit_in_bytes': '67108864\n',
      'memory/memory.usage_in_bytes': '1232896\n',
      'memory/memory.max_usage_in_bytes': '2007040\n',
      'memory/memory.memsw.limit_in_bytes': '134217728\n',
      'memory/memory.failcnt': '3\n',
      'memory/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n',
      'cpu/cpu.cfs_quota_us': '50000\n',
      'cpu/cpu.cfs_period_us': '100000\n',
      'cpu/cpu.shares': '1024\n',
      'cpuacct/cpuacct.usage': '12345678\n',
      'pids/pids.current': '1\n',
      'pids/pids.max': '42\n',
    }),
  );
  assert.equal(u.version, 1);
  assert.deepEqual(u.memory, { limit: 67108864, usage: 1232896, peak: 2007040, swapLimit: 134217728, oomKills: 1, oomEvents: 3 });
  assert.deepEqual(u.cpu, { quotaUs: 50000, periodUs: 100000, usageUs: 12346, shares: 1024, weight: null });
  assert.deepEqual(u.pids, { current: 1, max: 42, peak: null });
});

test('readCgroupV1() reads v1\'s "no limit" values as null', () => {
  const u = readCgroupV1(
    [],
    reader({
      'memory/memory.limit_in_bytes': '9223372036854771712\n',
      'cpu/cpu.cfs_quota_us': '-1\n',
      'pids/pids.max': 'max\n',
    }),
  );
  assert.equal(u.memory.limit, null);
  assert.equal(u.cpu.quotaUs, null);
  assert.equal(u.pids.max, null);
  assert.equal(u.memory.oomKills, null);
});

test('readCgroupV2() decodes memory.max/peak/events, cpu.max, cpu.stat and pids', () => {
  const u = readCgroupV2(
    parseProcCgroup('0::/berth/abc\n'),
    reader({
      'memory.max': '67108864\n',
      'memory.current': '1052672\n',
      'memory.peak': '3002368\n',
      'memory.swap.max': 'max\n',
      'memory.events': 'low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\noom_group_kill 0\n',
      'cpu.max': '150000 100000\n',
      'cpu.stat': 'usage_usec 8214\nuser_usec 3000\nsystem_usec 5214\n',
      'cpu.weight': '100\n',
      'pids.current': '2\n',
      'pids.max': '42\n',
      'pids.peak': '3\n',
    }),
  );
  assert.equal(u.version, 2);
  assert.deepEqual(u.memory, { limit: 67108864, usage: 1052672, peak: 3002368, swapLimit: null, oomKills: 1, oomEvents: 2 });
  assert.deepEqual(u.cpu, { quotaUs: 150000, periodUs: 100000, usageUs: 8214, shares: null, weight: 100 });
  assert.deepEqual(u.pids, { current: 2, max: 42, peak: 3 });
});

test('readCgroupV2() of an unlimited cgroup', () => {
  const u = readCgroupV2([], reader({ 'memory.max': 'max\n', 'cpu.max': 'max 100000\n', 'pids.max': 'max\n' }));
  assert.equal(u.memory.limit, null);
  assert.equal(u.cpu.quotaUs, null);
  assert.equal(u.cpu.periodUs, 100000);
  assert.equal(u.pids.max, null);
});
