import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelBuild, parseFilesystems, parseProcCgroups } from './host-features.js';

test('parseProcCgroups() splits mounted v1 controllers from those left to v2', () => {
  const r = parseProcCgroups(`#subsys_name\thierarchy\tnum_cgroups\tenabled
cpuset\t3\t5\t1
memory\t4\t63\t1
net_cls\t0\t4\t1
hugetlb\t0\t4\t1
rdma\t0\t1\t0
pids\t8\t5\t1
`);
  assert.deepEqual(r, { v1: ['cpuset', 'memory', 'pids'], unattached: ['net_cls', 'hugetlb'] });
});

test('parseFilesystems() lists names with and without nodev', () => {
  assert.deepEqual(parseFilesystems('nodev\tsysfs\nnodev\toverlay\n\text4\n'), ['sysfs', 'overlay', 'ext4']);
});

test('kernelBuild() drops the prefix', () => {
  assert.equal(kernelBuild('Linux version 6.18.0 (b@h) #1 SMP\n'), '6.18.0 (b@h) #1 SMP');
});
