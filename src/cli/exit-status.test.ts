import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command, CommanderError } from 'commander';
import { BerthError } from '../core/errors/berth-error.js';
import { OciRuntimeError } from '../core/runtime/oci-runtime-error.js';
import { exitStatus, commandOf, checkTty, ClientError, FlagError } from './exit-status.js';

const notFound = new BerthError('NotFound', 'no such container: "x"');

test("run and create keep docker run's codes: 125 for the engine, 126/127 for the command", () => {
  for (const path of [['run'], ['create'], ['container', 'run'], ['container', 'create']]) {
    assert.equal(exitStatus(notFound, path), 125, path.join(' '));
    assert.equal(exitStatus(new BerthError('Conflict', 'name in use'), path), 125);
    assert.equal(exitStatus(new Error('unexpected'), path), 125);
  }
  assert.equal(exitStatus(new BerthError('CommandNotFound', 'exec: "nosuch": not found'), ['run']), 127);
  assert.equal(exitStatus(new BerthError('CannotInvoke', 'exec: "/etc": permission denied'), ['container', 'run']), 126);
});

test("every other command exits 1 when refused, as docker's CLI does for a daemon error", () => {
  for (const path of [
    ['rm'],
    ['stop'],
    ['container', 'start'],
    ['logs'],
    ['tag'],
    ['network', 'rm'],
    ['volume', 'rm'],
    ['network', 'create'],
    ['volume', 'create'],
    ['build'],
    ['kill'],
    ['cp'],
    ['port'],
    [],
  ]) {
    assert.equal(exitStatus(notFound, path), 1, path.join(' '));
    assert.equal(exitStatus(new BerthError('InvalidArgument', 'invalid subnet'), path), 1, path.join(' '));
    assert.equal(exitStatus(new Error('unexpected'), path), 1, path.join(' '));
  }
  // exec passes its command's 126/127 through; its other failures are refusals
  assert.equal(exitStatus(new BerthError('CommandNotFound', 'exec: "nosuch": not found'), ['exec']), 127);
  assert.equal(exitStatus(new BerthError('CannotInvoke', 'exec: "/etc": permission denied'), ['container', 'exec']), 126);
  assert.equal(exitStatus(new BerthError('Conflict', 'container is not running'), ['exec']), 1);
  // the container's command failing to start under `start` is the daemon refusing the start
  assert.equal(exitStatus(new OciRuntimeError('starting', 'exec: "x": executable file not found in $PATH', { kind: 'CommandNotFound' }), ['start']), 1);
});

test('usage errors: a bad flag is 125 for every command, a missing argument or unknown command 1', () => {
  const usage = (code: string) => new CommanderError(1, code, 'x');
  for (const path of [['run'], ['rm'], ['network', 'create']]) {
    assert.equal(exitStatus(usage('commander.unknownOption'), path), 125);
    assert.equal(exitStatus(usage('commander.optionMissingArgument'), path), 125);
    assert.equal(exitStatus(usage('commander.invalidArgument'), path), 125);
    assert.equal(exitStatus(new FlagError('invalid argument "abc" for "-t, --timeout" flag'), path), 125);
    assert.equal(exitStatus(usage('commander.missingArgument'), path), 1);
    assert.equal(exitStatus(usage('commander.excessArguments'), path), 1);
  }
  assert.equal(exitStatus(usage('commander.unknownCommand'), []), 1);
  for (const c of ['commander.helpDisplayed', 'commander.help', 'commander.version']) assert.equal(exitStatus(usage(c), ['ps']), 0);
});

test('the command is found from the arguments as commander dispatches them', () => {
  const p = new Command('berth').option('--root <dir>').option('--log-level <l>').option('--debug');
  p.command('run').argument('<image>');
  p.command('rm');
  const c = p.command('container');
  c.command('create');
  c.command('ls').alias('ps');
  const n = p.command('network');
  n.command('create');
  assert.deepEqual(commandOf(p, ['--root', '/r', 'run', '--rm', 'busybox']), ['run']);
  assert.deepEqual(commandOf(p, ['--root=/r', '--debug', 'rm', 'x']), ['rm']);
  assert.deepEqual(commandOf(p, ['container', 'create', 'busybox']), ['container', 'create']);
  assert.deepEqual(commandOf(p, ['container', 'ps', '-a']), ['container', 'ls']);
  assert.deepEqual(commandOf(p, ['network', 'create', '--subnet', 'x', 'create']), ['network', 'create']);
  // a network called "run" is not the run command
  assert.deepEqual(commandOf(p, ['network', '--x', 'run']), ['network']);
  assert.deepEqual(commandOf(p, ['frobnicate', 'run']), []);
  assert.deepEqual(commandOf(p, ['--log-level', 'run', 'rm']), ['rm']);
});

test("the client's own refusals exit 1, run included; a terminal needs a terminal on stdin", () => {
  assert.equal(exitStatus(new ClientError('the input device is not a TTY'), ['run']), 1);
  assert.equal(exitStatus(new ClientError('the input device is not a TTY'), ['exec']), 1);
  assert.throws(() => checkTty({ isTTY: false }, true, true), { message: 'the input device is not a TTY' });
  assert.throws(() => checkTty({}, true, true), ClientError);
  checkTty({ isTTY: true }, true, true);
  checkTty({}, false, true);
  checkTty({}, true, false);
});
