import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestEnv, BERTH_BIN, type TestEnv } from '../../src/testkit/berth-cli.js';

// Ctrl-C and SIGTERM end the long operations at once, with what they held undone: no mount, no
// half-written file, no container left paused. (build and pull: build.test.ts, registry.test.ts)

let t: TestEnv;
let work: string;
before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-int-'));
});
after(async () => {
  await t.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

function mountsUnderRoot(): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => (l.split(' ')[4] ?? '').startsWith(t.root));
}

const tmpBlobs = () => fs.readdirSync(path.join(t.root, 'tmp')).filter((n) => n.startsWith('blob-'));

/**
 * Run berth with args; once ready() holds (polled), send signal. Resolves with how it ended and
 * how long it took after the signal; a berth that ignores the signal is killed after 20 s.
 */
async function interrupt(
  args: string[],
  signal: NodeJS.Signals,
  ready: () => boolean,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; stderr: string }> {
  const child = spawn(BERTH_BIN, args, { env: t.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (code, sig) => r([code, sig])));
  let ended = false;
  void closed.then(() => (ended = true));
  for (let i = 0; i < 3000 && !ended && !ready(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(!ended, `berth ${args.join(' ')} ended before it could be interrupted: ${stderr}`);
  const t0 = Date.now();
  child.kill(signal);
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code, sig] = await closed;
  clearTimeout(killer);
  return { code, signal: sig, ms: Date.now() - t0, stderr };
}

test('commit, export -o and cp of a container with a large change end on SIGINT/SIGTERM: the container thawed, nothing mounted, no half-written file', async () => {
  const run = await t.berth([
    'run',
    '-d',
    '--name',
    'big',
    'busybox',
    'sh',
    '-c',
    'dd if=/dev/urandom of=/big bs=1M count=200 2>/dev/null && touch /done && sleep 1000',
  ]);
  assert.equal(run.code, 0, run.stderr);
  for (let i = 0; i < 600; i++) {
    if ((await t.berth(['exec', 'big', 'test', '-e', '/done'])).code === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  // commit pauses a running container while it reads its changes
  const commit = await interrupt(['commit', 'big', 'bigimg'], 'SIGINT', () => tmpBlobs().length > 0);
  assert.equal(commit.signal, 'SIGINT', `commit ended with ${commit.code}: ${commit.stderr}`);
  assert.ok(commit.ms < 5000, `commit took ${commit.ms} ms to end`);
  assert.equal((await t.berth(['inspect', '-f', '{{.State.Status}}', 'big'])).stdout.trim(), 'running');
  assert.deepEqual(tmpBlobs(), []);
  assert.equal((await t.berth(['images', '-q', 'bigimg'])).stdout, '');

  // a stopped container's root filesystem is mounted for export and cp
  assert.equal((await t.berth(['kill', 'big'])).code, 0);
  // its exit hook unmounts it
  for (let i = 0; i < 200 && mountsUnderRoot().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(mountsUnderRoot(), []);
  const out = path.join(work, 'big.tar');
  const halfExport = () => fs.readdirSync(work).filter((n) => n.startsWith('big.tar.'));
  const exp = await interrupt(['export', '-o', out, 'big'], 'SIGTERM', () => halfExport().some((n) => fs.statSync(path.join(work, n)).size > 1_000_000));
  assert.equal(exp.signal, 'SIGTERM', `export ended with ${exp.code}: ${exp.stderr}`);
  assert.ok(exp.ms < 5000, `export took ${exp.ms} ms to end`);
  assert.deepEqual(halfExport(), []);
  assert.equal(fs.existsSync(out), false);
  assert.deepEqual(mountsUnderRoot(), []);

  const dest = path.join(work, 'copied');
  const cp = await interrupt(['cp', 'big:/big', dest], 'SIGINT', () => fs.existsSync(dest));
  assert.equal(cp.signal, 'SIGINT', `cp ended with ${cp.code}: ${cp.stderr}`);
  assert.ok(cp.ms < 5000, `cp took ${cp.ms} ms to end`);
  assert.deepEqual(mountsUnderRoot(), []);
});
