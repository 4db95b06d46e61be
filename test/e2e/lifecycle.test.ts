import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BERTH_BIN, makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';

let t: TestEnv;
before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
});
after(async () => t.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function status(name: string): Promise<string> {
  return (await t.berth(['inspect', '--format', '{{.State.Status}}', name])).stdout.trim();
}

test('a detached container runs with no berth process alive, and its exit code is recorded', async () => {
  const r = await t.berth(['run', '-d', '--name', 'bg', 'busybox', 'sh', '-c', 'echo started; sleep 1; exit 3']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
  assert.equal(await status('bg'), 'running');
  const ps = await t.berth(['ps', '--format', '{{.Names}} {{.State}}']);
  assert.match(ps.stdout, /^bg running$/m);
  const w = await t.berth(['wait', 'bg']);
  assert.equal(w.stdout, '3\n');
  assert.equal(await status('bg'), 'exited');
  assert.equal((await t.berth(['inspect', '--format', '{{.State.ExitCode}}', 'bg'])).stdout, '3\n');
  assert.equal((await t.berth(['logs', 'bg'])).stdout, 'started\n');
  const psa = await t.berth(['ps', '-a', '--filter', 'name=bg', '--format', '{{.Status}}']);
  assert.match(psa.stdout, /^Exited \(3\) /);
  assert.equal((await t.berth(['rm', 'bg'])).code, 0);
});

test('the exit code is recorded even when nobody waits (conmon exit hook)', async () => {
  await t.berth(['run', '-d', '--name', 'quick', 'busybox', 'sh', '-c', 'exit 5']);
  for (let i = 0; i < 50 && (await status('quick')) !== 'exited'; i++) await sleep(100);
  assert.equal((await t.berth(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'quick'])).stdout, 'exited 5\n');
  await t.berth(['rm', 'quick']);
});

test('create, start -a, restart, rename, pause and unpause', async () => {
  const c = await t.berth(['create', '--name', 'c1', 'busybox', 'echo', 'from-create']);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(await status('c1'), 'created');
  const s = await t.berth(['start', '-a', 'c1']);
  assert.equal(s.stdout, 'from-create\n');
  assert.equal(s.code, 0);
  assert.equal((await t.berth(['rename', 'c1', 'c2'])).code, 0);
  assert.equal(await status('c2'), 'exited');
  await t.berth(['rm', 'c2']);

  await t.berth(['run', '-d', '--name', 'pz', 'busybox', 'sleep', '60']);
  assert.equal((await t.berth(['pause', 'pz'])).code, 0);
  assert.equal(await status('pz'), 'paused');
  assert.equal((await t.berth(['unpause', 'pz'])).code, 0);
  assert.equal(await status('pz'), 'running');
  const pid1 = (await t.berth(['inspect', '--format', '{{.State.Pid}}', 'pz'])).stdout.trim();
  assert.equal((await t.berth(['restart', '-t', '1', 'pz'])).code, 0);
  assert.equal(await status('pz'), 'running');
  assert.notEqual((await t.berth(['inspect', '--format', '{{.State.Pid}}', 'pz'])).stdout.trim(), pid1);
  await t.berth(['rm', '-f', 'pz']);
});

test('stop sends SIGTERM, then SIGKILL after the timeout', async () => {
  await t.berth(['run', '-d', '--name', 'stubborn', 'busybox', 'sh', '-c', 'trap "" TERM; sleep 60']);
  const start = Date.now();
  assert.equal((await t.berth(['stop', '-t', '1', 'stubborn'])).code, 0);
  assert.ok(Date.now() - start < 8000);
  assert.equal((await t.berth(['inspect', '--format', '{{.State.ExitCode}}', 'stubborn'])).stdout, '137\n');
  await t.berth(['run', '-d', '--name', 'polite', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done']);
  await sleep(300);
  assert.equal((await t.berth(['stop', 'polite'])).code, 0);
  assert.equal((await t.berth(['inspect', '--format', '{{.State.ExitCode}}', 'polite'])).stdout, '0\n');
  // docker's current name (--timeout) and the deprecated one (--time); restart takes -s too
  await t.berth(['start', 'stubborn']);
  assert.equal((await t.berth(['stop', '--timeout', '0', 'stubborn'])).code, 0);
  assert.equal((await t.berth(['inspect', '--format', '{{.State.ExitCode}}', 'stubborn'])).stdout, '137\n');
  await t.berth(['start', 'stubborn']);
  const pid1 = (await t.berth(['inspect', '--format', '{{.State.Pid}}', 'stubborn'])).stdout;
  assert.equal((await t.berth(['restart', '--time', '5', '-s', 'KILL', 'stubborn'])).code, 0);
  assert.ok(Date.now() - start < 15000, 'restart -s KILL did not wait for the timeout');
  const after = await t.berth(['inspect', '--format', '{{.State.Status}} {{.State.Pid}}', 'stubborn']);
  assert.match(after.stdout, /^running \d+\n$/);
  assert.notEqual(after.stdout.split(' ')[1], pid1);
  await t.berth(['rm', '-f', 'stubborn', 'polite']);
});

test('kill -s delivers a signal', async () => {
  await t.berth(['run', '-d', '--name', 'kz', 'busybox', 'sh', '-c', 'trap "exit 42" USR1; while true; do sleep 0.1; done']);
  await sleep(300);
  assert.equal((await t.berth(['kill', '-s', 'USR1', 'kz'])).code, 0);
  assert.equal((await t.berth(['wait', 'kz'])).stdout, '42\n');
  const again = await t.berth(['kill', 'kz']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /not running/);
  await t.berth(['rm', 'kz']);
});

test('name conflicts, rm of a running container and unknown containers are refused', async () => {
  await t.berth(['run', '-d', '--name', 'web', 'busybox', 'httpd', '-f', '-p', '8080']);
  const dup = await t.berth(['run', '-d', '--name', 'web', 'busybox', 'true']);
  assert.equal(dup.code, 125);
  assert.match(dup.stderr, /already in use/);
  const rm = await t.berth(['rm', 'web']);
  assert.notEqual(rm.code, 0);
  assert.match(rm.stderr, /running/);
  assert.equal(await status('web'), 'running');
  assert.equal((await t.berth(['rm', '-f', 'web'])).code, 0);
  const missing = await t.berth(['stop', 'nope']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /No such container: nope/);
  assert.notEqual((await t.berth(['rm', 'nope'])).code, 0);
  // docker's -f: a container, volume or image that is not there is no failure (rmi -f still says so)
  const rmf = await t.berth(['rm', '-f', 'nope']);
  assert.deepEqual([rmf.code, rmf.stdout, rmf.stderr], [0, '', '']);
  assert.equal((await t.berth(['volume', 'rm', '-f', 'nope'])).code, 0);
  const rmif = await t.berth(['rmi', '-f', 'nope:1']);
  assert.equal(rmif.code, 0);
  assert.match(rmif.stderr, /No such image: nope:1/);
  assert.equal((await t.berth(['rmi', 'nope:1'])).code, 1);
});

test('logs --tail, --timestamps and -f', async () => {
  await t.berth(['run', '-d', '--name', 'lg', 'busybox', 'sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done; sleep 1; echo last']);
  await sleep(400);
  assert.equal((await t.berth(['logs', '--tail', '2', 'lg'])).stdout, 'line4\nline5\n');
  const ts = await t.berth(['logs', '-t', '--tail', '1', 'lg']);
  assert.match(ts.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line5\n$/);
  const f = await t.berth(['logs', '-f', 'lg'], { timeoutMs: 10_000 });
  assert.equal(f.stdout, 'line1\nline2\nline3\nline4\nline5\nlast\n');
  await t.berth(['rm', 'lg']);
});

test('exec runs in the container, with -e, -u, -w, and passes exit codes', async () => {
  await t.berth(['run', '-d', '--name', 'ex', 'busybox', 'sleep', '60']);
  const r = await t.berth(['exec', '-e', 'X=1', '-u', 'nobody', '-w', '/tmp', 'ex', 'sh', '-c', 'echo $X; id -u; pwd; exit 4']);
  assert.equal(r.stdout, '1\n65534\n/tmp\n');
  assert.equal(r.code, 4);
  const nf = await t.berth(['exec', 'ex', 'nope-cmd']);
  assert.equal(nf.code, 127);
  const i = await t.berth(['exec', '-i', 'ex', 'cat'], { input: 'piped\n' });
  assert.equal(i.stdout, 'piped\n');
  assert.equal((await t.berth(['exec', '-d', 'ex', 'sh', '-c', 'echo bg > /tmp/bg'])).code, 0);
  await sleep(300);
  assert.equal((await t.berth(['exec', 'ex', 'cat', '/tmp/bg'])).stdout, 'bg\n');
  const top = await t.berth(['top', 'ex']);
  assert.match(top.stdout, /PID/);
  assert.match(top.stdout, /sleep 60/);
  const stats = await t.berth(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'ex']);
  assert.match(stats.stdout, /^ex \d+$/m);
  await t.berth(['rm', '-f', 'ex']);
});

test('run -i passes stdin through', async () => {
  const r = await t.berth(['run', '--rm', '-i', 'busybox', 'sh', '-c', 'cat; echo end'], { input: 'a\nb\n' });
  assert.equal(r.stdout, 'a\nb\nend\n');
});

test('cp copies in both directions, diff shows the changes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cp-'));
  fs.writeFileSync(path.join(dir, 'hello.txt'), 'hi there\n');
  await t.berth(['create', '--name', 'cpc', 'busybox', 'true']);
  assert.equal((await t.berth(['cp', path.join(dir, 'hello.txt'), 'cpc:/tmp/'])).code, 0);
  assert.equal((await t.berth(['cp', 'cpc:/etc/passwd', path.join(dir, 'passwd')])).code, 0);
  assert.match(fs.readFileSync(path.join(dir, 'passwd'), 'utf8'), /^root:/);
  assert.equal((await t.berth(['cp', 'cpc:/tmp/hello.txt', path.join(dir, 'back.txt')])).code, 0);
  assert.equal(fs.readFileSync(path.join(dir, 'back.txt'), 'utf8'), 'hi there\n');
  const diff = await t.berth(['diff', 'cpc']);
  assert.match(diff.stdout, /^C \/tmp$/m);
  assert.match(diff.stdout, /^A \/tmp\/hello.txt$/m);
  const missing = await t.berth(['cp', 'cpc:/nope', dir]);
  assert.notEqual(missing.code, 0);
  await t.berth(['rm', 'cpc']);
});

