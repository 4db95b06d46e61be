import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProcStatus } from './proc-status.js';

const CONTAINER = `Name:\tsleep
Umask:\t0022
State:\tS (sleeping)
Tgid:\t13304
Pid:\t13304
PPid:\t13293
Uid:\t0\t0\t0\t0
Gid:\t0\t0\t0\t0
NSpid:\t13304\t1
CapInh:\t0000000000000000
CapPrm:\t00000000a80425fb
CapEff:\t00000000a80425fb
CapBnd:\t00000000a80425fb
CapAmb:\t0000000000000000
NoNewPrivs:\t0
Seccomp:\t2
Seccomp_filters:\t1
`;

test('parseProcStatus() decodes pids, ids, capability masks and seccomp', () => {
  const s = parseProcStatus(CONTAINER);
  assert.equal(s.name, 'sleep');
  assert.equal(s.pid, 13304);
  assert.equal(s.ppid, 13293);
  assert.deepEqual(s.nsPids, [13304, 1]);
  assert.deepEqual(s.uids, [0, 0, 0, 0]);
  assert.equal(s.capEff, 0xa80425fbn);
  assert.equal(s.capInh, 0n);
  assert.equal(s.noNewPrivs, false);
  assert.equal(s.seccomp, 2);
  assert.equal(s.seccompFilters, 1);
});

test('parseProcStatus() gives neutral values for fields an old kernel lacks', () => {
  const s = parseProcStatus('Name:\tinit\nPid:\t1\nPPid:\t0\nNoNewPrivs:\t1\n');
  assert.deepEqual(s.nsPids, [1]);
  assert.equal(s.seccomp, null);
  assert.equal(s.seccompFilters, 0);
  assert.equal(s.noNewPrivs, true);
  assert.equal(s.capBnd, 0n);
});
