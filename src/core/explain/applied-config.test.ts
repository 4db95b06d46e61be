import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyContainerSpec } from '../spec/container-spec.js';
import { DEFAULT_CAPABILITIES } from '../spec/capabilities.js';
import { defaultSeccompProfile } from '../spec/seccomp-default.js';
import type { RuntimeSpec } from '../oci/types.js';
import { appliedConfig } from './applied-config.js';

const CONFIG: RuntimeSpec = {
  ociVersion: '1.0.2',
  process: {
    user: { uid: 0, gid: 0 },
    args: ['sleep', '1'],
    cwd: '/',
    capabilities: { bounding: [...DEFAULT_CAPABILITIES], effective: [...DEFAULT_CAPABILITIES] },
    noNewPrivileges: false,
  },
  mounts: [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/data', source: '/srv/data', options: ['rbind', 'ro'] },
  ],
  linux: {
    namespaces: [{ type: 'pid' }, { type: 'network', path: '/proc/1/ns/net' }],
    resources: { memory: { limit: 67108864, swap: 134217728 }, pids: { limit: 42 } },
    seccomp: defaultSeccompProfile(DEFAULT_CAPABILITIES, { arch: 'x86_64', kernel: { major: 6, minor: 18 } }),
    maskedPaths: ['/proc/keys'],
    readonlyPaths: ['/proc/sys'],
  },
};

test('appliedConfig() summarises the default profile, limits, paths and namespaces', () => {
  const a = appliedConfig(CONFIG, emptyContainerSpec('busybox', 'sha256:x'));
  assert.equal(a.seccomp.profile, 'default');
  assert.equal(a.seccomp.defaultAction, 'SCMP_ACT_ERRNO');
  assert.ok(a.seccomp.blocks.some((b) => b.syscalls.includes('mount')));
  assert.equal(a.resources.pids, 42);
  assert.equal(a.resources.memory, 67108864);
  assert.deepEqual(a.maskedPaths, ['/proc/keys']);
  assert.deepEqual(a.namespaces, [
    { type: 'pid', path: null },
    { type: 'network', path: '/proc/1/ns/net' },
  ]);
  assert.deepEqual(a.mounts[1], { destination: '/data', type: 'bind', source: '/srv/data', options: ['rbind', 'ro'] });
});

test('appliedConfig() of a container without a filter is unconfined and blocks nothing', () => {
  const { seccomp: _, ...linux } = CONFIG.linux ?? {};
  const a = appliedConfig({ ...CONFIG, linux }, { ...emptyContainerSpec('b', 'x'), privileged: true });
  assert.equal(a.seccomp.profile, 'unconfined');
  assert.deepEqual(a.seccomp.blocks, []);
});
