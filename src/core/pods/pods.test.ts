import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyContainerSpec } from '../spec/container-spec.js';
import type { ContainerRecord } from '../containers/container-record.js';
import { initialState } from '../containers/container-record.js';
import { parseShare, podStatus } from './pod-ops.js';
import { podMemberSpec } from './member.js';
import type { PodRecord } from './pod-record.js';

const pod: PodRecord = {
  id: 'a'.repeat(64),
  name: 'web',
  created: '2026-01-01T00:00:00Z',
  infraId: 'b'.repeat(64),
  cgroupParent: `/berth/pod-${'a'.repeat(64)}`,
  pendingPid: 0,
  spec: {
    name: 'web',
    labels: {},
    hostname: 'webhost',
    share: ['ipc', 'net', 'uts'],
    network: 'bridge',
    publish: [],
    extraHosts: [],
    dns: [],
    resources: {},
    infra: true,
  },
};

test('parseShare(): a list replaces the default, +ns adds to it, unknown namespaces are refused', () => {
  assert.deepEqual(parseShare([]), ['ipc', 'net', 'uts']);
  assert.deepEqual(parseShare(['net']), ['net']);
  assert.deepEqual(parseShare(['net,ipc']), ['ipc', 'net']);
  assert.deepEqual(parseShare(['+pid']), ['ipc', 'net', 'pid', 'uts']);
  assert.throws(() => parseShare(['user']), /invalid --share "user"/);
  assert.throws(() => parseShare(['+cgroup']), /invalid --share "\+cgroup"/);
});

test("podMemberSpec(): joins the infra's namespaces, goes under the pod cgroup, takes the pod hostname", () => {
  const s = podMemberSpec(pod, { ...emptyContainerSpec('busybox', ''), network: 'bridge' });
  assert.equal(s.network, `container:${pod.infraId}`);
  assert.equal(s.ipcMode, `container:${pod.infraId}`);
  assert.equal(s.utsMode, `container:${pod.infraId}`);
  assert.equal(s.pidMode, undefined);
  assert.equal(s.hostname, 'webhost');
  assert.equal(s.cgroupParent, pod.cgroupParent);
  assert.equal(s.pod, pod.id);
  const withPid = podMemberSpec({ ...pod, spec: { ...pod.spec, share: ['net', 'pid'] } }, emptyContainerSpec('busybox', ''));
  assert.equal(withPid.pidMode, `container:${pod.infraId}`);
  assert.equal(withPid.ipcMode, undefined);
});

test('podMemberSpec(): what the pod owns is refused on a member with the reason', () => {
  const base = { ...emptyContainerSpec('busybox', ''), network: 'bridge' };
  assert.throws(() => podMemberSpec(pod, { ...base, publish: [{ hostIp: '', hostPort: 80, containerPort: 80, protocol: 'tcp' }] }), /ports belong to the pod/);
  assert.throws(() => podMemberSpec(pod, { ...base, publishAll: true }), /ports belong to the pod/);
  assert.throws(() => podMemberSpec(pod, { ...base, network: 'host' }, { network: true }), /--network host cannot be set/);
  assert.throws(() => podMemberSpec(pod, { ...base, hostname: 'other' }), /--hostname cannot be set/);
  assert.throws(() => podMemberSpec(pod, { ...base, ipcMode: 'host' }), /--ipc host cannot be set/);
  assert.throws(() => podMemberSpec(pod, { ...base, cgroupParent: '/elsewhere' }), /--cgroup-parent cannot be set/);
  // a pod without infra shares nothing: the member keeps its network and may publish
  const noInfra = { ...pod, infraId: '', spec: { ...pod.spec, infra: false, share: [] } };
  const s = podMemberSpec(noInfra, { ...base, publish: [{ hostIp: '', hostPort: 80, containerPort: 80, protocol: 'tcp' }] });
  assert.equal(s.network, 'bridge');
  assert.equal(s.pod, pod.id);
});

test('podStatus(): derived from the members (the infra alone when it is all)', () => {
  const ctr = (status: ContainerRecord['state']['status'], infra = false): ContainerRecord => ({
    id: 'x',
    name: 'x',
    imageId: '',
    created: '',
    path: '',
    args: [],
    pendingPid: 0,
    image: { chainIds: [], config: {}, size: 0 },
    spec: { ...emptyContainerSpec('', ''), ...(infra ? { podInfra: true } : {}) },
    state: { ...initialState(), status },
  });
  assert.equal(podStatus([]), 'Created');
  assert.equal(podStatus([ctr('running', true)]), 'Running');
  assert.equal(podStatus([ctr('running', true), ctr('running'), ctr('running')]), 'Running');
  assert.equal(podStatus([ctr('running', true), ctr('running'), ctr('exited')]), 'Degraded');
  assert.equal(podStatus([ctr('running', true), ctr('exited'), ctr('exited')]), 'Exited');
  assert.equal(podStatus([ctr('paused', true), ctr('paused')]), 'Paused');
  assert.equal(podStatus([ctr('created', true), ctr('created')]), 'Created');
});