test("cp SRC/. copies a directory's content, SRC a directory itself, in both directions (docker's rules)", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cpdot-'));
  fs.mkdirSync(path.join(dir, 'd'));
  fs.writeFileSync(path.join(dir, 'd', 'a'), 'a\n');
  await t.berth(['run', '-d', '--name', 'cpdot', 'busybox', 'sh', '-c', 'mkdir /exist && sleep 60']);
  await sleep(300);
  const ls = async (p: string) => (await t.berth(['exec', 'cpdot', 'ls', p])).stdout;
  assert.equal((await t.berth(['cp', `${path.join(dir, 'd')}/.`, 'cpdot:/exist'])).code, 0);
  assert.equal(await ls('/exist'), 'a\n');
  assert.equal((await t.berth(['cp', path.join(dir, 'd'), 'cpdot:/exist'])).code, 0);
  assert.equal(await ls('/exist'), 'a\nd\n');
  assert.equal((await t.berth(['cp', `${path.join(dir, 'd')}/.`, 'cpdot:/made'])).code, 0);
  assert.equal(await ls('/made'), 'a\n');
  assert.match((await t.berth(['cp', `${path.join(dir, 'd')}/.`, 'cpdot:/etc/hostname'])).stderr, /cannot copy a directory to a file/);
  assert.match((await t.berth(['cp', path.join(dir, 'd'), 'cpdot:/etc/hostname'])).stderr, /cannot copy a directory to a file/);
  fs.mkdirSync(path.join(dir, 'out'));
  assert.equal((await t.berth(['cp', 'cpdot:/made/.', path.join(dir, 'out')])).code, 0);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'out')), ['a']);
  assert.equal((await t.berth(['cp', 'cpdot:/made', path.join(dir, 'out')])).code, 0);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'out')).sort(), ['a', 'made']);
  await t.berth(['rm', '-f', 'cpdot']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('cp into a container never follows its symlinks out of the root', async () => {
  await t.berth(['run', '--name', 'evil', 'busybox', 'sh', '-c', 'ln -s / /escape; ln -s /tmp/berth-cp-target /abs']);
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cpsrc-'));
  fs.writeFileSync(path.join(src, 'pwned'), 'x');
  fs.mkdirSync('/tmp/berth-cp-target', { recursive: true });
  await t.berth(['cp', path.join(src, 'pwned'), 'evil:/abs/pwned']);
  await t.berth(['cp', path.join(src, 'pwned'), 'evil:/escape/tmp/berth-cp-target/pwned2']);
  assert.equal(fs.existsSync('/tmp/berth-cp-target/pwned'), false);
  assert.equal(fs.existsSync('/tmp/berth-cp-target/pwned2'), false);
  await t.berth(['rm', 'evil']);
});

test('cp to and from a running container sees what its processes see: volumes, /etc/hostname; diff lists no mount stubs', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cpv-'));
  fs.writeFileSync(path.join(dir, 'in.txt'), 'into the volume\n');
  await t.berth(['volume', 'create', 'cpvol']);
  const id = (await t.berth(['run', '-d', '--name', 'cpr', '--hostname', 'cphost', '-v', 'cpvol:/data', 'busybox', 'sleep', '60'])).stdout.trim();
  // a fresh container changed nothing (docker keeps its mount points in an init layer)
  assert.doesNotMatch((await t.berth(['diff', 'cpr'])).stdout, /\/etc/);
  assert.equal((await t.berth(['cp', path.join(dir, 'in.txt'), 'cpr:/data/'])).code, 0);
  assert.equal((await t.berth(['exec', 'cpr', 'cat', '/data/in.txt'])).stdout, 'into the volume\n');
  const mp = (await t.berth(['volume', 'inspect', '-f', '{{.Mountpoint}}', 'cpvol'])).stdout.trim();
  assert.equal(fs.readFileSync(path.join(mp, 'in.txt'), 'utf8'), 'into the volume\n');
  assert.equal((await t.berth(['cp', 'cpr:/etc/hostname', path.join(dir, 'hostname')])).code, 0);
  assert.equal(fs.readFileSync(path.join(dir, 'hostname'), 'utf8'), 'cphost\n');
  // what the container writes in a tmpfs is there to copy out too
  await t.berth(['exec', 'cpr', 'sh', '-c', 'echo shm > /dev/shm/x']);
  assert.equal((await t.berth(['cp', 'cpr:/dev/shm/x', path.join(dir, 'x')])).code, 0);
  assert.equal(fs.readFileSync(path.join(dir, 'x'), 'utf8'), 'shm\n');
  const diff = (await t.berth(['diff', 'cpr'])).stdout;
  assert.doesNotMatch(diff, /hostname|resolv\.conf|\/etc\/hosts|in\.txt/);
  // a running container's symlinks are followed inside its root, never out of it
  await t.berth(['exec', 'cpr', 'ln', '-s', '/', '/escape']);
  fs.mkdirSync('/tmp/berth-cp-target2', { recursive: true });
  await t.berth(['cp', path.join(dir, 'in.txt'), 'cpr:/escape/tmp/berth-cp-target2/pwned']);
  assert.equal(fs.existsSync('/tmp/berth-cp-target2/pwned'), false);
  await t.berth(['rm', '-f', id]);
  await t.berth(['volume', 'rm', 'cpvol']);
});

