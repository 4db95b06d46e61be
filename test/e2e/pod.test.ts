import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import net from 'node:net';
import { makeTestEnv, BERTH_BIN, type TestEnv } from '../../src/testkit/berth-cli.js';
import { httpGet, retry } from '../../src/testkit/http-probe.js';

// Pods with real containers: the infra (catatonit in an empty root) holds net, ipc and uts; the
// members join them. Only 127.0.0.1 and the pod's own namespace are contacted.

let t: TestEnv;
before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
});
after(async () => {
  const pods = (await t.berth(['pod', 'ps', '-q', '--no-trunc'])).stdout.split('\n').filter(Boolean);
  if (pods.length) await t.berth(['pod', 'rm', '-f', ...pods]);
  await t.cleanup();
});

async function ok(args: string[]): Promise<string> {
  const r = await t.berth(args);
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

const get = (url: string): Promise<{ status: number; body: string }> => httpGet(url);

function inspectOne(json: string): Record<string, unknown> {
  return (JSON.parse(json) as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
}

function pidOf(name: string): number {
  return Number(t.berthSync(['inspect', '-f', '{{.State.Pid}}', name]).stdout.trim());
}

function ns(pid: number, kind: string): string {
  return fs.readlinkSync(`/proc/${pid}/ns/${kind}`);
}

test('members share net, ipc and uts with the infra and keep their own pid namespace; they see the pod hostname', async () => {
  const podId = await ok(['pod', 'create', '--name', 'nsp', '--hostname', 'podhost']);
  await ok(['run', '-d', '--pod', 'nsp', '--name', 'nsa', 'busybox', 'sleep', '300']);
  await ok(['run', '-d', '--pod', 'nsp', '--name', 'nsb', 'busybox', 'sleep', '300']);
  const infraId = String(inspectOne(await ok(['pod', 'inspect', 'nsp']))['InfraContainerID']);
  const infra = pidOf(infraId);
  const a = pidOf('nsa');
  const b = pidOf('nsb');
  assert.ok(infra > 0 && a > 0 && b > 0);
  for (const kind of ['net', 'ipc', 'uts']) {
    assert.equal(ns(a, kind), ns(infra, kind), `${kind} of a member and the infra`);
    assert.equal(ns(b, kind), ns(infra, kind), `${kind} of two members`);
    assert.notEqual(ns(a, kind), ns(process.pid, kind), `${kind} is not the host's`);
  }
  assert.notEqual(ns(a, 'pid'), ns(b, 'pid'));
  assert.notEqual(ns(a, 'pid'), ns(infra, 'pid'));
  assert.notEqual(ns(a, 'mnt'), ns(b, 'mnt'));
  assert.equal(await ok(['exec', 'nsa', 'hostname']), 'podhost');
  // explain names who a member shares its namespaces with
  const explained = await ok(['explain', 'nsa']);
  assert.match(explained, /^\s+net\s+\d+\s+\d+\s+shared with .*\bnsb\b.*-infra/m);
  assert.match(explained, /^\s+pid\s+\d+\s+\d+\s+isolated/m);
  // the infra needs no image: an empty read-only root with only catatonit in it
  assert.deepEqual(fs.readFileSync(`/proc/${infra}/cmdline`, 'utf8').split('\0').filter(Boolean), ['/catatonit', '-P']);
  const rootEntries = fs.readdirSync(`/proc/${infra}/root`);
  assert.ok(rootEntries.includes('catatonit'));
  assert.ok(!rootEntries.includes('bin'), `infra root: ${rootEntries.join(' ')}`);
  // ps --pod and --filter pod=
  const rows = await ok(['ps', '--pod', '--filter', 'pod=nsp', '--format', '{{.Names}} {{.PodName}}']);
  assert.deepEqual(rows.split('\n').sort(), [`${podId.slice(0, 12)}-infra nsp`, 'nsa nsp', 'nsb nsp']);
  // the infra has no image: ps names what it runs (never an empty column), inspect says the same
  // as Config.Image and has no image id; the image filter finds it by that name
  const images = await ok(['ps', '-a', '--filter', 'pod=nsp', '--format', '{{.Names}} {{.Image}}']);
  assert.deepEqual(images.split('\n').sort(), [`${podId.slice(0, 12)}-infra catatonit`, 'nsa busybox', 'nsb busybox']);
  assert.equal(await ok(['inspect', '-f', '{{.Config.Image}}|{{.Image}}', infraId]), 'catatonit|');
  assert.equal(await ok(['ps', '-a', '--filter', 'ancestor=catatonit', '--format', '{{.ID}}', '--no-trunc']), infraId);
  await ok(['pod', 'rm', '-f', 'nsp']);
  const events = await ok(['events', '--since', '5m', '--until', '0s', '--filter', 'type=pod', '--filter', 'pod=nsp', '--format', '{{.Type}} {{.Action}}']);
  assert.deepEqual(events.split('\n'), ['pod create', 'pod remove']);
});

test('--share +pid: members share the pid namespace too', async () => {
  await ok(['pod', 'create', '--name', 'pidp', '--share', '+pid']);
  await ok(['run', '-d', '--pod', 'pidp', '--name', 'pida', 'busybox', 'sleep', '300']);
  await ok(['run', '-d', '--pod', 'pidp', '--name', 'pidb', 'busybox', 'sleep', '300']);
  assert.equal(ns(pidOf('pida'), 'pid'), ns(pidOf('pidb'), 'pid'));
  // catatonit is pid 1 of the shared namespace, and each member sees the other's process
  const ps = await ok(['exec', 'pida', 'ps', '-o', 'pid,args']);
  assert.match(ps, /^\s*1\s+\/catatonit -P$/m);
  assert.equal(ps.split('\n').filter((l) => /sleep 300/.test(l)).length, 2);
  await ok(['pod', 'rm', '-f', 'pidp']);
});

test("members reach each other on localhost; the pod's published port reaches a member", async () => {
  const port = await freePort();
  await ok(['pod', 'create', '--name', 'webp', '-p', `${port}:8080`]);
  await ok([
    'run',
    '-d',
    '--pod',
    'webp',
    '--name',
    'web',
    'busybox',
    'sh',
    '-c',
    'mkdir /www && echo hello-from-pod > /www/index.html && exec httpd -f -p 8080 -h /www',
  ]);
  await ok(['run', '-d', '--pod', 'webp', '--name', 'client', 'busybox', 'sleep', '300']);
  const body = await retry(async () => {
    const r = await t.berth(['exec', 'client', 'timeout', '5', 'wget', '-qO-', 'http://localhost:8080/']);
    if (r.code !== 0) throw new Error(r.stderr);
    return r.stdout;
  });
  assert.equal(body.trim(), 'hello-from-pod');
  const r = await retry(() => get(`http://127.0.0.1:${port}/`), 15_000);
  assert.equal(r.status, 200);
  assert.equal(r.body.trim(), 'hello-from-pod');
  // a member's own -p is refused with the reason, and nothing is created
  const bad = await t.berth(['run', '-d', '--pod', 'webp', '--name', 'badport', '-p', '9999:80', 'busybox', 'true']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /ports belong to the pod/);
  assert.equal((await t.berth(['inspect', 'badport'])).code, 1);
  await ok(['pod', 'rm', '-f', 'webp']);
});

test('pod limits bound the members: the pod cgroup has them and the members are under it', async () => {
  const id = await ok(['pod', 'create', '--name', 'limp', '--cpus', '0.5', '--memory', '64m']);
  await ok(['run', '-d', '--pod', 'limp', '--name', 'limc', 'busybox', 'sleep', '300']);
  const cg = `/berth/pod-${id}`;
  const cgroupOf = fs.readFileSync(`/proc/${pidOf('limc')}/cgroup`, 'utf8');
  if (fs.existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    assert.equal(fs.readFileSync(`/sys/fs/cgroup${cg}/memory.max`, 'utf8').trim(), String(64 * 1024 * 1024));
    assert.equal(fs.readFileSync(`/sys/fs/cgroup${cg}/cpu.max`, 'utf8').trim(), '50000 100000');
  } else {
    assert.equal(fs.readFileSync(`/sys/fs/cgroup/memory${cg}/memory.limit_in_bytes`, 'utf8').trim(), String(64 * 1024 * 1024));
    assert.equal(fs.readFileSync(`/sys/fs/cgroup/cpu${cg}/cpu.cfs_quota_us`, 'utf8').trim(), '50000');
    assert.match(cgroupOf, new RegExp(`:memory:${cg}/`));
  }
  assert.ok(cgroupOf.includes(`${cg}/`), cgroupOf);
  await ok(['pod', 'rm', '-f', 'limp']);
});

test('pod rm -f leaves nothing: no container, mount, network namespace, veth, cgroup or record', async () => {
  const id = await ok(['pod', 'create', '--name', 'gone', '--memory', '32m']);
  await ok(['run', '-d', '--pod', 'gone', '--name', 'gone1', 'busybox', 'sleep', '300']);
  await ok(['create', '--pod', 'gone', '--name', 'gone2', 'busybox', 'true']);
  const infraId = String(inspectOne(await ok(['pod', 'inspect', 'gone']))['InfraContainerID']);
  const ids = [infraId, await ok(['inspect', '-f', '{{.Id}}', 'gone1']), await ok(['inspect', '-f', '{{.Id}}', 'gone2'])];
  // the infra's named network namespace (same nsfs inode) and the host side of its veth
  const netIno = fs.statSync(`/proc/${pidOf(infraId)}/ns/net`).ino;
  const netns = fs.readdirSync('/run/netns').find((n) => {
    try {
      return fs.statSync(`/run/netns/${n}`).ino === netIno;
    } catch {
      return false;
    }
  });
  assert.ok(netns, 'the infra has a named network namespace');
  const eth0 = JSON.parse(execFileSync('ip', ['-n', netns, '-j', 'link', 'show', 'eth0'], { encoding: 'utf8' })) as Array<{ link_index: number }>;
  const hostIfindex = eth0[0]?.link_index;
  assert.ok(hostIfindex, 'eth0 has a peer on the host');
  const hostLinks = () => JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' })) as Array<{ ifindex: number; ifname: string }>;
  const veth = hostLinks().find((l) => l.ifindex === hostIfindex)?.ifname;
  assert.ok(veth);
  // a plain rm refuses while a member runs
  const refused = await t.berth(['pod', 'rm', 'gone']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /running containers \(gone1\)/);
  // the infra goes only with its pod
  const infraRm = await t.berth(['rm', '-f', infraId]);
  assert.notEqual(infraRm.code, 0);
  assert.match(infraRm.stderr, /infra container of pod "gone"/);
  assert.equal(await ok(['pod', 'rm', '-f', 'gone']), id);
  assert.equal((await t.berth(['pod', 'exists', 'gone'])).code, 1);
  const names = (await ok(['ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Names}}'])).split('\n');
  assert.ok(!names.some((n) => /gone[12]$/.test(n) || n.startsWith(infraId)), names.join('\n'));
  const mounts = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => ids.some((i) => l.includes(i)));
  assert.deepEqual(mounts, []);
  assert.ok(!fs.existsSync(`/run/netns/${netns}`), `netns ${netns} left`);
  assert.ok(!hostLinks().some((l) => l.ifname === veth), `veth ${veth} left`);
  const leftCgroups = fs.readdirSync('/sys/fs/cgroup').filter((h) => fs.existsSync(`/sys/fs/cgroup/${h}/berth/pod-${id}`));
  assert.deepEqual(leftCgroups, []);
  assert.ok(!fs.readdirSync(`${t.root}/containers`).some((d) => d === infraId), "the infra's files are gone");
  assert.ok(!fs.existsSync(`${t.runRoot}/pod-ns/${id}`), "the pod's namespace files are gone");
  assert.deepEqual(mountLines(id), []);
});

function mountLines(part: string): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(part));
}

