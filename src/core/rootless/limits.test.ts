import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyContainerSpec, type ContainerSpec } from '../spec/container-spec.js';
import { checkRootlessSpec } from './limits.js';
import type { RootlessMode } from './mode.js';

const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({ ...emptyContainerSpec('busybox', 'sha256:x'), ...over });
const user: RootlessMode = { uid: 1000, gid: 1000, user: 'alice', uidMap: [], gidMap: [], singleId: false };

test('rootless on cgroup v1 refuses --memory, --cpus and --pids-limit with the reason', () => {
  assert.throws(
    () => checkRootlessSpec(spec({ resources: { memory: 1 << 20, nanoCpus: 5e8, pidsLimit: 10 } }), user, 1),
    /^BerthError: --memory, --cpus, --pids-limit: resource limits are not available to rootless containers here: an ordinary user gets no cgroup of its own on a cgroup v1 host/,
  );
  assert.throws(() => checkRootlessSpec(spec({ cgroupParent: '/x' }), user, 1), /--cgroup-parent: resource limits/);
});

test('rootless without limits passes; root is never refused a limit here', () => {
  checkRootlessSpec(spec(), user, 1);
  checkRootlessSpec(spec({ resources: { memory: 1 << 20 } }), undefined, 1);
});

test('--userns=keep-id is refused for root', () => {
  assert.throws(() => checkRootlessSpec(spec({ usernsMode: 'keep-id' }), undefined, 1), /keep-id is for rootless berth/);
  checkRootlessSpec(spec({ usernsMode: 'keep-id' }), user, 1);
  assert.throws(() => checkRootlessSpec(spec({ usernsMode: 'keep-id' }), { ...user, singleId: true }, 1), /keep-id needs subordinate ids for alice/);
});

test('rootless refuses an OOM score adjustment below its own', () => {
  assert.throws(
    () => checkRootlessSpec(spec({ oomScoreAdj: -1000 }), user, 1),
    /^BerthError: --oom-score-adj -1000: a rootless container cannot have a lower OOM score adjustment than its user's/,
  );
  checkRootlessSpec(spec({ oomScoreAdj: 1000 }), user, 1);
  checkRootlessSpec(spec({ oomScoreAdj: -1000 }), undefined, 1);
});