test("commit makes an image of a container's changes and configuration; export tars its filesystem", async () => {
  const r = await t.berth(['run', '--name', 'cm', '-e', 'FOO=bar', '-w', '/tmp', 'busybox', 'sh', '-c', 'echo hello > /tmp/made; rm /bin/vi']);
  assert.equal(r.code, 0, r.stderr);
  const c = await t.berth(['commit', '-m', 'my change', '-a', 'me', '-c', 'CMD ["cat", "/tmp/made"]', 'cm', 'committed:1']);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, /^sha256:[0-9a-f]{64}\n$/);
  assert.equal((await t.berth(['run', '--rm', 'committed:1'])).stdout, 'hello\n');
  const inside = await t.berth(['run', '--rm', 'committed:1', 'sh', '-c', 'echo $FOO $(pwd); ls /bin/vi 2>/dev/null || echo no-vi; cat /etc/hosts | head -1']);
  assert.equal(inside.stdout.split('\n').slice(0, 2).join('\n'), 'bar /tmp\nno-vi');
  const ins = await t.berth(['image', 'inspect', '-f', '{{.Author}}|{{json .Config.Cmd}}|{{.Config.WorkingDir}}', 'committed:1']);
  assert.equal(ins.stdout, 'me|["cat","/tmp/made"]|/tmp\n');
  const hist = await t.berth(['history', '--format', '{{.Comment}}', 'committed:1']);
  assert.match(hist.stdout.split('\n')[0] ?? '', /my change/);
  // the layer holds the changes, not the runtime's mount points
  const id = c.stdout.trim();
  const saved = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'berth-commit-')), 'img.tar');
  assert.equal((await t.berth(['save', '-o', saved, 'committed:1'])).code, 0);
  const dir = path.dirname(saved);
  spawnSync('tar', ['-xf', saved, '-C', dir]);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Array<{ Config: string; Layers: string[] }>;
  assert.equal(manifest[0]?.Config.replace(/^blobs\/sha256\/|\.json$/g, ''), id.slice('sha256:'.length));
  const top = manifest[0]?.Layers.at(-1) as string;
  const entries = spawnSync('tar', ['-tf', path.join(dir, top)], { encoding: 'utf8' }).stdout.split('\n');
  assert.ok(entries.includes('tmp/made') && entries.includes('bin/.wh.vi'), entries.join(' '));
  assert.ok(!entries.some((n) => /etc\/(hosts|hostname|resolv\.conf)$/.test(n)), entries.join(' '));

  const out = path.join(path.dirname(saved), 'fs.tar');
  const e = await t.berth(['export', '-o', out, 'cm']);
  assert.equal(e.code, 0, e.stderr);
  const list = spawnSync('tar', ['-tf', out], { encoding: 'utf8' }).stdout.split('\n');
  assert.ok(list.includes('tmp/made'));
  assert.ok(list.includes('bin/sh') || list.includes('bin/busybox'));
  assert.ok(!list.includes('bin/vi'), 'a deleted file is not exported');
  assert.equal((await t.berth(['export', '-o', out, 'no-such-container'])).code, 1);
  assert.ok(fs.existsSync(out), 'a failed export leaves the earlier file');
  await t.berth(['rm', 'cm']);
  await t.berth(['rmi', 'committed:1']);
});