test("pod start creates the members beside the infra in the pod's ipc and uts namespace files; a restart gives all of them new ones; stop and rm -f leave no file or mount", async () => {
  const podId = await ok(['pod', 'create', '--name', 'nsf', '--hostname', 'filehost']);
  // both leave at once on SIGTERM, so the restart does not wait out the stop timeout
  await ok(['create', '--pod', 'nsf', '--name', 'nsf1', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done']);
  await ok([
    'create',
    '--pod',
    'nsf',
    '--name',
    'nsf2',
    'busybox',
    'sh',
    '-c',
    'echo shared > /dev/shm/mark; trap "exit 0" TERM; while true; do sleep 1; done',
  ]);
  const infraId = String(inspectOne(await ok(['pod', 'inspect', 'nsf']))['InfraContainerID']);
  const dir = `${t.runRoot}/pod-ns/${podId}`;
  // every container of the pod in one net, ipc and uts namespace, the files' ones; pid namespaces apart
  const check = (): number => {
    const [infra, a, b] = [pidOf(infraId), pidOf('nsf1'), pidOf('nsf2')];
    assert.ok(infra > 0 && a > 0 && b > 0);
    for (const kind of ['net', 'ipc', 'uts']) {
      assert.equal(ns(a, kind), ns(infra, kind), `${kind} of a member and the infra`);
      assert.equal(ns(b, kind), ns(infra, kind), `${kind} of two members`);
      assert.notEqual(ns(a, kind), ns(process.pid, kind), `${kind} is not the host's`);
    }
    for (const kind of ['ipc', 'uts']) assert.equal(fs.statSync(`${dir}/${kind}`).ino, fs.statSync(`/proc/${a}/ns/${kind}`).ino, `the pod's ${kind} file`);
    assert.notEqual(ns(a, 'pid'), ns(b, 'pid'));
    assert.notEqual(ns(a, 'pid'), ns(infra, 'pid'));
    return a;
  };
  // SysV shared memory segments in the pod's ipc namespace (seen from a member's)
  const segments = (pid: number) => execFileSync('nsenter', [`--ipc=/proc/${pid}/ns/ipc`, 'ipcs', '-m'], { encoding: 'utf8' }).match(/^0x[0-9a-f]+\s/gm) ?? [];
  await ok(['pod', 'start', 'nsf']);
  const first = check();
  // a segment made in the infra's ipc namespace is seen by the members
  execFileSync('nsenter', [`--ipc=/proc/${pidOf(infraId)}/ns/ipc`, 'ipcmk', '-M', '4096']);
  assert.equal(segments(first).length, 1);
  assert.equal(await ok(['exec', 'nsf1', 'hostname']), 'filehost');
  assert.equal(await retry(async () => ok(['exec', 'nsf1', 'cat', '/dev/shm/mark'])), 'shared');
  await ok(['pod', 'restart', 'nsf']);
  const second = check();
  assert.deepEqual(segments(second), [], 'a restarted pod has a new ipc namespace, as a new infra process would');
  assert.equal(await ok(['exec', 'nsf2', 'hostname']), 'filehost');
  await ok(['pod', 'stop', '-t', '1', 'nsf']);
  assert.ok(!fs.existsSync(dir), 'a stopped pod holds no namespace file');
  assert.deepEqual(mountLines(podId), []);
  await ok(['pod', 'start', 'nsf']);
  check();
  // stopped one by one, not by pod stop: the next pod command finds nothing running in them
  await ok(['stop', '-t', '1', 'nsf1', 'nsf2', infraId]);
  assert.ok(fs.existsSync(dir));
  await ok(['pod', 'ps']);
  assert.ok(!fs.existsSync(dir), 'the namespace files of a pod with nothing running are removed by the next pod command');
  await ok(['pod', 'start', 'nsf']);
  check();
  await ok(['pod', 'rm', '-f', 'nsf']);
  assert.ok(!fs.existsSync(dir), 'no namespace file after pod rm -f');
  assert.deepEqual(mountLines(podId), []);
});

test('pod start killed at any point: the next pod start brings every member into the same namespaces, and pod rm -f leaves no namespace file; one whose pod is gone is removed by the next pod command', {
  timeout: 300_000,
}, async () => {
  const podId = await ok(['pod', 'create', '--name', 'kst']);
  await ok(['create', '--pod', 'kst', '--name', 'kst1', 'busybox', 'sleep', '300']);
  await ok(['create', '--pod', 'kst', '--name', 'kst2', 'busybox', 'sleep', '300']);
  const infraId = String(inspectOne(await ok(['pod', 'inspect', 'kst']))['InfraContainerID']);
  for (const delay of [30, 90, 150, 250]) {
    const child = spawn(BERTH_BIN, ['pod', 'start', 'kst'], { env: t.env, stdio: 'ignore' });
    // listened for at once: a start quicker than the delay has ended before the kill
    const exited = new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, delay));
    child.kill('SIGKILL');
    await exited;
    await ok(['pod', 'start', 'kst']);
    const [infra, a, b] = [pidOf(infraId), pidOf('kst1'), pidOf('kst2')];
    for (const kind of ['net', 'ipc', 'uts']) {
      assert.equal(ns(a, kind), ns(infra, kind), `${kind} after a start killed at ${delay} ms`);
      assert.equal(ns(b, kind), ns(infra, kind), `${kind} after a start killed at ${delay} ms`);
    }
    await ok(['pod', 'stop', '-t', '0', 'kst']);
  }
  await ok(['pod', 'rm', '-f', 'kst']);
  assert.ok(!fs.existsSync(`${t.runRoot}/pod-ns/${podId}`));
  assert.deepEqual(mountLines(podId), []);
  // a removal killed between the row and the files (made here as berth makes them)
  const stray = `${t.runRoot}/pod-ns/${'e'.repeat(64)}`;
  fs.mkdirSync(stray, { recursive: true });
  fs.writeFileSync(`${stray}/ipc`, '');
  execFileSync('unshare', [`--ipc=${stray}/ipc`, 'true']);
  assert.equal(mountLines(stray).length, 1);
  await ok(['pod', 'ps']);
  assert.ok(!fs.existsSync(stray), 'the stray namespace file is gone');
  assert.deepEqual(mountLines(stray), []);
});

