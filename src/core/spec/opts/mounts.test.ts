import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyContainerSpec, type ContainerSpec } from '../container-spec.js';
import { mounts } from './mounts.js';

const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({ ...emptyContainerSpec('i', 'x'), ...over });
const dests = (ms: Array<{ destination: string }>): string[] => ms.map((m) => m.destination);

test("mounts() gives the standard file systems with runc's options", () => {
  const ms = mounts({ spec: spec(), image: {} });
  assert.deepEqual(dests(ms), ['/proc', '/dev', '/sys', '/dev/pts', '/dev/mqueue', '/dev/shm', '/sys/fs/cgroup']);
  const by = Object.fromEntries(ms.map((m) => [m.destination, m]));
  assert.deepEqual(by['/dev'], { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] });
  assert.deepEqual(by['/dev/pts']?.options, ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']);
  assert.deepEqual(by['/dev/shm'], {
    destination: '/dev/shm',
    type: 'tmpfs',
    source: 'shm',
    options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864'],
  });
  assert.deepEqual(by['/sys']?.options, ['nosuid', 'noexec', 'nodev', 'ro']);
  assert.deepEqual(by['/sys/fs/cgroup'], { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'ro'] });
});

test('mounts() sizes /dev/shm from --shm-size, binds it for a shared IPC and drops it for --ipc none', () => {
  assert.ok(
    mounts({ spec: spec({ shmSize: 1024 }), image: {} })
      .find((m) => m.destination === '/dev/shm')
      ?.options?.includes('size=1024'),
  );
  assert.deepEqual(
    mounts({ spec: spec({ ipcMode: 'host' }), image: {}, shmPath: '/dev/shm' }).find((m) => m.destination === '/dev/shm'),
    {
      destination: '/dev/shm',
      type: 'bind',
      source: '/dev/shm',
      options: ['rbind', 'rprivate'],
    },
  );
  assert.ok(!dests(mounts({ spec: spec({ ipcMode: 'none' }), image: {} })).includes('/dev/shm'));
});

test('mounts() makes /sys and cgroups writable for --privileged', () => {
  const ms = mounts({ spec: spec({ privileged: true }), image: {} });
  assert.ok(!ms.find((m) => m.destination === '/sys')?.options?.includes('ro'));
  assert.ok(!ms.find((m) => m.destination === '/sys/fs/cgroup')?.options?.includes('ro'));
});

test('mounts() binds the /etc files, read-only with a read-only root', () => {
  const etcFiles = { hosts: '/run/b/hosts', resolvConf: '/run/b/resolv.conf', hostname: '/run/b/hostname' };
  const ms = mounts({ spec: spec({ readOnly: true }), image: {}, etcFiles }).filter((m) => m.destination.startsWith('/etc'));
  assert.deepEqual(ms, [
    { destination: '/etc/hosts', type: 'bind', source: '/run/b/hosts', options: ['rbind', 'rprivate', 'ro'] },
    { destination: '/etc/resolv.conf', type: 'bind', source: '/run/b/resolv.conf', options: ['rbind', 'rprivate', 'ro'] },
    { destination: '/etc/hostname', type: 'bind', source: '/run/b/hostname', options: ['rbind', 'rprivate', 'ro'] },
  ]);
});

test('mounts() turns user bind, tmpfs and volume mounts into runtime mounts', () => {
  const ms = mounts({
    spec: spec({
      mounts: [
        { type: 'bind', source: '/srv', target: '/data', readOnly: true, options: ['Z', 'rshared'] },
        { type: 'bind', source: '/src', target: '/src', readOnly: false, options: ['nonrecursive'] },
        { type: 'tmpfs', source: '', target: '/run', readOnly: false, options: ['exec', 'size=64m'] },
        { type: 'volume', source: 'db', target: '/var/lib/db', readOnly: false, options: ['nocopy'] },
      ],
    }),
    image: {},
    volumeSources: { '/var/lib/db': '/var/lib/berth/volumes/db/_data' },
  });
  const by = Object.fromEntries(ms.map((m) => [m.destination, m]));
  assert.deepEqual(by['/data'], { destination: '/data', type: 'bind', source: '/srv', options: ['rbind', 'rshared', 'ro'] });
  assert.deepEqual(by['/src'], { destination: '/src', type: 'bind', source: '/src', options: ['bind', 'rprivate'] });
  assert.deepEqual(by['/run'], { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'exec', 'size=64m'] });
  assert.deepEqual(by['/var/lib/db'], { destination: '/var/lib/db', type: 'bind', source: '/var/lib/berth/volumes/db/_data', options: ['rbind', 'rprivate'] });
});

test('mounts() binds image VOLUMEs that have a host directory and that no user mount covers', () => {
  const ms = mounts({
    spec: spec({ mounts: [{ type: 'tmpfs', source: '', target: '/cache', readOnly: false, options: [] }] }),
    image: { Volumes: { '/data/': {}, '/cache': {}, '/logs': {} } },
    volumeSources: { '/data': '/v/anon1', '/cache': '/v/anon2' },
  });
  assert.equal(ms.find((m) => m.destination === '/data')?.source, '/v/anon1');
  assert.equal(ms.find((m) => m.destination === '/cache')?.type, 'tmpfs');
  assert.ok(!dests(ms).includes('/logs'));
});

test('mounts() lets a user mount replace a default at the same place', () => {
  const ms = mounts({ spec: spec({ mounts: [{ type: 'bind', source: '/big', target: '/dev/shm', readOnly: false, options: [] }] }), image: {} });
  const shm = ms.filter((m) => m.destination === '/dev/shm');
  assert.equal(shm.length, 1);
  assert.equal(shm[0]?.source, '/big');
});

test('mounts() orders parents before children', () => {
  const ms = mounts({
    spec: spec({
      mounts: [
        { type: 'tmpfs', source: '', target: '/a/b/c', readOnly: false, options: [] },
        { type: 'tmpfs', source: '', target: '/a', readOnly: false, options: [] },
        { type: 'tmpfs', source: '', target: '/a/b', readOnly: false, options: [] },
      ],
    }),
    image: {},
  });
  const d = dests(ms);
  assert.ok(d.indexOf('/a') < d.indexOf('/a/b') && d.indexOf('/a/b') < d.indexOf('/a/b/c'));
  assert.ok(d.indexOf('/dev') < d.indexOf('/dev/pts'));
});

test('mounts() binds the init read-only on /dev/init with --init', () => {
  const ms = mounts({ spec: spec({ init: true }), image: {}, initPath: '/usr/libexec/berth/init' });
  assert.deepEqual(
    ms.find((m) => m.destination === '/dev/init'),
    {
      destination: '/dev/init',
      type: 'bind',
      source: '/usr/libexec/berth/init',
      options: ['bind', 'ro', 'nosuid', 'nodev'],
    },
  );
  assert.ok(dests(ms).indexOf('/dev') < dests(ms).indexOf('/dev/init'));
});

test('mounts() fails clearly without an init binary or a volume directory', () => {
  assert.throws(() => mounts({ spec: spec({ init: true }), image: {} }), {
    kind: 'FailedPrecondition',
    message: '--init needs an init binary, and none is configured',
  });
  assert.throws(() => mounts({ spec: spec({ mounts: [{ type: 'volume', source: '', target: '/x', readOnly: false, options: [] }] }), image: {} }), {
    kind: 'Internal',
    message: 'no host directory for the volume mounted at "/x"',
  });
});
