import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { ContainerExplanation, HostExplanation, NamespaceView, PidExplanation } from '../../src/core/explain/types.js';
import { makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';

let t: TestEnv;
before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
});
after(async () => t.cleanup());

async function explain<T = ContainerExplanation>(args: string[]): Promise<T> {
  const r = await t.berth(['explain', '--format', 'json', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

async function run(name: string, flags: string[], cmd: string[] = ['sleep', '1000']): Promise<void> {
  const r = await t.berth(['run', '-d', '--name', name, '--network', 'none', ...flags, 'busybox', ...cmd]);
  assert.equal(r.code, 0, r.stderr);
}

const ISOLATED: ReadonlyArray<NamespaceView['type']> = ['pid', 'mnt', 'net', 'uts', 'ipc'];
const ns = (e: ContainerExplanation, type: string) => e.process?.namespaces.find((n) => n.type === type);

test('limits: --pids-limit 42 and --memory 64m show in the cgroup; --network none shows only lo', async () => {
  await run('lim', ['--pids-limit', '42', '--memory', '64m']);
  const e = await explain(['lim']);
  assert.equal(e.container.running, true);
  assert.equal(e.note, null);
  assert.equal(e.process?.cgroup.pids.max, 42);
  assert.ok((e.process?.cgroup.pids.current ?? 0) >= 1);
  assert.equal(e.process?.cgroup.memory.limit, 64 * 1024 * 1024);
  assert.ok((e.process?.cgroup.memory.usage ?? 0) > 0);
  assert.ok(e.process?.cgroup.paths.some((p) => p.path.endsWith(e.container.id)));
  assert.deepEqual(
    e.network?.interfaces.map((i) => i.name),
    ['lo'],
  );
  assert.deepEqual(e.network?.routes, []);
  assert.deepEqual(e.network?.publishedPorts, []);
  // the default profile is applied and reported; seccomp is on
  assert.equal(e.process?.seccomp.mode, 'filter');
  assert.equal(e.applied?.seccomp.profile, 'default');
  assert.ok(e.applied?.seccomp.blocks.some((b) => b.syscalls.includes('mount')));
  assert.equal(e.applied?.resources.pids, 42);
  // the main process is PID 1 inside, a child of conmon outside
  assert.equal(e.process?.nsPids.at(-1), 1);
  assert.equal(e.process?.parents[0]?.role, 'conmon');
  assert.equal(e.process?.parents[0]?.pid, e.container.conmonPid);
  // the overlay's lower dir maps back to the image's one layer
  assert.equal(e.rootfs.mounted, true);
  assert.equal(e.rootfs.layers.length, 1);
  assert.equal(e.rootfs.layers[0]?.index, 0);
  assert.match(e.rootfs.layers[0]?.digest ?? '', /^sha256:[0-9a-f]{64}$/);
  assert.ok(e.rootfs.upperDir);
  assert.ok(e.process?.mounts.some((m) => m.kind === 'masked'));
  assert.ok(e.process?.mounts.some((m) => m.target === '/' && m.kind === 'rootfs'));
});

test('--cap-drop ALL shows no capabilities in any set', async () => {
  await run('nocaps', ['--cap-drop', 'ALL']);
  const c = (await explain(['nocaps'])).process?.capabilities;
  assert.deepEqual(c?.effective, []);
  assert.deepEqual(c?.permitted, []);
  assert.deepEqual(c?.bounding, []);
  assert.deepEqual(c?.ambient, []);
  assert.ok((c?.droppedFromHost.length ?? 0) > 30);
});

test('--privileged shows seccomp off and the full bounding set; --diff shows what differs', async () => {
  await run('priv', ['--privileged']);
  const e = await explain(['priv']);
  assert.equal(e.process?.seccomp.mode, 'disabled');
  assert.equal(e.process?.seccomp.filters, 0);
  assert.equal(e.applied?.seccomp.profile, 'unconfined');
  assert.deepEqual(e.process?.capabilities.bounding, e.host.capBounding);
  assert.deepEqual(e.process?.capabilities.droppedFromHost, []);

  const d = await explain<{ kind: string; differences: Array<{ label: string; left: string; right: string; same: boolean }> }>(['--diff', 'priv', 'nocaps']);
  assert.equal(d.kind, 'diff');
  const seccomp = d.differences.find((x) => x.label === 'seccomp');
  assert.equal(seccomp?.same, false);
  assert.match(seccomp?.left ?? '', /^filter/);
  assert.match(seccomp?.right ?? '', /^disabled/);
  const text = await t.berth(['explain', '--diff', 'priv', 'nocaps']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /≠\s+seccomp/);
});

test("a container's namespaces differ from the host's, and two containers' from each other", async () => {
  const a = await explain(['lim']);
  const b = await explain(['nocaps']);
  for (const type of ISOLATED) {
    const na = ns(a, type);
    const nb = ns(b, type);
    assert.ok(na?.inode && nb?.inode, type);
    assert.notEqual(na.inode, na.hostInode, type);
    assert.equal(na.sharedWith, 'private', type);
    assert.notEqual(na.inode, nb.inode, type);
  }
});

test('--pid of a host process shows it shares every namespace with the host', async () => {
  const e = await explain<PidExplanation>(['--pid', String(process.pid)]);
  assert.equal(e.kind, 'process');
  assert.equal(e.process.pid, process.pid);
  assert.equal(e.process.containerId, null);
  for (const n of e.process.namespaces) {
    // a type the kernel lacks has no inode (and no link in /proc/PID/ns); every other one is the host's
    assert.equal(n.inode === null, !fs.existsSync(`/proc/${process.pid}/ns/${n.type}`), n.type);
    assert.equal(n.sharedWith, n.inode === null ? n.sharedWith : 'host', n.type);
  }
  assert.ok(
    e.process.libraries.some((l) => /libc[.-]/.test(l)),
    'node maps libc',
  );
  const text = await t.berth(['explain', '--pid', String(process.pid)]);
  assert.equal(text.code, 0, text.stderr);
  assert.doesNotMatch(text.stdout, /\x1b\[/, 'no colour when stdout is not a terminal');
  assert.match(text.stdout, /pid\s+\d+\s+\d+\s+.*shared with the host/);
});

test("--pid of a container's process finds the container", async () => {
  const c = await explain(['lim']);
  const e = await explain<PidExplanation>(['--pid', String(c.container.pid)]);
  assert.equal(e.process.containerId, c.container.id);
});

test('--all lists every process of the container', async () => {
  await run('many', [], ['sh', '-c', 'sleep 1000 & sleep 1000']);
  const e = await explain(['--all', 'many']);
  assert.ok(e.processes.length >= 2, JSON.stringify(e.processes.map((p) => p.name)));
  assert.equal(e.processes[0]?.pid, e.container.pid);
});

test('a container that is not running is explained from its configuration, saying so', async () => {
  const r = await t.berth(['run', '--name', 'done', '--network', 'none', '--pids-limit', '7', 'busybox', 'true']);
  assert.equal(r.code, 0, r.stderr);
  const e = await explain(['done']);
  assert.equal(e.container.running, false);
  assert.equal(e.process, null);
  assert.match(e.note ?? '', /not running/);
  assert.equal(e.applied?.resources.pids, 7);
  assert.equal(e.rootfs.layers.length, 1);
  const text = await t.berth(['explain', 'done']);
  assert.match(text.stdout, /not running \(exited\): shown from its configuration/);
});

test('--host shows the runtime, the monitor and kernel features', async () => {
  const h = await explain<HostExplanation>(['--host']);
  assert.equal(h.kind, 'host');
  const runtime = h.binaries.find((b) => b.role === 'runtime');
  assert.ok(runtime);
  assert.ok(runtime.static || runtime.libraries.some((l) => l.name.startsWith('libc.so')), JSON.stringify(runtime.libraries));
  assert.ok(h.binaries.some((b) => b.role === 'monitor'));
  assert.equal(h.features.overlayfs, true);
  assert.ok(h.features.namespaces.includes('pid'));
  assert.ok(h.limits.pidMax && h.limits.pidMax > 0);
  const text = await t.berth(['explain', '--host']);
  assert.match(text.stdout, /Kernel features/);
});

test('bad input: one-line error and exit 1', async () => {
  for (const args of [['nosuch'], ['--pid', '999999999'], ['--pid', 'abc'], [], ['--format', 'yaml', 'lim'], ['--host', 'lim']]) {
    const r = await t.berth(['explain', ...args]);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
  }
});

test('on the default bridge: eth0 with its address and route, and the published ports', async () => {
  const r = await t.berth(['run', '-d', '--name', 'pub', '-p', '127.0.0.1:18391:80', 'busybox', 'httpd', '-f', '-p', '80']);
  assert.equal(r.code, 0, r.stderr);
  const e = await explain(['pub']);
  assert.ok(
    e.network?.interfaces.some((i) => i.name === 'eth0'),
    'eth0 is listed',
  );
  assert.deepEqual(e.network?.publishedPorts, [{ hostIp: '127.0.0.1', hostPort: 18391, containerPort: 80, protocol: 'tcp' }]);
  await t.berth(['rm', '-f', 'pub']);
});
