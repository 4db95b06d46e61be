import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BERTH_BIN, makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';

let t: TestEnv;
before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
});
after(async () => t.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('events --since/--until lists what berth did: container life, exec, images, volumes, in order', async () => {
  const since = String(Math.floor(Date.now() / 1000) - 1);
  assert.equal((await t.berth(['run', '--name', 'ev1', '--label', 'tier=front', 'busybox', 'sh', '-c', 'exit 3'])).code, 3);
  assert.equal((await t.berth(['run', '-d', '--name', 'ev2', 'busybox', 'sleep', '30'])).code, 0);
  assert.equal((await t.berth(['exec', 'ev2', 'true'])).code, 0);
  assert.equal((await t.berth(['stop', '-t', '0', 'ev2'])).code, 0);
  assert.equal((await t.berth(['rm', 'ev1', 'ev2'])).code, 0);
  assert.equal((await t.berth(['tag', 'busybox', 'evtag:1'])).code, 0);
  assert.equal((await t.berth(['volume', 'create', 'evvol'])).code, 0);

  const r = await t.berth(['events', '--since', since, '--until', '0s', '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const seq = (...want: string[]) => {
    let at = -1;
    for (const w of want) {
      const i = lines.indexOf(w, at + 1);
      assert.ok(i > at, `"${w}" after line ${at} in:\n${r.stdout}`);
      at = i;
    }
  };
  seq('container create ev1', 'container start ev1', 'container die ev1', 'container destroy ev1');
  seq(
    'container create ev2',
    'container start ev2',
    'container exec_create: true ev2',
    'container exec_start: true ev2',
    'container exec_die ev2',
    'container kill ev2',
    'container die ev2',
    'container stop ev2',
    'container destroy ev2',
  );
  seq('image tag evtag:1');

  const dies = await t.berth(['events', '--since', since, '--until', '0s', '--filter', 'event=die', '--filter', 'label=tier=front', '--format', '{{json .}}']);
  const msg = JSON.parse(dies.stdout) as { status: string; from: string; Actor: { Attributes: Record<string, string> }; timeNano: number };
  assert.equal(msg.status, 'die');
  assert.equal(msg.from, 'busybox');
  assert.equal(msg.Actor.Attributes['exitCode'], '3');
  const plain = await t.berth(['events', '--since', since, '--until', '0s', '--filter', 'type=volume']);
  assert.match(plain.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z volume create evvol \(driver=local\)$/m);
  const bad = await t.berth(['events', '--filter', 'bogus=1', '--until', '0s']);
  assert.equal(bad.code, 1);
});

test('events without --since streams what happens from now on, until interrupted', async () => {
  const child = spawn(
    BERTH_BIN,
    ['--root', t.root, '--runroot', t.runRoot, 'events', '--filter', 'type=container', '--format', '{{.Action}} {{.Actor.Attributes.name}}'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await sleep(700);
  assert.equal((await t.berth(['run', '--rm', '--name', 'live', 'busybox', 'true'])).code, 0);
  for (let i = 0; i < 30 && !out.includes('destroy live'); i++) await sleep(100);
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 0);
  assert.deepEqual(out.trim().split('\n'), ['create live', 'start live', 'die live', 'destroy live']);
});