test('inspect -s, cp -L, container prune --filter, and a closed stdout end quietly', async () => {
  await t.berth([
    'run',
    '--name',
    'sl',
    '--label',
    'keep=yes',
    'busybox',
    'sh',
    '-c',
    'head -c 100000 /dev/zero > /big; echo target > /t.txt; ln -s /t.txt /link',
  ]);
  const sizes = (await t.berth(['inspect', '-s', '-f', '{{.SizeRw}} {{.SizeRootFs}}', 'sl'])).stdout.trim().split(' ').map(Number);
  assert.ok((sizes[0] ?? 0) >= 100000 && (sizes[1] ?? 0) > (sizes[0] ?? 0), String(sizes));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cpl-'));
  assert.equal((await t.berth(['cp', 'sl:/link', path.join(dir, 'asis')])).code, 0);
  assert.equal(fs.readlinkSync(path.join(dir, 'asis')), '/t.txt');
  assert.equal((await t.berth(['cp', '-L', 'sl:/link', path.join(dir, 'followed')])).code, 0);
  assert.equal(fs.readFileSync(path.join(dir, 'followed'), 'utf8'), 'target\n');

  await t.berth(['create', '--name', 'nolabel', 'busybox', 'true']);
  const pr = await t.berth(['container', 'prune', '-f', '--filter', 'label!=keep']);
  assert.match(pr.stdout, /Deleted Containers:/);
  assert.deepEqual((await t.berth(['ps', '-a', '--format', '{{.Names}}'])).stdout.trim().split('\n'), ['sl']);
  await t.berth(['container', 'prune', '-f', '--filter', 'until=1h']);
  assert.equal((await t.berth(['ps', '-a', '--format', '{{.Names}}'])).stdout, 'sl\n', 'created less than an hour ago: kept');
  assert.equal((await t.berth(['container', 'prune', '-f', '--filter', 'color=red'])).code, 1);

  // a reader that goes away (`| head -c 1`): exit 141 as SIGPIPE would, no stack trace
  const many = Array.from({ length: 300 }, () => 'sl').join(' ');
  const piped = spawnSync('bash', ['-c', `set -o pipefail; "$BIN" inspect ${many} | head -c 1 >/dev/null`], {
    encoding: 'utf8',
    env: { ...process.env, BIN: BERTH_BIN, BERTH_ROOT: t.root, BERTH_RUNROOT: t.runRoot },
  });
  assert.equal(piped.status, 141, piped.stderr);
  assert.equal(piped.stderr, '');
  await t.berth(['rm', 'sl']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('ps filters, formats and quiet output', async () => {
  await t.berth(['run', '-d', '--name', 'f1', '--label', 'tier=web', 'busybox', 'sleep', '60']);
  await t.berth(['run', '--name', 'f2', 'busybox', 'true']);
  const running = await t.berth(['ps', '--format', '{{.Names}}']);
  assert.match(running.stdout, /f1/);
  assert.doesNotMatch(running.stdout, /f2/);
  assert.equal((await t.berth(['ps', '-a', '--filter', 'status=exited', '--format', '{{.Names}}'])).stdout, 'f2\n');
  assert.equal((await t.berth(['ps', '--filter', 'label=tier=web', '--format', '{{.Names}} {{.Labels}}'])).stdout, 'f1 tier=web\n');
  const table = await t.berth(['ps', '-a']);
  assert.match(table.stdout.split('\n')[0] ?? '', /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
  const q = await t.berth(['ps', '-aq']);
  assert.equal(q.stdout.trim().split('\n').length, 2);
  const qf = await t.berth(['ps', '-aq', '--format', '{{.Names}}']);
  assert.equal(qf.stdout, q.stdout, "-q wins over --format, as docker's");
  assert.match(qf.stderr, /Ignoring custom format, because both --format and --quiet are set/);
  // a template that uses .Size gets sizes without --size, as docker's
  assert.match(
    (await t.berth(['ps', '-a', '--filter', 'name=f2', '--format', '{{.Names}} {{.Size}}'])).stdout,
    /^f2 \d+(\.\d+)?k?B \(virtual [\d.]+[kM]B\)\n$/,
  );
  // --no-trunc: whole IDs and the whole command, quoted as docker quotes it
  assert.match((await t.berth(['ps', '-q', '--no-trunc'])).stdout, /^[0-9a-f]{64}\n$/);
  assert.match((await t.berth(['ps', '--no-trunc', '--format', '{{.ID}} {{.Command}}'])).stdout, /^[0-9a-f]{64} "sleep 60"\n$/);
  await t.berth(['run', '-d', '--name', 'f3', 'busybox', 'sh', '-c', 'echo "quoted"; sleep 60']);
  assert.equal((await t.berth(['ps', '--no-trunc', '--filter', 'name=f3', '--format', '{{.Command}}'])).stdout, '"sh -c \'echo \\"quoted\\"; sleep 60\'"\n');
  assert.equal((await t.berth(['ps', '--filter', 'name=f3', '--format', '{{.Command}}'])).stdout, '"sh -c \'echo \\"quoted…"\n');
  await t.berth(['rm', '-f', 'f3']);
  const j = await t.berth(['inspect', '--format', '{{json .Config.Labels}}', 'f1']);
  assert.equal(j.stdout, '{"tier":"web"}\n');
  const rng = await t.berth(['inspect', '--format', '{{range .Config.Cmd}}[{{.}}]{{end}} {{index .Config.Labels "tier"}}', 'f1']);
  assert.equal(rng.stdout, '[sleep][60] web\n');
  const bad = await t.berth(['ps', '--filter', 'color=red']);
  assert.equal(bad.code, 1);
  await t.berth(['rm', '-f', 'f1', 'f2']);
});

test('restart policy on-failure restarts up to the limit', async () => {
  await t.berth(['run', '-d', '--name', 'rp', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 1']);
  let count = '';
  for (let i = 0; i < 200; i++) {
    count = (await t.berth(['inspect', '--format', '{{.RestartCount}} {{.State.Status}}', 'rp'])).stdout.trim();
    if (count === '2 exited') break;
    await sleep(100);
  }
  assert.equal(count, '2 exited');
  await t.berth(['rm', '-f', 'rp']);
});

test('a process that exits before its start is recorded still gets --rm and its restart policy', async () => {
  // `true` often ends before `run -d` records the start: conmon's exit hook then leaves the exit
  // to the starter, which must run it; a batch makes the race likely
  const names = Array.from({ length: 8 }, (_, i) => `race${i}`);
  for (const n of names) await t.berth(['run', '-d', '--rm', '--name', `${n}rm`, 'busybox', 'true']);
  for (const n of names) await t.berth(['run', '-d', '--name', `${n}rp`, '--restart', 'on-failure:1', 'busybox', 'false']);
  let left = '';
  let counts: string[] = [];
  for (let i = 0; i < 100; i++) {
    left = (await t.berth(['ps', '-a', '--filter', 'name=race', '--format', '{{.Names}}'])).stdout;
    counts = await Promise.all(names.map(async (n) => (await t.berth(['inspect', '--format', '{{.RestartCount}} {{.State.Status}}', `${n}rp`])).stdout.trim()));
    if (!/rm\b/.test(left) && counts.every((c) => c === '1 exited')) break;
    await sleep(100);
  }
  assert.doesNotMatch(left, /rm\b/);
  assert.deepEqual(
    counts,
    names.map(() => '1 exited'),
  );
  await t.berth(['rm', '-f', ...names.map((n) => `${n}rp`)]);
});

test('port lists nothing before networking exists; version and info answer', async () => {
  await t.berth(['run', '-d', '--name', 'pt', 'busybox', 'sleep', '30']);
  const p = await t.berth(['port', 'pt']);
  assert.equal(p.code, 0);
  assert.equal(p.stdout, '');
  await t.berth(['rm', '-f', 'pt']);
  const v = await t.berth(['version']);
  assert.equal(v.code, 0);
  // docker's template names (APIVersion) and JSON names (ApiVersion); json is one object
  assert.equal((await t.berth(['version', '--format', '{{.Server.APIVersion}} {{.Client.APIVersion}}'])).stdout, '1.43 1.43\n');
  const vj = JSON.parse((await t.berth(['version', '--format', 'json'])).stdout) as { Server: { ApiVersion: string } };
  assert.equal(vj.Server.ApiVersion, '1.43');
  assert.equal(typeof (JSON.parse((await t.berth(['info', '--format', 'json'])).stdout) as { Images: number }).Images, 'number');
  const info = await t.berth(['info']);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /Cgroup Version: [12]/);
  assert.match(info.stdout, /runc/);
});

test('a container that ended leaves no cgroup and no runtime state: --rm, the exit hook, rm -f, and child cgroups it made', async () => {
  const cgroupDirs = (id: string): string[] =>
    fs
      .readdirSync('/sys/fs/cgroup')
      .flatMap((h) => [`/sys/fs/cgroup/${h}/berth/${id}`, `/sys/fs/cgroup/berth/${id}`])
      .filter((d) => fs.existsSync(d));
  const runtimeState = (id: string) => fs.existsSync(path.join(t.runRoot, 'runtime', id));
  // --rm in the foreground: removed before run returns
  const rm = await t.berth(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'cat /proc/self/cgroup | grep -o "berth/[0-9a-f]*" | head -1']);
  assert.equal(rm.code, 0, rm.stderr);
  const rmId = rm.stdout.trim().slice('berth/'.length);
  assert.match(rmId, /^[0-9a-f]{64}$/);
  assert.deepEqual(cgroupDirs(rmId), []);
  assert.equal(runtimeState(rmId), false);
  // a privileged container makes child cgroups of its own and moves itself into one; its exit
  // hook finalizes it with nobody watching
  const made = await t.berth([
    'run',
    '-d',
    '--privileged',
    '--network',
    'none',
    'busybox',
    'sh',
    '-c',
    'mkdir /sys/fs/cgroup/memory/sub /sys/fs/cgroup/pids/sub && echo $$ > /sys/fs/cgroup/pids/sub/cgroup.procs && sleep 1',
  ]);
  assert.equal(made.code, 0, made.stderr);
  const id = made.stdout.trim();
  await sleep(300);
  const v1 = fs.existsSync('/sys/fs/cgroup/pids/berth');
  if (v1) assert.ok(fs.existsSync(`/sys/fs/cgroup/pids/berth/${id}/sub`), 'the child cgroup exists while it runs');
  assert.equal((await t.berth(['wait', id])).stdout, '0\n');
  for (let i = 0; i < 50 && (cgroupDirs(id).length > 0 || runtimeState(id)); i++) await sleep(100);
  assert.deepEqual(cgroupDirs(id), []);
  assert.equal(runtimeState(id), false);
  assert.equal((await t.berth(['rm', id])).code, 0);
  // rm -f of a running one
  const running = (await t.berth(['run', '-d', '--network', 'none', 'busybox', 'sleep', '60'])).stdout.trim();
  assert.ok(cgroupDirs(running).length > 0, 'a running container has its cgroup');
  assert.equal((await t.berth(['rm', '-f', running])).code, 0);
  assert.deepEqual(cgroupDirs(running), []);
  assert.equal(runtimeState(running), false);
});
