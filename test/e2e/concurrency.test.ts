import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BERTH_BIN, makeTestEnv, type RunResult, type TestEnv } from '../../src/testkit/berth-cli.js';

// Several berth processes acting on one store at once (issue 13): each scenario ends in a state
// some one-at-a-time order of the same commands would reach, with no error such an order would
// not give, and nothing of a removed container left on the host.

let t: TestEnv;
before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
});
after(async () => {
  await t.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ok(args: string[]): Promise<string> {
  const r = await t.berth(args);
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Run several berth commands at the same moment. */
function atOnce(commands: string[][]): Promise<RunResult[]> {
  return Promise.all(commands.map((c) => t.berth(c)));
}

const CGROUP_HIERARCHIES = ['pids', 'memory', 'cpu', 'freezer'];

/** What a container may leave on the host; empty when nothing of it is left. */
function leftovers(id: string): string[] {
  const out: string[] = [];
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const m = line.split(' ')[4] ?? '';
    if (m.startsWith(t.root) && m.includes(id)) out.push(`mount ${m}`);
  }
  if (fs.existsSync(path.join(t.runRoot, 'runtime', id))) out.push('runtime state');
  if (fs.existsSync(`/run/netns/berth-${id.slice(0, 32)}`)) out.push('netns');
  for (const h of CGROUP_HIERARCHIES) {
    if (fs.existsSync(`/sys/fs/cgroup/${h}/berth/${id}`)) out.push(`cgroup ${h}`);
  }
  if (fs.existsSync(path.join(t.root, 'containers', id))) out.push('container dir');
  for (const f of fs.readdirSync(path.join(t.runRoot, 'locks'))) if (f.includes(id)) out.push('lock file');
  const veths = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  if (veths.includes(id.slice(0, 12))) out.push('veth');
  return out;
}

async function assertGone(id: string): Promise<void> {
  assert.equal((await t.berth(['inspect', id])).code !== 0, true, `container ${id} still exists`);
  // conmon's exit hook of the removed container may still be on its way: it takes the lock (so
  // its file exists a moment), finds the container gone and removes the file
  for (let i = 0; i < 40 && leftovers(id).includes('lock file'); i++) await sleep(50);
  assert.deepEqual(leftovers(id), [], `left of ${id}`);
}

test('six concurrent starts of one created container all succeed, and it runs once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-conc-'));
  try {
    const id = await ok(['create', '-v', `${dir}:/out`, 'busybox', 'sh', '-c', 'echo ran >> /out/runs; sleep 3']);
    const rs = await atOnce(Array.from({ length: 6 }, () => ['start', id]));
    for (const r of rs) assert.equal(r.code, 0, r.stderr);
    assert.equal((await t.berth(['inspect', '--format', '{{.State.Status}}', id])).stdout, 'running\n');
    assert.equal(fs.readFileSync(path.join(dir, 'runs'), 'utf8'), 'ran\n');
    await ok(['rm', '-f', id]);
    await assertGone(id);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('concurrent stops and kills of one running container all succeed', async () => {
  const id = await ok(['run', '-d', 'busybox', 'sleep', '60']);
  const rs = await atOnce([
    ['stop', '-t', '1', id],
    ['kill', id],
    ['stop', '-t', '1', id],
    ['kill', id],
    ['stop', id],
    ['kill', '-s', 'TERM', id],
  ]);
  for (const r of rs) assert.equal(r.code, 0, r.stderr);
  assert.equal((await t.berth(['inspect', '--format', '{{.State.Status}}', id])).stdout, 'exited\n');
  await ok(['rm', id]);
  await assertGone(id);
});

test('start racing rm -f ends with the container gone and nothing of it left (20 times)', { timeout: 300_000 }, async () => {
  for (let i = 0; i < 20; i++) {
    const id = await ok(['create', 'busybox', 'sleep', '30']);
    const [start, rm] = await atOnce([
      ['start', id],
      ['rm', '-f', id],
    ]);
    assert.equal(rm?.code, 0, rm?.stderr);
    // started before the removal, or found it gone: docker's answer for either order
    if (start?.code !== 0) assert.match(start?.stderr ?? '', /No such container/);
    await assertGone(id);
  }
});

test('kill, rm -f, then network rm of containers on a user network succeeds every time', { timeout: 600_000 }, async () => {
  const rounds = Number(process.env['BERTH_CONCURRENCY_ROUNDS'] ?? 50);
  for (let i = 0; i < rounds; i++) {
    const net = `conc-net-${i}`;
    await ok(['network', 'create', '--subnet', '10.91.77.0/24', net]);
    const a = await ok(['run', '-d', '--network', net, 'busybox', 'sleep', '60']);
    const b = await ok(['run', '-d', '--network', net, 'busybox', 'sleep', '60']);
    await ok(['kill', a, b]);
    await ok(['rm', '-f', a, b]);
    await ok(['network', 'rm', net]);
    await assertGone(a);
    await assertGone(b);
  }
});

test('the exit hook and a concurrent rm never both tear down and never neither (run -d --rm)', { timeout: 120_000 }, async () => {
  for (let i = 0; i < 10; i++) {
    const id = await ok(['run', '-d', '--rm', 'busybox', 'sh', '-c', 'sleep 0.2']);
    await sleep(150 + (i % 5) * 20);
    const r = await t.berth(['rm', '-f', id]);
    assert.equal(r.code, 0, r.stderr);
    await assertGone(id);
  }
});

test('a berth process killed with SIGKILL while holding a container leaves no lock behind', { timeout: 60_000 }, async () => {
  // sleep as pid 1 ignores SIGTERM: the stop holds the container for its whole 30 s timeout
  const id = await ok(['run', '-d', 'busybox', 'sleep', '60']);
  const stop = spawn(BERTH_BIN, ['stop', '-t', '30', id], { env: t.env, stdio: 'ignore' });
  const stopped = new Promise((r) => stop.once('exit', r));
  await sleep(1500);
  stop.kill('SIGKILL');
  await stopped;
  const began = Date.now();
  const r = await t.berth(['start', id]);
  assert.equal(r.code, 0, r.stderr);
  await ok(['pause', id]);
  await ok(['unpause', id]);
  await ok(['rm', '-f', id]);
  assert.ok(Date.now() - began < 10_000, `took ${Date.now() - began} ms`);
  await assertGone(id);
});

test("stop after the container's conmon was killed: at once, and the container is exited", { timeout: 60_000 }, async () => {
  const id = await ok(['run', '-d', 'busybox', 'sleep', '60']);
  const conmon = Number(fs.readFileSync(path.join(t.runRoot, 'containers', id, 'conmon.pid'), 'utf8'));
  assert.ok(conmon > 0);
  process.kill(conmon, 'SIGKILL');
  await sleep(200);
  const began = Date.now();
  const r = await t.berth(['stop', '-t', '2', id]);
  const took = Date.now() - began;
  assert.equal(r.code, 0, r.stderr);
  // the 2 s grace period (sleep ignores SIGTERM), then SIGKILL ends it: no 15 s wait for an exit file
  assert.ok(took < 6000, `stop took ${took} ms`);
  assert.equal((await t.berth(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', id])).stdout, 'exited 137\n');
  await ok(['rm', id]);
  await assertGone(id);
});

test('network rm racing run --network: one wins cleanly (10 times)', { timeout: 300_000 }, async () => {
  for (let i = 0; i < 10; i++) {
    const net = `race-net-${i}`;
    await ok(['network', 'create', '--subnet', '10.91.78.0/24', net]);
    const [run, rm] = await atOnce([
      ['run', '-d', '--network', net, 'busybox', 'sleep', '30'],
      ['network', 'rm', net],
    ]);
    if (run?.code === 0) {
      // the container came first: the network stays, with its endpoint
      assert.notEqual(rm?.code, 0, 'network rm succeeded under a running container');
      assert.match(rm?.stderr ?? '', /has active endpoints/);
      const id = run.stdout.trim();
      assert.equal((await t.berth(['inspect', '--format', '{{.State.Status}}', id])).stdout, 'running\n');
      await ok(['rm', '-f', id]);
      await assertGone(id);
      await ok(['network', 'rm', net]);
    } else {
      assert.equal(rm?.code, 0, `both failed: ${run?.stderr} / ${rm?.stderr}`);
      assert.match(run?.stderr ?? '', /not found/);
      assert.equal((await t.berth(['ps', '-aq'])).stdout, '', 'a container was left of the failed run');
    }
    assert.notEqual((await t.berth(['network', 'inspect', net])).code, 0);
  }
});

test('volume rm racing run -v: one wins cleanly (10 times)', { timeout: 300_000 }, async () => {
  for (let i = 0; i < 10; i++) {
    const vol = `race-vol-${i}`;
    await ok(['volume', 'create', vol]);
    const [run, rm] = await atOnce([
      ['run', '-d', '-v', `${vol}:/d`, 'busybox', 'sleep', '30'],
      ['volume', 'rm', vol],
    ]);
    assert.equal(run?.code, 0, run?.stderr);
    const id = run?.stdout.trim() ?? '';
    // the volume was in use (rm refused) or removed first (the run made a new one): either way
    // the container has a volume whose files are there
    if (rm?.code !== 0) assert.match(rm?.stderr ?? '', /volume is in use/);
    await ok(['exec', id, 'sh', '-c', 'echo hi > /d/f']);
    const mp = await ok(['volume', 'inspect', '--format', '{{.Mountpoint}}', vol]);
    assert.equal(fs.readFileSync(path.join(mp, 'f'), 'utf8'), 'hi\n');
    await ok(['rm', '-f', id]);
    await ok(['volume', 'rm', vol]);
  }
});

test('exec racing rm -f, and restart racing stop: defined outcomes (5 times each)', { timeout: 300_000 }, async () => {
  for (let i = 0; i < 5; i++) {
    const id = await ok(['run', '-d', 'busybox', 'sleep', '60']);
    const [exec, rm] = await atOnce([
      ['exec', id, 'echo', 'in'],
      ['rm', '-f', id],
    ]);
    assert.equal(rm?.code, 0, rm?.stderr);
    // ran before the removal, was killed with the container (128 + SIGKILL), or found the
    // container stopping or gone: docker's words then
    if (exec?.code === 0) assert.equal(exec.stdout, 'in\n');
    // (the runtime's own complaint may come first, as it does for any exec it fails)
    else if (exec?.code !== 137)
      assert.match(exec?.stderr ?? '', /^Error: (No such container: |container [0-9a-f]{64} is not running)/m, `exit ${exec?.code}: ${exec?.stderr}`);
    await assertGone(id);
  }
  for (let i = 0; i < 5; i++) {
    const id = await ok(['run', '-d', 'busybox', 'sleep', '60']);
    const [restart, stop] = await atOnce([
      ['restart', '-t', '1', id],
      ['stop', '-t', '1', id],
    ]);
    assert.equal(restart?.code, 0, restart?.stderr);
    assert.equal(stop?.code, 0, stop?.stderr);
    // the one that came last decides: running (restart after stop) or exited (stop after restart)
    assert.match((await t.berth(['inspect', '--format', '{{.State.Status}}', id])).stdout, /^(running|exited)\n$/);
    await ok(['rm', '-f', id]);
    await assertGone(id);
  }
});

test('attach racing rm -f: attach ends (the container killed, or already gone), never hangs (5 times)', { timeout: 300_000 }, async () => {
  for (let i = 0; i < 5; i++) {
    const id = await ok(['run', '-d', 'busybox', 'sh', '-c', 'while true; do sleep 0.1; done']);
    const [attach, rm] = await atOnce([
      ['attach', '--no-stdin', id],
      ['rm', '-f', id],
    ]);
    assert.equal(rm?.code, 0, rm?.stderr);
    // attached first, then the kill ended it (128 + SIGKILL); or it came after the removal
    if (attach?.code !== 137)
      assert.match(attach?.stderr ?? '', /^Error: (No such container: |you cannot attach to a stopped container)/m, `exit ${attach?.code}: ${attach?.stderr}`);
    await assertGone(id);
  }
});
