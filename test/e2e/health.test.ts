import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestEnv, processesUsing, type TestEnv } from '../../src/testkit/berth-cli.js';

let t: TestEnv;
before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
});
after(async () => t.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Health {
  Status: string;
  FailingStreak: number;
  Log: Array<{ ExitCode: number; Output: string }>;
}

async function health(name: string): Promise<Health | null> {
  const r = await t.berth(['inspect', '--format', '{{json .State.Health}}', name]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Health | null;
}

/** Poll until the container's health is `want` (probes run every second here). */
async function until(name: string, want: string, ms = 10_000): Promise<Health> {
  const end = Date.now() + ms;
  for (;;) {
    const h = await health(name);
    if (h?.Status === want) return h;
    if (Date.now() > end) assert.fail(`${name}: health ${JSON.stringify(h)}, wanted ${want}`);
    await sleep(200);
  }
}

function monitors(id: string): number[] {
  // a process found a moment ago (a probe's exec) may be gone by now: not a monitor
  const cmdline = (pid: number) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return '';
    }
  };
  return processesUsing(id).filter((pid) => cmdline(pid).includes('health-monitor'));
}

test('--health-cmd: starting, then unhealthy after the retries, healthy once the check passes; ps shows it', async () => {
  const r = await t.berth([
    'run',
    '-d',
    '--name',
    'hc',
    '--health-cmd',
    'test -f /tmp/ready && echo fine',
    '--health-interval',
    '1s',
    '--health-retries',
    '2',
    'busybox',
    'sleep',
    '60',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const id = r.stdout.trim();
  assert.equal((await health('hc'))?.Status, 'starting');
  assert.match((await t.berth(['ps', '--format', '{{.Status}}'])).stdout, /^Up .* \(health: starting\)$/m);
  const bad = await until('hc', 'unhealthy');
  assert.ok(bad.FailingStreak >= 2);
  assert.equal(bad.Log.at(-1)?.ExitCode, 1);
  assert.equal((await t.berth(['ps', '-q', '--filter', 'health=unhealthy'])).stdout.trim(), id.slice(0, 12));

  assert.equal((await t.berth(['exec', 'hc', 'touch', '/tmp/ready'])).code, 0);
  const good = await until('hc', 'healthy');
  assert.equal(good.FailingStreak, 0);
  assert.equal(good.Log.at(-1)?.Output, 'fine\n');
  assert.match((await t.berth(['ps', '--format', '{{.Status}}', '--filter', 'health=healthy'])).stdout, /^Up .* \(healthy\)$/m);
  const cfg = JSON.parse((await t.berth(['inspect', '--format', '{{json .Config.Healthcheck}}', 'hc'])).stdout) as Record<string, unknown>;
  assert.deepEqual(cfg, { Test: ['CMD-SHELL', 'test -f /tmp/ready && echo fine'], Interval: 1_000_000_000, Retries: 2 });

  // one monitor process per run, gone with the run
  assert.equal(monitors(id).length, 1);
  assert.equal((await t.berth(['stop', '-t', '1', 'hc'])).code, 0);
  for (let i = 0; i < 20 && monitors(id).length > 0; i++) await sleep(100);
  assert.deepEqual(monitors(id), []);
  assert.equal((await t.berth(['rm', 'hc'])).code, 0);
});

test("a check that outlives --health-timeout fails with docker's message; the image's HEALTHCHECK applies, --no-healthcheck turns it off", async () => {
  const r = await t.berth([
    'run',
    '-d',
    '--name',
    'slow',
    '--health-cmd',
    'sleep 5',
    '--health-timeout',
    '300ms',
    '--health-interval',
    '500ms',
    '--health-retries',
    '1',
    'busybox',
    'sleep',
    '60',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const h = await until('slow', 'unhealthy');
  assert.equal(h.Log.at(-1)?.ExitCode, -1);
  assert.equal(h.Log.at(-1)?.Output, 'Health check exceeded timeout (300ms)');
  await t.berth(['rm', '-f', 'slow']);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-hc-'));
  try {
    fs.writeFileSync(path.join(dir, 'Containerfile'), 'FROM busybox\nHEALTHCHECK --interval=1s --retries=1 CMD ["true"]\n');
    const b = await t.berth(['build', '-q', '-t', 'checked', dir]);
    assert.equal(b.code, 0, b.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.equal((await t.berth(['run', '-d', '--name', 'img', 'checked', 'sleep', '60'])).code, 0);
  await until('img', 'healthy');
  // a flag replaces one setting of the image's check and keeps the others
  assert.equal((await t.berth(['create', '--name', 'merged', '--health-retries', '4', 'checked', 'sleep', '1'])).code, 0);
  const merged = JSON.parse((await t.berth(['inspect', '--format', '{{json .Config.Healthcheck}}', 'merged'])).stdout) as Record<string, unknown>;
  assert.deepEqual(merged, { Test: ['CMD', 'true'], Interval: 1_000_000_000, Retries: 4 });
  assert.equal((await t.berth(['run', '-d', '--name', 'off', '--no-healthcheck', 'checked', 'sleep', '60'])).code, 0);
  assert.equal(await health('off'), null);
  assert.match((await t.berth(['ps', '--format', '{{.Names}} {{.Status}}', '--filter', 'name=off'])).stdout, /^off Up [^(]*$/m);
  assert.equal((await t.berth(['ps', '-q', '--filter', 'health=none', '--filter', 'name=off'])).stdout.trim().length, 12);
  await t.berth(['rm', '-f', 'img', 'off', 'merged']);
});

test('bad healthcheck flags are one-line errors', async () => {
  for (const args of [
    ['--no-healthcheck', '--health-cmd', 'true'],
    ['--health-interval', '5x'],
    ['--health-retries', 'many'],
  ]) {
    const r = await t.berth(['run', ...args, 'busybox', 'true']);
    assert.equal(r.code, 125, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const f = await t.berth(['ps', '--filter', 'health=bogus']);
  assert.equal(f.code, 1);
  assert.match(f.stderr, /Unrecognised filter value for health: bogus/);
});

test('a health monitor killed with SIGKILL is noticed and replaced: the health does not stay frozen at healthy', async () => {
  const r = await t.berth([
    'run',
    '-d',
    '--name',
    'hk',
    '--health-cmd',
    'test ! -f /tmp/broken',
    '--health-interval',
    '1s',
    '--health-retries',
    '1',
    'busybox',
    'sleep',
    '60',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const id = r.stdout.trim();
  await until('hk', 'healthy');
  const [first] = monitors(id);
  assert.ok(first);
  process.kill(first, 'SIGKILL');
  for (let i = 0; i < 20 && monitors(id).includes(first); i++) await sleep(50);
  assert.equal((await t.berth(['exec', 'hk', 'touch', '/tmp/broken'])).code, 0);
  // the next reader of the health (this inspect) starts a new monitor, which probes on
  const bad = await until('hk', 'unhealthy');
  assert.equal(bad.Log.at(-1)?.ExitCode, 1);
  const now = monitors(id);
  assert.equal(now.length, 1, `monitors: ${now.join(' ')}`);
  assert.notEqual(now[0], first);
  assert.equal((await t.berth(['rm', '-f', 'hk'])).code, 0);
  for (let i = 0; i < 20 && monitors(id).length > 0; i++) await sleep(100);
  assert.deepEqual(monitors(id), []);
  // nothing of it left among the locks (the container's, the monitor replacement's; conmon's
  // exit hook, still on its way, may hold the container's a moment before it finds it gone)
  const locks = () => fs.readdirSync(path.join(t.runRoot, 'locks')).filter((f) => f.includes(id));
  for (let i = 0; i < 40 && locks().length > 0; i++) await sleep(50);
  assert.deepEqual(locks(), []);
});