test('pod lifecycle: ps with status and filters, stop, start, restart, pause, unpause, kill, top, logs, prune', async () => {
  const lifeId = await ok(['pod', 'create', '--name', 'life', '--label', 'tier=web']);
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Name}} {{.Status}} {{.NumberOfContainers}}', '--filter', 'name=^life$']), 'life Created 1');
  await ok(['run', '-d', '--pod', 'life', '--name', 'life1', 'busybox', 'sh', '-c', 'echo one-line; exec sleep 300']);
  await ok(['run', '-d', '--pod', 'life', '--name', 'life2', 'busybox', 'sh', '-c', 'echo two-line; trap "exit 0" TERM; while true; do sleep 1; done']);
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Name}} {{.Status}} {{.NumberOfContainers}}', '--filter', 'label=tier=web']), 'life Running 3');
  assert.equal(await ok(['pod', 'ps', '-q', '--filter', 'status=exited']), '');
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Name}}', '--filter', 'ctr-names=life2']), 'life');
  const bad = await t.berth(['pod', 'ps', '--filter', 'colour=red']);
  assert.notEqual(bad.code, 0);
  const stats = await ok(['pod', 'stats', '--no-stream', '--format', '{{.PodName}} {{.Name}} {{.PIDS}}', 'life']);
  const statRows = stats.split('\n').sort();
  assert.equal(statRows.length, 3);
  assert.match(statRows.join('\n'), /^life life1 [1-9]\d*$/m);
  assert.match(stats, /^life life2 [1-9]\d*$/m);
  const top = await ok(['pod', 'top', 'life']);
  assert.match(top, /^CONTAINER\s+UID\s+PID/m);
  assert.match(top, /^life1\s.*sleep 300$/m);
  assert.match(top, /-infra\s.*\/catatonit -P$/m);
  const logs = await retry(async () => {
    const out = await ok(['pod', 'logs', 'life']);
    if (!out.includes('two-line') || !out.includes('one-line')) throw new Error(out);
    return out;
  });
  assert.match(logs, /^life1 one-line$/m);
  assert.match(logs, /^life2 two-line$/m);
  assert.equal(await ok(['pod', 'logs', '-c', 'life2', 'life']), 'life2 two-line');
  await ok(['pod', 'pause', 'life']);
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Status}}', '--filter', 'name=^life$']), 'Paused');
  assert.equal(await ok(['inspect', '-f', '{{.State.Status}}', 'life1']), 'paused');
  await ok(['pod', 'unpause', 'life']);
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Status}}', '--filter', 'name=^life$']), 'Running');
  await ok(['pod', 'stop', '-t', '1', 'life']);
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Status}}', '--filter', 'name=^life$']), 'Exited');
  assert.equal(await ok(['ps', '-q', '--filter', 'pod=life']), '');
  await ok(['pod', 'start', 'life']);
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Status}}', '--filter', 'name=^life$']), 'Running');
  const pid1 = pidOf('life1');
  await ok(['pod', 'restart', 'life']);
  assert.notEqual(pidOf('life1'), pid1);
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Status}}', '--filter', 'name=^life$']), 'Running');
  await ok(['pod', 'kill', 'life']);
  await retry(async () => assert.equal(await ok(['pod', 'ps', '--format', '{{.Status}}', '--filter', 'name=^life$']), 'Exited'));
  // starting a member alone starts the infra first
  await ok(['start', 'life1']);
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Status}}', '--filter', 'name=^life$']), 'Degraded');
  await ok(['pod', 'stop', '-t', '1', 'life']);
  // container prune takes the stopped members, never the infra of a pod that exists
  const pruned = await ok(['container', 'prune', '-f']);
  assert.match(pruned, /Deleted Containers:/);
  assert.equal(await ok(['ps', '-a', '--filter', 'pod=life', '--format', '{{.Names}}']), `${lifeId.slice(0, 12)}-infra`);
  assert.ok((await ok(['pod', 'prune', '-f'])).split('\n').includes(lifeId));
  assert.equal((await t.berth(['pod', 'exists', 'life'])).code, 1);
  assert.equal(await ok(['ps', '-aq', '--filter', 'name=life']), '');
});

