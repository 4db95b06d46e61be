import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyContainerSpec, type ContainerSpec } from '../container-spec.js';
import { fakeHost } from '../fake-host.js';
import { namespaces } from './namespaces.js';

const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({ ...emptyContainerSpec('i', 'x'), ...over });
const types = (ns: Array<{ type: string }>): string[] => ns.map((n) => n.type);

test('namespaces() gives a container its own pid, network, ipc, uts, mount and, on v2, cgroup namespace', () => {
  assert.deepEqual(types(namespaces(spec(), fakeHost({ cgroupVersion: 2 }))), ['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup']);
});

test('namespaces() keeps the host cgroup namespace on v1, as docker does', () => {
  assert.deepEqual(types(namespaces(spec(), fakeHost({ cgroupVersion: 1 }))), ['pid', 'network', 'ipc', 'uts', 'mount']);
});

test('namespaces() leaves out what is shared with the host', () => {
  const host = fakeHost({ cgroupVersion: 1 });
  assert.deepEqual(types(namespaces(spec({ network: 'host' }), host)), ['pid', 'ipc', 'uts', 'mount']);
  assert.deepEqual(types(namespaces(spec({ pidMode: 'host', ipcMode: 'host', utsMode: 'host' }), host)), ['network', 'mount']);
});

test('namespaces() joins namespaces it is given paths for', () => {
  const ns = namespaces(spec({ network: 'bridge', pidMode: 'container:db' }), fakeHost({ cgroupVersion: 1 }), {
    network: '/run/netns/berth-1',
    pid: '/proc/42/ns/pid',
  });
  assert.deepEqual(ns.slice(0, 2), [
    { type: 'pid', path: '/proc/42/ns/pid' },
    { type: 'network', path: '/run/netns/berth-1' },
  ]);
});

test('namespaces() refuses a container: mode without the namespace path', () => {
  assert.throws(() => namespaces(spec({ ipcMode: 'container:db' }), fakeHost()), {
    kind: 'InvalidArgument',
    message: '--ipc "container:db" needs the other container\'s namespace path',
  });
  assert.throws(() => namespaces(spec({ network: 'container:db' }), fakeHost()), {
    message: '--network "container:db" needs the other container\'s namespace path',
  });
});
