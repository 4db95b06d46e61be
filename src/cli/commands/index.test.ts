import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { COMMANDS, commandsFor } from './index.js';

const ctx = {} as CliContext;

function registered(args: string[]): string[] {
  const program = new Command('berth').enablePositionalOptions();
  for (const def of commandsFor(args)) def(program, ctx);
  return program.commands.map((c) => c.name());
}

test('a top-level container verb registers that command alone, after any global options', () => {
  assert.deepEqual(registered(['run', '--rm', 'busybox', 'true']), ['run']);
  assert.deepEqual(registered(['--root', '/x', '--runroot=/y', 'ps', '-a']), ['ps']);
  assert.deepEqual(registered(['--log-level', 'debug', 'exec', '-it', 'c', 'sh']), ['exec']);
  assert.deepEqual(registered(['inspect', 'c']), ['inspect']);
});

test('help, groups, other commands and typos get every command', () => {
  const all = new Command('berth').enablePositionalOptions();
  for (const def of COMMANDS) def(all, ctx);
  const everything = all.commands.map((c) => c.name());
  assert.ok(everything.length > 30);
  for (const args of [[], ['--help'], ['container', 'ls'], ['image', 'ls'], ['images'], ['rn', 'busybox'], ['--version'], ['--root']]) {
    assert.deepEqual(registered(args), everything, args.join(' '));
  }
});
