import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { rootlessRoots } from '../config/paths.js';
import { ensurePrivateDir, planRootless } from './pause.js';

function procSys(values: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-procsys-'));
  for (const [k, v] of Object.entries(values)) {
    fs.mkdirSync(path.dirname(path.join(dir, k)), { recursive: true });
    fs.writeFileSync(path.join(dir, k), `${v}\n`);
  }
  return dir;
}

const ids = { uid: 1000, gid: 1000, user: 'alice', subuid: 'alice:100000:65536\n', subgid: 'alice:100000:65536\n' };

test('planRootless maps 0 to the user and 1..65536 to the subordinate ids', () => {
  const plan = planRootless({ ...ids, procSys: procSys({ 'user/max_user_namespaces': '1000' }) });
  assert.equal(plan.warning, undefined);
  assert.deepEqual(plan.uidMap, [
    { containerId: 0, hostId: 1000, size: 1 },
    { containerId: 1, hostId: 100000, size: 65536 },
  ]);
});

test('planRootless without subordinate ids falls back to one id, with a warning naming the fix', () => {
  const plan = planRootless({ ...ids, subuid: 'bob:100000:65536\n', procSys: procSys({}) });
  assert.deepEqual(plan.uidMap, [{ containerId: 0, hostId: 1000, size: 1 }]);
  assert.deepEqual(plan.gidMap, [{ containerId: 0, hostId: 1000, size: 1 }]);
  assert.match(plan.warning ?? '', /^no subordinate ids for alice in \/etc\/subuid: .*usermod --add-subuids/);
  assert.doesNotMatch(plan.warning ?? '', /\n/);
});

test('planRootless refuses a kernel without unprivileged user namespaces, naming the sysctl', () => {
  assert.throws(
    () => planRootless({ ...ids, procSys: procSys({ 'kernel/unprivileged_userns_clone': '0' }) }),
    /^BerthError: .*sysctl -w kernel\.unprivileged_userns_clone=1$/,
  );
  assert.throws(() => planRootless({ ...ids, procSys: procSys({ 'user/max_user_namespaces': '0' }) }), /sysctl -w user\.max_user_namespaces=/);
});

test('planRootless refuses subordinate ids without newuidmap, and a host without unshare, naming the package', () => {
  const without = (missing: string) => (name: string) => (name === missing ? undefined : `/usr/bin/${name}`);
  assert.throws(
    () => planRootless({ ...ids, procSys: procSys({}), find: without('newuidmap') }),
    /^BerthError: rootless berth needs newuidmap .*: as root, apt-get install uidmap$/,
  );
  assert.throws(() => planRootless({ ...ids, procSys: procSys({}), find: without('newgidmap') }), /needs newgidmap .*apt-get install uidmap$/);
  assert.throws(
    () => planRootless({ ...ids, procSys: procSys({}), find: without('nsenter') }),
    /needs nsenter, which is not installed: as root, apt-get install util-linux$/,
  );
  // without subordinate ids newuidmap is not needed: the single mapping is written by unshare
  assert.equal(planRootless({ ...ids, subuid: '', procSys: procSys({}), find: without('newuidmap') }).uidMap.length, 1);
});

test('rootlessRoots: XDG dirs when set, else ~/.local/share/berth and a private /tmp dir', () => {
  assert.deepEqual(rootlessRoots(1000, { HOME: '/home/alice' }), { root: '/home/alice/.local/share/berth', runRoot: '/tmp/berth-1000' });
  assert.deepEqual(rootlessRoots(1000, { HOME: '/home/alice', XDG_DATA_HOME: '/data', XDG_RUNTIME_DIR: '/run/user/1000' }), {
    root: '/data/berth',
    runRoot: '/run/user/1000/berth',
  });
  // relative XDG values are ignored, as the XDG spec says
  assert.deepEqual(rootlessRoots(1000, { XDG_DATA_HOME: 'rel', XDG_RUNTIME_DIR: 'rel' }, '/home/a'), {
    root: '/home/a/.local/share/berth',
    runRoot: '/tmp/berth-1000',
  });
});

test('ensurePrivateDir makes a 0700 dir and refuses one others can enter', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-priv-'));
  const uid = process.geteuid?.() ?? 0;
  const dir = path.join(base, 'run');
  ensurePrivateDir(dir, uid);
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  fs.chmodSync(dir, 0o755);
  assert.throws(() => ensurePrivateDir(dir, uid), /is not a private directory of uid/);
  fs.chmodSync(dir, 0o700);
  assert.throws(() => ensurePrivateDir(dir, uid + 1), /is not a private directory/);
});
