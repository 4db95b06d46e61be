import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMountinfo } from '../host/mountinfo.js';
import { mountViews } from './mount-kinds.js';
import { CONTAINER_MOUNTINFO } from './_fixtures.js';

test('mountViews() tells the rootfs, kernel, cgroup, masked, read-only, bind and volume mounts apart', () => {
  const hints = { maskedPaths: ['/proc/keys'], readonlyPaths: ['/proc/sys'], volumeTargets: ['/data'] };
  const v = mountViews(parseMountinfo(CONTAINER_MOUNTINFO), hints);
  const kind = Object.fromEntries(v.map((m) => [m.target, m.kind]));
  assert.deepEqual(kind, {
    '/': 'rootfs',
    '/proc': 'kernel',
    '/dev': 'tmpfs',
    '/sys': 'kernel',
    '/etc/hosts': 'bind',
    '/sys/fs/cgroup/memory': 'cgroup',
    '/data': 'volume',
    '/proc/sys': 'readonly',
    '/proc/keys': 'masked',
  });
  assert.equal(v.find((m) => m.target === '/etc/hosts')?.source, '/var/lib/berth/containers/fc43/hosts');
  assert.equal(v.find((m) => m.target === '/proc/sys')?.readOnly, true);
});

test('mountViews() without hints still finds binds', () => {
  const v = mountViews(parseMountinfo(CONTAINER_MOUNTINFO), null);
  assert.equal(v.find((m) => m.target === '/data')?.kind, 'bind');
  assert.equal(v.find((m) => m.target === '/proc/keys')?.kind, 'bind');
});
