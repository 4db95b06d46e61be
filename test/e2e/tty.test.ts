import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTestEnv, BERTH_BIN, type TestEnv } from '../../src/testkit/berth-cli.js';

// the driver script is not compiled: find it in the source tree beside this test
const DRIVER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/e2e/fixtures/pty-drive.py');

let t: TestEnv;
before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
});
after(async () => t.cleanup());

test('run -it gives a real terminal: its size, resizes, Ctrl-C and the exit code come through', () => {
  const r = spawnSync('python3', [DRIVER, BERTH_BIN], { env: t.env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /30 100/, 'initial size');
  assert.match(r.stdout, /40 120/, 'size after SIGWINCH');
  assert.match(r.stdout, /after-42/, 'the shell survived Ctrl-C, which interrupted sleep');
  assert.match(r.stdout, /EXIT 5\s*$/);
  // the local terminal is raw as docker makes it: the container's \r\n is not made \r\r\n
  assert.match(r.stdout, /after-42\r\n/);
  assert.doesNotMatch(r.stdout, /\r\r\n/);
});

test('attach joins a running terminal container and ctrl-p ctrl-q detaches, leaving it running', async () => {
  const r = await t.berth(['run', '-dit', '--name', 'att', 'busybox', 'sh']);
  assert.equal(r.code, 0, r.stderr);
  const driver = DRIVER.replace('pty-drive.py', 'pty-attach.py');
  const a = spawnSync('python3', [driver, BERTH_BIN, 'att'], { env: t.env, encoding: 'utf8', timeout: 60_000 });
  assert.match(a.stdout, /attached-42/);
  assert.match(a.stdout, /EXIT 0\s*$/);
  assert.equal((await t.berth(['inspect', '--format', '{{.State.Status}}', 'att'])).stdout, 'running\n');
  await t.berth(['rm', '-f', 'att']);
});

test('an -it container can be attached, detached and attached again, three times, to the same shell', async () => {
  const r = await t.berth(['run', '-dit', '--name', 'rounds', 'busybox', 'sh']);
  assert.equal(r.code, 0, r.stderr);
  const driver = DRIVER.replace('pty-drive.py', 'pty-attach-rounds.py');
  const a = spawnSync('python3', [driver, BERTH_BIN, 'rounds', '3'], { env: t.env, encoding: 'utf8', timeout: 90_000 });
  const rounds = a.stdout.split(/^--- round \d+\n/m).slice(1);
  assert.equal(rounds.length, 3, a.stdout + a.stderr);
  rounds.forEach((out, i) => {
    assert.match(out, new RegExp(`\\r\\nround-${(i + 1) * 11}\\r\\n`), `round ${i + 1}: ${JSON.stringify(out)}`);
    assert.match(out, /read escape sequence/);
    assert.match(out, /EXIT 0\s*$/);
    assert.doesNotMatch(out, /\r\r\n/);
  });
  assert.equal((await t.berth(['inspect', '--format', '{{.State.Status}} {{.Config.StdinOnce}}', 'rounds'])).stdout, 'running false\n');
  await t.berth(['rm', '-f', 'rounds']);
});

test('run -di keeps stdin for later attaches: piped input of each attach reaches the container', async () => {
  const r = await t.berth(['run', '-di', '--name', 'piped', 'busybox', 'sh', '-c', 'read a; echo got-$a; read b; echo got-$b']);
  assert.equal(r.code, 0, r.stderr);
  const first = t.berth(['attach', 'piped'], { input: 'one\n', timeoutMs: 20_000 });
  for (let i = 0; i < 50 && !(await t.berth(['logs', 'piped'])).stdout.includes('got-one'); i++) await new Promise((res) => setTimeout(res, 100));
  const second = await t.berth(['attach', 'piped'], { input: 'two\n', timeoutMs: 20_000 });
  assert.deepEqual([second.code, second.stdout], [0, 'got-two\n'], second.stderr);
  const one = await first;
  assert.deepEqual([one.code, one.stdout], [0, 'got-one\ngot-two\n'], one.stderr);
  // run -i (attached): the client's end of input still ends the container's
  const once = await t.berth(['run', '-i', '--rm', 'busybox', 'sh', '-c', 'cat; echo eof-seen'], { input: 'x\n', timeoutMs: 20_000 });
  assert.deepEqual([once.code, once.stdout], [0, 'x\neof-seen\n']);
  await t.berth(['rm', '-f', 'piped']);
});
