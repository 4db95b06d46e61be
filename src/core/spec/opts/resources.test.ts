import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyContainerSpec, type ContainerSpec } from '../container-spec.js';
import { fakeHost } from '../fake-host.js';
import { resources } from './resources.js';

const spec = (r: ContainerSpec['resources']): ContainerSpec => ({ ...emptyContainerSpec('i', 'x'), resources: r });
const MB = 1024 * 1024;

test('resources() sets only the device rules when nothing is limited', () => {
  assert.deepEqual(resources(spec({}), fakeHost(), []), { devices: [] });
});

test('resources() lets a memory limit swap as much again by default, as docker does', () => {
  assert.deepEqual(resources(spec({ memory: 64 * MB }), fakeHost(), []).memory, { limit: 64 * MB, swap: 128 * MB });
});

test('resources() takes --memory-swap as memory plus swap, and -1 as unlimited', () => {
  assert.deepEqual(resources(spec({ memory: 64 * MB, memorySwap: 64 * MB }), fakeHost(), []).memory, { limit: 64 * MB, swap: 64 * MB });
  assert.deepEqual(resources(spec({ memory: 64 * MB, memorySwap: -1 }), fakeHost(), []).memory, { limit: 64 * MB, swap: -1 });
  assert.deepEqual(resources(spec({ memory: 64 * MB, memoryReservation: 32 * MB }), fakeHost(), []).memory, {
    limit: 64 * MB,
    reservation: 32 * MB,
    swap: 128 * MB,
  });
});

test('resources() leaves swap alone with a warning where the host cannot limit it', () => {
  const warnings: string[] = [];
  const r = resources(spec({ memory: 64 * MB }), fakeHost({ swapLimit: false }), [], (w) => warnings.push(w));
  assert.deepEqual(r.memory, { limit: 64 * MB });
  assert.equal(warnings.length, 1);
});

test('resources() disables the OOM killer on v1 only, warning on v2', () => {
  assert.deepEqual(resources(spec({ memory: 64 * MB, oomKillDisable: true }), fakeHost({ cgroupVersion: 1 }), []).memory, {
    limit: 64 * MB,
    swap: 128 * MB,
    disableOOMKiller: true,
  });
  const warnings: string[] = [];
  const v2 = resources(spec({ memory: 64 * MB, oomKillDisable: true }), fakeHost({ cgroupVersion: 2 }), [], (w) => warnings.push(w));
  assert.equal(v2.memory?.disableOOMKiller, undefined);
  assert.deepEqual(warnings, ['the OOM killer cannot be disabled on cgroup v2: --oom-kill-disable is ignored']);
});

test('resources() turns --cpus into a quota over a 100ms period', () => {
  assert.deepEqual(resources(spec({ nanoCpus: 1_500_000_000 }), fakeHost(), []).cpu, { period: 100000, quota: 150000 });
  assert.deepEqual(resources(spec({ nanoCpus: 10_000_000 }), fakeHost(), []).cpu, { period: 100000, quota: 1000 });
});

test('resources() passes shares, explicit quota and period, and cpuset through', () => {
  assert.deepEqual(resources(spec({ cpuShares: 512, cpuQuota: 50000, cpuPeriod: 200000, cpusetCpus: '0-1' }), fakeHost(), []).cpu, {
    shares: 512,
    quota: 50000,
    period: 200000,
    cpus: '0-1',
  });
});

test('resources() limits pids only for a positive limit', () => {
  assert.deepEqual(resources(spec({ pidsLimit: 100 }), fakeHost(), []).pids, { limit: 100 });
  assert.equal(resources(spec({ pidsLimit: -1 }), fakeHost(), []).pids, undefined);
  assert.equal(resources(spec({ pidsLimit: 0 }), fakeHost(), []).pids, undefined);
});
