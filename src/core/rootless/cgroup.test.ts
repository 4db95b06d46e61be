import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { emptyContainerSpec, type ContainerSpec } from '../spec/container-spec.js';
import { prepareCgroupParent, probeRootlessCgroup, rootlessCgroupsPath } from './cgroup.js';
import { checkRootlessSpec } from './limits.js';
import type { RootlessMode } from './mode.js';

/**
 * A fake cgroup v2 tree as systemd lays it out, where user@1000.service and everything below it is
 * delegated to the user (writable), and the slices above are root's.
 */
const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cgroup-'));
after(() => fs.rmSync(mount, { recursive: true, force: true }));
const SERVICE = '/user.slice/user-1000.slice/user@1000.service';
const SCOPE = `${SERVICE}/app.slice/term.scope`;
for (const cg of ['/', '/user.slice', '/user.slice/user-1000.slice', SERVICE, `${SERVICE}/app.slice`, SCOPE]) {
  const dir = path.join(mount, cg);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cgroup.procs'), '');
  fs.writeFileSync(path.join(dir, 'cgroup.subtree_control'), '');
  fs.writeFileSync(path.join(dir, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
}
const delegated = (file: string) => file.startsWith(path.join(mount, SERVICE));
const self = `0::${SCOPE}\n`;
const user: RootlessMode = { uid: 1000, gid: 1000, user: 'alice', uidMap: [], gidMap: [], singleId: false };
const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({ ...emptyContainerSpec('busybox', 'sha256:x'), ...over });

test('a delegated cgroup v2 subtree holding berth: containers go under its root, limits apply', () => {
  const cg = probeRootlessCgroup({ version: 2, mount, selfCgroup: self, writable: delegated });
  assert.deepEqual(cg, { available: true, root: SERVICE, parent: `${SERVICE}/berth`, controllers: ['cpuset', 'cpu', 'io', 'memory', 'pids'] });
  if (!cg.available) return;
  assert.equal(rootlessCgroupsPath(cg, 'c0ffee'), `${SERVICE}/berth/c0ffee`);
  // the parent is made with the controllers enabled for the containers' cgroups below it
  prepareCgroupParent(cg, mount);
  assert.equal(fs.readFileSync(path.join(mount, SERVICE, 'cgroup.subtree_control'), 'utf8'), '+memory +pids +cpu');
  assert.equal(fs.readFileSync(path.join(mount, SERVICE, 'berth/cgroup.subtree_control'), 'utf8'), '+memory +pids +cpu');
  // --memory, --cpus and --pids-limit are accepted
  checkRootlessSpec(spec({ resources: { memory: 1 << 26, nanoCpus: 5e8, pidsLimit: 10 } }), user, cg);
  // what a device rule or a cgroup parent would need is still refused, with the reason
  assert.throws(() => checkRootlessSpec(spec({ cgroupParent: '/x' }), user, cg), /^BerthError: --cgroup-parent: a rootless container's cgroup is under /);
  assert.throws(
    () => checkRootlessSpec(spec({ deviceCgroupRules: [{ type: 'c', major: 1, minor: 3, access: 'rwm' }] }), user, cg),
    /^BerthError: --device-cgroup-rule: device rules need root/,
  );
});

test('a delegated subtree without a controller refuses the limits that need it, naming it', () => {
  const cg = { available: true as const, root: SERVICE, parent: `${SERVICE}/berth`, controllers: ['cpu', 'memory', 'pids'] };
  assert.throws(
    () => checkRootlessSpec(spec({ resources: { blkioWeight: 300 } }), user, cg),
    new RegExp(`^BerthError: --blkio-weight: the cgroup v2 subtree delegated to alice \\(${SERVICE}\\) has no io controller$`),
  );
  fs.writeFileSync(path.join(mount, SERVICE, 'cgroup.controllers'), 'cpu memory\n');
  try {
    const probed = probeRootlessCgroup({ version: 2, mount, selfCgroup: self, writable: delegated });
    assert.equal(probed.available, false);
    assert.match(probed.available ? '' : probed.reason, /lacks the pids controller \(systemd: Delegate=memory pids cpu in user@\.service\)$/);
  } finally {
    fs.writeFileSync(path.join(mount, SERVICE, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
  }
});

test('cgroup v2 without delegation (berth in a root-owned session scope): limits refused with the reason', () => {
  const cg = probeRootlessCgroup({ version: 2, mount, selfCgroup: '0::/user.slice/user-1000.slice/session-3.scope\n', writable: delegated });
  assert.equal(cg.available, false);
  assert.throws(
    () => checkRootlessSpec(spec({ resources: { memory: 1 << 26 } }), user, cg),
    /^BerthError: --memory: resource limits are not available to rootless containers here: berth's cgroup \(\/user\.slice\/user-1000\.slice\/session-3\.scope\) is not in a cgroup v2 subtree delegated to this user: run berth inside one \(systemd-run --user --scope/,
  );
  // nothing writable at all
  const none = probeRootlessCgroup({ version: 2, mount, selfCgroup: self, writable: () => false });
  assert.equal(none.available, false);
});

test('cgroup v1: limits refused, whatever the tree', () => {
  const cg = probeRootlessCgroup({ version: 1, mount, selfCgroup: self, writable: delegated });
  assert.deepEqual(cg, {
    available: false,
    reason: 'an ordinary user gets no cgroup of its own on a cgroup v1 host (limits need root, or a cgroup v2 host with a delegated subtree)',
  });
  assert.throws(() => checkRootlessSpec(spec({ resources: { pidsLimit: 5 } }), user, cg), /^BerthError: --pids-limit: resource limits are not available/);
});