test("run --pod new:NAME makes the pod and gives it the container's ports; bad pod input is refused", async () => {
  const port = await freePort();
  await ok([
    'run',
    '-d',
    '--pod',
    'new:fresh',
    '-p',
    `${port}:8081`,
    '--name',
    'freshweb',
    'busybox',
    'sh',
    '-c',
    'mkdir /w && echo fresh > /w/index.html && exec httpd -f -p 8081 -h /w',
  ]);
  const pod = inspectOne(await ok(['pod', 'inspect', 'fresh']));
  assert.deepEqual(pod['InfraConfig'] && (pod['InfraConfig'] as Record<string, unknown>)['PortBindings'], {
    '8081/tcp': [{ HostIp: '', HostPort: String(port) }],
  });
  assert.equal((await retry(() => get(`http://127.0.0.1:${port}/`), 15_000)).body.trim(), 'fresh');
  // a name that is taken, a bad --share, a member's --hostname, an unknown pod
  const dup = await t.berth(['pod', 'create', '--name', 'fresh']);
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /already in use/);
  const share = await t.berth(['pod', 'create', '--share', 'user']);
  assert.match(share.stderr, /invalid --share "user"/);
  const host = await t.berth(['create', '--pod', 'fresh', '--hostname', 'x', 'busybox']);
  assert.match(host.stderr, /--hostname cannot be set on a container in pod "fresh"/);
  const missing = await t.berth(['create', '--pod', 'nosuchpod', 'busybox']);
  assert.equal(missing.code, 125);
  assert.match(missing.stderr, /no such pod: nosuchpod/);
  assert.equal((await t.berth(['pod', 'exists', 'fresh'])).code, 0);
  await ok(['pod', 'rm', '-f', 'fresh']);
});

