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
