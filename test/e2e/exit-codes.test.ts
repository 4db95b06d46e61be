import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';

// The exit codes of docker's CLI (cli/cobra.go, cmd/docker/docker.go, `docker run --help`'s
// "Exit Status"): 125 for a flag its parser refuses, whatever the command; for `run`/`create` 125
// when the engine fails and 126/127 when the container's command cannot be run or found; for
// every other command 1 when it is refused (docker prints the daemon's error and exits 1), and 1
// for a missing argument or an unknown command.

let t: TestEnv;
let work: string;
before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-exit-'));
  const up = await t.berth(['run', '-d', '--name', 'ec-up', 'busybox', 'sleep', '600']);
  assert.equal(up.code, 0, up.stderr);
  assert.equal((await t.berth(['create', '--name', 'ec-made', 'busybox', 'true'])).code, 0);
});
after(async () => {
  await t.berth(['rm', '-f', 'ec-up', 'ec-made']);
  fs.rmSync(work, { recursive: true, force: true });
  await t.cleanup();
});

test("every case exits as docker's CLI does, with a one-line error", async () => {
  const failedBuild = path.join(work, 'ctx');
  fs.mkdirSync(failedBuild);
  fs.writeFileSync(path.join(failedBuild, 'Dockerfile'), 'FROM busybox\nRUN exit 3\n');
  const cases: Array<[number, string[]]> = [
    // refused by the engine: 1
    [1, ['rm', 'ec-missing']],
    [1, ['container', 'rm', 'ec-missing']],
    [1, ['stop', 'ec-missing']],
    [1, ['start', 'ec-missing']],
    [1, ['logs', 'ec-missing']],
    [1, ['wait', 'ec-missing']],
    [1, ['pause', 'ec-missing']],
    [1, ['rename', 'ec-missing', 'ec-other']],
    [1, ['top', 'ec-missing']],
    [1, ['commit', 'ec-missing']],
    [1, ['tag', 'ec-no-image', 'ec-new:1']],
    [1, ['network', 'rm', 'ec-no-network']],
    [1, ['volume', 'rm', 'ec-no-volume']],
    [1, ['rm', 'ec-up']],
    [1, ['kill', '-s', 'BOGUS', 'ec-up']],
    [1, ['port', 'ec-missing']],
    [1, ['port', 'ec-up', '80']],
    [1, ['cp', 'ec-up:/no/such/path', path.join(work, 'out')]],
    [1, ['network', 'create', '--subnet', 'bogus', 'ec-net']],
    [1, ['build', '-q', failedBuild]],
    [1, ['inspect', 'ec-missing']],
    [1, ['exec', 'ec-made', 'true']],
    [1, ['ps', '--filter', 'colour=red']],
    // a missing argument or an unknown command: 1
    [1, ['rm']],
    [1, ['run']],
    [1, ['frobnicate']],
    // the client's own refusals, run included
    [1, ['run', '-d', '-a', 'stdout', 'busybox', 'true']],
    // a flag its parser refuses: 125 for every command
    [125, ['rm', '--bogus', 'ec-up']],
    [125, ['network', 'ls', '--bogus']],
    [125, ['stop', '-t', 'abc', 'ec-up']],
    [125, ['ps', '--filter', 'noequals']],
    [125, ['ps', '-n', 'x']],
    [125, ['update', '-m', 'lots', 'ec-made']],
    // run and create: 125 from the engine, 126/127 for the container's command
    [125, ['run', '--rm', 'ec-no-image']],
    [125, ['create', 'ec-no-image']],
    [125, ['container', 'create', 'ec-no-image']],
    [125, ['run', '--rm', '--bogus', 'busybox', 'true']],
    [125, ['run', '--name', 'ec-up', 'busybox', 'true']],
    [125, ['container', 'run', '--rm', '-m', 'lots', 'busybox', 'true']],
    [126, ['run', '--rm', 'busybox', '/etc']],
    [127, ['run', '--rm', 'busybox', 'no-such-command']],
    [127, ['container', 'run', '--rm', 'busybox', 'no-such-command']],
    [127, ['exec', 'ec-up', 'no-such-command']],
    [126, ['exec', 'ec-up', '/etc']],
  ];
  for (const [code, args] of cases) {
    const r = await t.berth(args);
    assert.equal(r.code, code, `berth ${args.join(' ')}: ${r.stderr}`);
    assert.notEqual(r.stderr.trim(), '', `berth ${args.join(' ')} says why`);
  }
  // nothing was made by the refused commands
  assert.equal((await t.berth(['ps', '-a', '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean).sort().join(' '), 'ec-made ec-up');
  assert.doesNotMatch((await t.berth(['network', 'ls', '--format', '{{.Name}}'])).stdout, /ec-net/);
});

test("the container's own status still comes through run, start -a, exec and wait", async () => {
  assert.equal((await t.berth(['run', '--rm', 'busybox', 'sh', '-c', 'exit 3'])).code, 3);
  assert.equal((await t.berth(['exec', 'ec-up', 'sh', '-c', 'exit 4'])).code, 4);
  await t.berth(['create', '--name', 'ec-five', 'busybox', 'sh', '-c', 'exit 5']);
  assert.equal((await t.berth(['start', '-a', 'ec-five'])).code, 5);
  const w = await t.berth(['wait', 'ec-five']);
  assert.equal(w.code, 0);
  assert.equal(w.stdout, '5\n');
  await t.berth(['rm', 'ec-five']);
});

test('several targets: the ones that exist are handled, and the command exits 1', async () => {
  await t.berth(['create', '--name', 'ec-gone', 'busybox', 'true']);
  const r = await t.berth(['rm', 'ec-gone', 'ec-missing']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, 'ec-gone\n');
  assert.match(r.stderr, /ec-missing/);
});

test('too few arguments: docker\'s words ("berth pause" requires at least 1 argument.), the usage, exit 1', async () => {
  const cases: Array<[string[], string]> = [
    [['pause'], '"berth pause" requires at least 1 argument.'],
    [['container', 'rm'], '"berth container rm" requires at least 1 argument.'],
    [['exec', 'ec-up'], '"berth exec" requires at least 2 arguments.'],
    [['attach'], '"berth attach" requires exactly 1 argument.'],
  ];
  for (const [args, first] of cases) {
    const r = await t.berth(args);
    assert.equal(r.code, 1, args.join(' '));
    const lines = r.stderr.split('\n');
    assert.equal(lines[0], first);
    assert.equal(lines[1], `See 'berth ${args.filter((a) => a !== 'ec-up').join(' ')} --help'.`);
    assert.match(r.stderr, /\n\nUsage: {2}berth /);
  }
});
