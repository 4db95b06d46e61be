import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';

// berth runs on node, and node has options and variables of its own (--env-file, NODE_OPTIONS…):
// nothing a user passes to berth, and nothing of the caller's environment, may reach them.
// Each probe is a module that, if node ever loads it, appends its process's command line to a
// marker file; every test ends with the marker absent.

let t: TestEnv;
let work: string;
let marker: string;
let probe: string;

before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-nodeiso-'));
  marker = path.join(work, 'PWNED');
  probe = path.join(work, 'pwn.cjs');
  fs.writeFileSync(probe, `require('fs').appendFileSync(${JSON.stringify(marker)}, process.argv.join(' ') + '\\n');\n`);
});
after(async () => {
  await t.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

function assertNoProbe(): void {
  assert.equal(fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : '', '', 'node loaded the probe');
}

test('--env-file only sets the container environment: a NODE_OPTIONS line never reaches berth', async () => {
  const envFile = path.join(work, 'app.env');
  fs.writeFileSync(envFile, `NODE_OPTIONS=--require ${probe}\nAPP=1\n`);
  const r = await t.berth(['run', '--rm', '--env-file', envFile, 'busybox', 'sh', '-c', 'echo "$NODE_OPTIONS|$APP"']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `--require ${probe}|1\n`);
  const eq = await t.berth(['run', '--rm', `--env-file=${envFile}`, 'busybox', 'true']);
  assert.equal(eq.code, 0, eq.stderr);
  assertNoProbe();
});

test("--env-file in a container's command is the container's argument, not node's", async () => {
  const envFile = path.join(work, 'cmd.env');
  fs.writeFileSync(envFile, `NODE_OPTIONS=--require ${probe}\n`);
  const r = await t.berth(['run', '--rm', 'busybox', 'echo', '--env-file', envFile, '--env-file=/nonexistent']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `--env-file ${envFile} --env-file=/nonexistent\n`);
  assertNoProbe();
});

test('a missing --env-file is docker error, exit 125', async () => {
  const r = await t.berth(['run', '--rm', '--env-file', '/nonexistent-berth.env', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /open \/nonexistent-berth\.env: no such file or directory/);
});

test("the caller's NODE_* variables change neither berth nor its helpers (exit hook, health monitor)", async () => {
  const coverage = path.join(work, 'coverage');
  const warnings = path.join(work, 'warnings.txt');
  const hostile = {
    NODE_OPTIONS: `--require ${probe}`,
    NODE_V8_COVERAGE: coverage,
    NODE_REDIRECT_WARNINGS: warnings,
    NODE_DEBUG: 'fs,net,child_process',
    NODE_TLS_REJECT_UNAUTHORIZED: '0',
  };
  const v = await t.berth(['version'], { env: hostile });
  assert.equal(v.code, 0, v.stderr);
  assert.equal(v.stderr, '', 'NODE_DEBUG output or a warning reached berth');
  // -d: conmon runs berth's exit hook when the container ends; --health-cmd: a monitor process
  const d = await t.berth(['run', '-d', '--name', 'iso', '--health-cmd', 'true', '--health-interval', '1s', 'busybox', 'sleep', '3'], { env: hostile });
  assert.equal(d.code, 0, d.stderr);
  // the monitor ran (a probe is logged) and the exit hook recorded the exit
  let probes = 0;
  for (let i = 0; i < 60 && probes === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    probes = Number((await t.berth(['inspect', '--format', '{{len .State.Health.Log}}', 'iso'])).stdout.trim() || 0);
  }
  assert.ok(probes > 0, 'the health monitor never probed');
  assert.equal((await t.berth(['wait', 'iso'])).stdout.trim(), '0');
  // the hook runs after conmon sees the exit: give it the moment it needs
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await t.berth(['rm', 'iso'])).code, 0);
  assertNoProbe();
  assert.equal(fs.existsSync(coverage), false, 'NODE_V8_COVERAGE was honoured');
  assert.equal(fs.existsSync(warnings), false, 'NODE_REDIRECT_WARNINGS was honoured');
});
