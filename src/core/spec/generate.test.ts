import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { ImageRuntimeConfig, RuntimeSpec } from '../oci/types.js';
import { DEFAULT_CAPABILITIES } from './capabilities.js';
import { emptyContainerSpec, type ContainerSpec } from './container-spec.js';
import { fakeHost } from './fake-host.js';
import { generateRuntimeSpec, type GenerateInput } from './generate.js';
import type { HostFacts } from './host-facts.js';
import { DEFAULT_DEVICE_RULES } from './opts/devices.js';
import { seccompVerdict } from './seccomp-verdict.js';

const MB = 1024 * 1024;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-generate-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const rootfs = path.join(tmp, 'rootfs');
fs.mkdirSync(path.join(rootfs, 'etc'), { recursive: true });
fs.writeFileSync(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnginx:x:101:101:nginx:/var/cache/nginx:/bin/false\n');
fs.writeFileSync(path.join(rootfs, 'etc/group'), 'root:x:0:\nnginx:x:101:\nwww:x:33:nginx\n');

const NGINX: ImageRuntimeConfig = {
  Entrypoint: ['/docker-entrypoint.sh'],
  Cmd: ['nginx', '-g', 'daemon off;'],
  Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NGINX_VERSION=1.25.3'],
  StopSignal: 'SIGQUIT',
  Volumes: { '/var/cache/nginx': {} },
};

/** A typical `run -d --name web -e MODE=prod -m 256m --cpus 1.5 … nginx`. */
function typicalSpec(): ContainerSpec {
  return {
    ...emptyContainerSpec('nginx:1.25', 'sha256:abc'),
    name: 'web',
    env: ['MODE=prod'],
    hostname: 'web1',
    network: 'bridge',
    capAdd: ['NET_ADMIN'],
    capDrop: ['MKNOD'],
    security: { noNewPrivileges: true },
    resources: { memory: 256 * MB, nanoCpus: 1_500_000_000, pidsLimit: 200, oomKillDisable: true },
    ulimits: [{ name: 'nofile', soft: 1024, hard: 4096 }],
    mounts: [
      { type: 'bind', source: '/srv/site', target: '/usr/share/nginx/html', readOnly: true, options: [] },
      { type: 'tmpfs', source: '', target: '/run', readOnly: false, options: ['size=16m'] },
      { type: 'volume', source: 'cache', target: '/var/cache/nginx', readOnly: false, options: [] },
    ],
    sysctls: { 'net.core.somaxconn': '1024' },
  };
}

function generate(spec: ContainerSpec, host: HostFacts, more: Partial<GenerateInput> = {}): RuntimeSpec {
  return generateRuntimeSpec({
    spec,
    image: NGINX,
    rootfs,
    containerId: 'c0ffee',
    hostname: 'web1',
    cgroupsPath: '/berth/c0ffee',
    host,
    etcFiles: { hosts: '/run/berth/c0ffee/hosts', resolvConf: '/run/berth/c0ffee/resolv.conf', hostname: '/run/berth/c0ffee/hostname' },
    volumeSources: { '/var/cache/nginx': '/var/lib/berth/volumes/cache/_data' },
    ...more,
  });
}

const CAPS = [...DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_MKNOD'), 'CAP_NET_ADMIN'];

/** The config.json expected on a cgroup v1 host, without linux.seccomp (checked apart). */
const GOLDEN_V1: RuntimeSpec = {
  ociVersion: '1.0.2-dev',
  process: {
    terminal: false,
    user: { uid: 0, gid: 0 },
    args: ['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;'],
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=web1', 'NGINX_VERSION=1.25.3', 'MODE=prod', 'HOME=/root'],
    cwd: '/',
    capabilities: { bounding: CAPS, effective: CAPS, permitted: CAPS, inheritable: [], ambient: [] },
    rlimits: [
      { type: 'RLIMIT_NOFILE', hard: 4096, soft: 1024 },
      { type: 'RLIMIT_NPROC', hard: 96365, soft: 96365 },
    ],
    noNewPrivileges: true,
  },
  root: { path: rootfs, readonly: false },
  mounts: [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'noexec', 'nodev', 'size=16m'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864'] },
    { destination: '/etc/hosts', type: 'bind', source: '/run/berth/c0ffee/hosts', options: ['rbind', 'rprivate'] },
    { destination: '/etc/resolv.conf', type: 'bind', source: '/run/berth/c0ffee/resolv.conf', options: ['rbind', 'rprivate'] },
    { destination: '/etc/hostname', type: 'bind', source: '/run/berth/c0ffee/hostname', options: ['rbind', 'rprivate'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/var/cache/nginx', type: 'bind', source: '/var/lib/berth/volumes/cache/_data', options: ['rbind', 'rprivate'] },
    { destination: '/usr/share/nginx/html', type: 'bind', source: '/srv/site', options: ['rbind', 'rprivate', 'ro'] },
  ],
  linux: {
    namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
    devices: [],
    cgroupsPath: '/berth/c0ffee',
    resources: {
      devices: [...DEFAULT_DEVICE_RULES],
      memory: { limit: 256 * MB, swap: 512 * MB, disableOOMKiller: true },
      cpu: { period: 100000, quota: 150000 },
      pids: { limit: 200 },
    },
    maskedPaths: [
      '/proc/asound',
      '/proc/acpi',
      '/proc/keys',
      '/proc/latency_stats',
      '/proc/timer_list',
      '/proc/scsi',
      '/sys/firmware',
      '/sys/devices/virtual/powercap',
    ],
    readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    sysctl: { 'net.core.somaxconn': '1024' },
  },
  hostname: 'web1',
  annotations: { 'org.opencontainers.image.stopSignal': 'SIGQUIT' },
};

function withoutSeccomp(config: RuntimeSpec): RuntimeSpec {
  const copy = structuredClone(config);
  delete copy.linux?.seccomp;
  return copy;
}

test('a typical container on a cgroup v1 host gives the golden config.json', () => {
  assert.deepEqual(withoutSeccomp(generate(typicalSpec(), fakeHost({ cgroupVersion: 1 }))), GOLDEN_V1);
});

test('a typical container on a cgroup v2 host adds a cgroup namespace and drops the OOM-killer switch', () => {
  const warnings: string[] = [];
  const v2 = withoutSeccomp(generate(typicalSpec(), fakeHost({ cgroupVersion: 2 }), { onWarning: (w) => warnings.push(w) }));
  const expected = structuredClone(GOLDEN_V1);
  expected.linux?.namespaces?.push({ type: 'cgroup' });
  if (expected.linux?.resources?.memory) delete expected.linux.resources.memory.disableOOMKiller;
  assert.deepEqual(v2, expected);
  assert.deepEqual(warnings, ['the OOM killer cannot be disabled on cgroup v2: --oom-kill-disable is ignored']);
});

test('the typical container gets the default seccomp profile fitted to its capabilities', () => {
  const seccomp = generate(typicalSpec(), fakeHost()).linux?.seccomp;
  assert.ok(seccomp);
  assert.deepEqual(seccompVerdict(seccomp, 'mount'), { action: 'SCMP_ACT_ERRNO', errnoRet: 1 });
  assert.deepEqual(seccompVerdict(seccomp, 'read'), { action: 'SCMP_ACT_ALLOW' });
  assert.deepEqual(seccomp.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
});

test('the generated config survives JSON unchanged (no undefined, Infinity or NaN)', () => {
  const config = generate({ ...typicalSpec(), ulimits: [{ name: 'core', soft: -1, hard: -1 }] }, fakeHost());
  assert.deepEqual(JSON.parse(JSON.stringify(config)), config);
});

test('a privileged container gets all capabilities, host devices, writable /sys and no seccomp or masking', () => {
  const host = fakeHost({ capBounding: ['CAP_CHOWN', 'CAP_SYS_ADMIN'] });
  const config = generate({ ...emptyContainerSpec('i', 'x'), privileged: true }, host);
  assert.deepEqual(config.process?.capabilities?.effective, ['CAP_CHOWN', 'CAP_SYS_ADMIN']);
  assert.equal(config.linux?.seccomp, undefined);
  assert.deepEqual(config.linux?.maskedPaths, []);
  assert.deepEqual(config.linux?.readonlyPaths, []);
  assert.deepEqual(config.linux?.resources?.devices, [{ allow: true, access: 'rwm' }]);
  assert.equal(config.linux?.devices?.length, 3);
  assert.deepEqual(config.mounts?.find((m) => m.destination === '/sys')?.options, ['nosuid', 'noexec', 'nodev']);
});

test("a default container gets docker's capabilities, the default profile and masking", () => {
  const config = generate(emptyContainerSpec('i', 'x'), fakeHost());
  assert.deepEqual(config.process?.capabilities?.bounding, [...DEFAULT_CAPABILITIES]);
  assert.equal(config.linux?.seccomp?.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(config.process?.noNewPrivileges, false);
  assert.ok(config.linux?.maskedPaths?.includes('/proc/keys'));
});

test('--cap-add and --cap-drop reach both the capability sets and the seccomp profile', () => {
  const config = generate({ ...emptyContainerSpec('i', 'x'), capAdd: ['sys_admin', 'SYS_PTRACE'], capDrop: ['ALL'] }, fakeHost());
  assert.deepEqual(config.process?.capabilities?.effective, ['CAP_SYS_ADMIN', 'CAP_SYS_PTRACE']);
  const seccomp = config.linux?.seccomp;
  assert.ok(seccomp);
  assert.equal(seccompVerdict(seccomp, 'mount').action, 'SCMP_ACT_ALLOW');
  assert.equal(seccompVerdict(seccomp, 'kcmp').action, 'SCMP_ACT_ALLOW');
  assert.equal(seccompVerdict(seccomp, 'chroot').action, 'SCMP_ACT_ERRNO');
  assert.throws(() => generate({ ...emptyContainerSpec('i', 'x'), capAdd: ['FOO'] }, fakeHost()), { message: 'unknown capability: "CAP_FOO"' });
});

test('the open-files default is clamped to the host and a larger --ulimit is refused', () => {
  const config = generate(emptyContainerSpec('i', 'x'), fakeHost({ rlimitHard: { RLIMIT_NOFILE: 20000 } }));
  assert.deepEqual(config.process?.rlimits?.[0], { type: 'RLIMIT_NOFILE', hard: 20000, soft: 20000 });
  assert.throws(() => generate({ ...emptyContainerSpec('i', 'x'), ulimits: [{ name: 'nofile', soft: 65536, hard: 65536 }] }, fakeHost()), {
    kind: 'InvalidArgument',
    message: /hard limit 65536 is above this host's hard limit of 20000/,
  });
});

test('the user comes from --user or the image, resolved in the rootfs, with HOME from passwd', () => {
  const config = generate({ ...emptyContainerSpec('i', 'x'), user: 'nginx', groupAdd: ['5'] }, fakeHost());
  assert.deepEqual(config.process?.user, { uid: 101, gid: 101, additionalGids: [33, 5] });
  assert.ok(config.process?.env?.includes('HOME=/var/cache/nginx'));
  const fromImage = generateRuntimeSpec({
    spec: emptyContainerSpec('i', 'x'),
    image: { ...NGINX, User: '101:101' },
    rootfs,
    containerId: 'c',
    hostname: 'h',
    cgroupsPath: '/b/c',
    host: fakeHost(),
  });
  assert.deepEqual(fromImage.process?.user, { uid: 101, gid: 101 });
  assert.throws(() => generate({ ...emptyContainerSpec('i', 'x'), user: 'xyz' }, fakeHost()), {
    kind: 'InvalidArgument',
    message: 'unable to find user xyz: no matching entries in passwd file',
  });
});

test('--network host shares the host network namespace and name; --uts host sets no hostname', () => {
  const net = generate({ ...emptyContainerSpec('i', 'x'), network: 'host' }, fakeHost({ cgroupVersion: 1 }));
  assert.ok(!net.linux?.namespaces?.some((n) => n.type === 'network'));
  assert.equal(net.hostname, 'buildhost');
  assert.ok(net.process?.env?.includes('HOSTNAME=buildhost'));
  const named = generate({ ...emptyContainerSpec('i', 'x'), network: 'host', hostname: 'mine' }, fakeHost());
  assert.equal(named.hostname, 'web1');
  const uts = generate({ ...emptyContainerSpec('i', 'x'), utsMode: 'host' }, fakeHost());
  assert.equal(uts.hostname, undefined);
  assert.ok(!uts.linux?.namespaces?.some((n) => n.type === 'uts'));
});

test('an empty hostname becomes the short container id', () => {
  const config = generate(emptyContainerSpec('i', 'x'), fakeHost(), { hostname: '', containerId: '0123456789abcdef0123' });
  assert.equal(config.hostname, '0123456789ab');
  assert.ok(config.process?.env?.includes('HOSTNAME=0123456789ab'));
});

test('--read-only, --tty, --workdir and --init shape root and process', () => {
  const config = generate({ ...emptyContainerSpec('i', 'x'), readOnly: true, tty: true, workingDir: '/app', init: true, cmd: ['sh'] }, fakeHost(), {
    initPath: '/usr/libexec/berth/catatonit',
  });
  assert.deepEqual(config.root, { path: rootfs, readonly: true });
  assert.equal(config.process?.terminal, true);
  assert.ok(config.process?.env?.includes('TERM=xterm'));
  assert.equal(config.process?.cwd, '/app');
  assert.deepEqual(config.process?.args, ['/dev/init', '--', '/docker-entrypoint.sh', 'sh']);
  assert.equal(config.mounts?.find((m) => m.destination === '/dev/init')?.source, '/usr/libexec/berth/catatonit');
  assert.deepEqual(config.mounts?.find((m) => m.destination === '/etc/hosts')?.options, ['rbind', 'rprivate', 'ro']);
});

test('generateRuntimeSpec() validates the spec before anything else', () => {
  assert.throws(() => generate({ ...emptyContainerSpec('i', 'x'), autoRemove: true, restartPolicy: { name: 'always', maximumRetryCount: 0 } }, fakeHost()), {
    message: 'conflicting options: cannot specify both --restart and --rm',
  });
});

test('an image STOPSIGNAL that does not parse is left out rather than failing the run', () => {
  const config = generateRuntimeSpec({
    spec: emptyContainerSpec('i', 'x'),
    image: { Cmd: ['sh'], StopSignal: 'SIGWHAT' },
    rootfs,
    containerId: 'c',
    hostname: 'h',
    cgroupsPath: '/b/c',
    host: fakeHost(),
  });
  assert.equal(config.annotations, undefined);
});

test('rootless: no cgroup path, resources or cgroup mount; the rest as for root', () => {
  const host = fakeHost({ cgroupVersion: 1 });
  const spec = { ...typicalSpec(), resources: {} };
  const rootful = generate(spec, host);
  const out = generate(spec, host, { rootless: {} });
  assert.equal(out.linux?.cgroupsPath, undefined);
  assert.equal(out.linux?.resources, undefined);
  assert.equal(
    out.mounts?.some((m) => m.type === 'cgroup'),
    false,
  );
  assert.deepEqual(out.process, rootful.process);
  assert.deepEqual(out.linux?.namespaces, rootful.linux?.namespaces);
  assert.equal(out.linux?.uidMappings, undefined);
  // sysfs of the host's network namespace is not the user's to mount: bound read-only instead
  const hostNet = generate({ ...spec, network: 'host', sysctls: {} }, host, { rootless: { hostNetwork: true } });
  assert.deepEqual(
    hostNet.mounts?.find((m) => m.destination === '/sys'),
    { destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] },
  );
});

test('rootless keep-id: a user namespace of the container own with the given mappings', () => {
  const uidMappings = [
    { containerID: 0, hostID: 1, size: 1000 },
    { containerID: 1000, hostID: 0, size: 1 },
  ];
  const out = generate({ ...typicalSpec(), resources: {} }, fakeHost({ cgroupVersion: 1 }), { rootless: { uidMappings, gidMappings: uidMappings } });
  assert.equal(out.linux?.namespaces?.filter((n) => n.type === 'user').length, 1);
  assert.deepEqual(out.linux?.uidMappings, uidMappings);
  assert.deepEqual(out.linux?.gidMappings, uidMappings);
});

test('rootless --pid host and --ipc host: the host proc is bound, not mounted (its pid namespace is not the user own)', () => {
  const out = generate({ ...typicalSpec(), resources: {}, pidMode: 'host', ipcMode: 'host' }, fakeHost({ cgroupVersion: 1 }), { rootless: {} });
  assert.deepEqual(
    out.mounts?.find((m) => m.destination === '/proc'),
    { destination: '/proc', type: 'bind', source: '/proc', options: ['rbind', 'nosuid', 'noexec', 'nodev'] },
  );
  assert.equal(
    out.mounts?.some((m) => m.type === 'mqueue'),
    false,
  );
  assert.equal(
    out.mounts?.some((m) => m.type === 'proc'),
    false,
  );
});

test('rootless under a delegated cgroup v2 subtree: the cgroup path is under it and the limits stay for runc to write', () => {
  const cgroupsPath = '/user.slice/user-1000.slice/user@1000.service/berth/c0ffee';
  const out = generate({ ...typicalSpec(), resources: { memory: 64 * MB, nanoCpus: 500_000_000, pidsLimit: 10 } }, fakeHost({ cgroupVersion: 2 }), {
    rootless: { cgroupsPath },
  });
  assert.equal(out.linux?.cgroupsPath, cgroupsPath);
  assert.equal(out.linux?.resources?.memory?.limit, 64 * MB);
  assert.deepEqual([out.linux?.resources?.cpu?.quota, out.linux?.resources?.cpu?.period], [50_000, 100_000]);
  assert.equal(out.linux?.resources?.pids?.limit, 10);
  assert.equal(out.linux?.resources?.devices, undefined);
  // without one: no cgroup at all
  const none = generate({ ...typicalSpec(), resources: {} }, fakeHost({ cgroupVersion: 1 }), { rootless: {} });
  assert.equal(none.linux?.cgroupsPath, undefined);
  assert.equal(none.linux?.resources, undefined);
});