test('a pod without infra: members keep their own namespaces; ports and sharing are refused', async () => {
  await ok(['pod', 'create', '--name', 'noinfra', '--infra=false']);
  const pod = inspectOne(await ok(['pod', 'inspect', 'noinfra']));
  assert.equal(pod['InfraContainerID'], '');
  await ok(['run', '-d', '--pod', 'noinfra', '--name', 'ni1', 'busybox', 'sleep', '300']);
  await ok(['run', '-d', '--pod', 'noinfra', '--name', 'ni2', 'busybox', 'sleep', '300']);
  assert.notEqual(ns(pidOf('ni1'), 'net'), ns(pidOf('ni2'), 'net'));
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Name}} {{.Status}} {{.NumberOfContainers}}', '--filter', 'name=noinfra']), 'noinfra Running 2');
  const r = await t.berth(['pod', 'create', '--infra=false', '-p', '8000:80']);
  assert.match(r.stderr, /without infra/);
  await ok(['pod', 'rm', '-f', 'noinfra']);
});

test('a pod on a user-defined network answers to its name there', async () => {
  await ok(['network', 'create', 'podnet-e2e']);
  try {
    await ok(['pod', 'create', '--name', 'namedpod', '--network', 'podnet-e2e']);
    await ok([
      'run',
      '-d',
      '--pod',
      'namedpod',
      '--name',
      'namedweb',
      'busybox',
      'sh',
      '-c',
      'mkdir /w && echo by-name > /w/index.html && exec httpd -f -p 80 -h /w',
    ]);
    const body = await retry(async () => {
      const r = await t.berth(['run', '--rm', '--network', 'podnet-e2e', 'busybox', 'timeout', '5', 'wget', '-qO-', 'http://namedpod/']);
      if (r.code !== 0) throw new Error(r.stderr);
      return r.stdout.trim();
    });
    assert.equal(body, 'by-name');
    assert.equal(await ok(['pod', 'ps', '--filter', 'network=podnet-e2e', '--format', '{{.Name}}']), 'namedpod');
    await ok(['pod', 'rm', '-f', 'namedpod']);
  } finally {
    await t.berth(['network', 'rm', 'podnet-e2e']);
  }
});

