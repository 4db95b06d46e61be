import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffFacts } from './facts.js';
import type { PidExplanation, ProcessView } from './types.js';

function proc(over: Partial<ProcessView>): PidExplanation {
  const process: ProcessView = {
    pid: 10,
    nsPids: [10],
    name: 'sh',
    exe: '/bin/sh',
    cmdline: ['sh'],
    uids: [0],
    gids: [0],
    parents: [],
    namespaces: [{ type: 'pid', inode: 1, hostInode: 1, sharedWith: 'host' }],
    capabilities: { effective: ['CAP_CHOWN'], permitted: [], inheritable: [], bounding: ['CAP_CHOWN'], ambient: [], droppedFromHost: [] },
    noNewPrivs: false,
    seccomp: { mode: 'filter', filters: 1 },
    lsm: { apparmor: null, selinux: null },
    uidMap: [],
    gidMap: [],
    cgroup: {
      version: 1,
      paths: [],
      memory: { limit: null, usage: null, peak: null, swapLimit: null, oomKills: null, oomEvents: null },
      cpu: { quotaUs: null, periodUs: null, usageUs: null, shares: null, weight: null },
      pids: { current: 1, max: 42, peak: null },
    },
    mounts: [],
    libraries: [],
    fds: [],
    network: { hostNetwork: false, interfaces: [], routes: [], publishedPorts: [] },
    containerId: null,
    ...over,
  };
  return {
    kind: 'process',
    process,
    host: { namespaces: [], capBounding: [], memTotal: 0, cpus: 1, pidMax: 1, cgroupVersion: 1, uidMap: [], namespacesOf: 'pid 1' },
  };
}

test('diffFacts() marks what differs between two processes', () => {
  const d = diffFacts(proc({}), proc({ pid: 11, seccomp: { mode: 'disabled', filters: 0 } }));
  const by = Object.fromEntries(d.map((x) => [x.label, x]));
  assert.equal(by['seccomp']?.same, false);
  assert.equal(by['seccomp']?.right, 'disabled (0)');
  assert.equal(by['capabilities']?.same, true);
  assert.equal(by['pids limit']?.left, '42');
  assert.equal(by['process']?.same, false);
});