test('a pod creation killed half-way is undone by the next pod command: its name is free again', async () => {
  await ok(['pod', 'ps']); // the store and its pods table exist
  // a berth that died while creating pod "halfmade": its row is still pending, with a dead pid
  const dead = spawnSync('true').pid as number;
  const db = new Database(`${t.root}/berth.db`);
  db.prepare("INSERT INTO pods (id, name, created, spec, infra_id, cgroup_parent, pending_pid) VALUES (?, 'halfmade', ?, '{}', '', ?, ?)").run(
    'f'.repeat(64),
    new Date().toISOString(),
    `/berth/pod-${'f'.repeat(64)}`,
    dead,
  );
  db.close();
  assert.equal((await t.berth(['pod', 'exists', 'halfmade'])).code, 1);
  assert.equal(await ok(['pod', 'ps', '-q', '--filter', 'name=halfmade']), '');
  await ok(['pod', 'create', '--name', 'halfmade']);
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Name}}', '--filter', 'name=halfmade']), 'halfmade');
  await ok(['pod', 'rm', '-f', 'halfmade']);
});

test("pod logs -f follows every member, each line after its container's name, until they stop", async () => {
  await ok(['pod', 'create', '--name', 'follow']);
  await ok(['run', '-d', '--pod', 'follow', '--name', 'fa', 'busybox', 'sh', '-c', 'echo a-start; sleep 1; echo a-later; sleep 300']);
  await ok(['run', '-d', '--pod', 'follow', '--name', 'fbb', 'busybox', 'sh', '-c', 'echo b-start; sleep 300']);
  const following = t.berth(['pod', 'logs', '-f', 'follow'], { timeoutMs: 30_000 });
  await new Promise((r) => setTimeout(r, 2500));
  await ok(['pod', 'stop', '-t', '0', 'follow']);
  const r = await following;
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').filter(Boolean).sort();
  assert.deepEqual(lines, ['fa  a-later', 'fa  a-start', 'fbb b-start']);
  await ok(['pod', 'rm', 'follow']);
});

test('pod rm -f racing run --pod: the pod ends gone with no member left, and run either joined first or finds no pod (5 times)', {
  timeout: 300_000,
}, async () => {
  const containers = async () => (await ok(['ps', '-aq', '--no-trunc'])).split('\n').filter(Boolean).sort();
  for (let i = 0; i < 5; i++) {
    const before = await containers();
    await ok(['pod', 'create', '--name', `race${i}`]);
    const [rm, run] = await Promise.all([t.berth(['pod', 'rm', '-f', `race${i}`]), t.berth(['run', '-d', '--pod', `race${i}`, 'busybox', 'sleep', '60'])]);
    assert.equal(rm.code, 0, rm.stderr);
    // joined before the removal (then removed with the pod, perhaps before its start), or after it
    if (run.code !== 0) assert.match(run.stderr, /no such pod|No such container/, run.stderr);
    assert.equal((await t.berth(['pod', 'exists', `race${i}`])).code, 1);
    // neither the infra nor a member outlives the pod
    assert.deepEqual(await containers(), before);
  }
});
