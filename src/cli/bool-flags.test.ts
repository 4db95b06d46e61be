import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { normalizeBooleanFlags } from './bool-flags.js';

function program(): Command {
  const p = new Command('berth').enablePositionalOptions().option('--root <dir>');
  p.command('run')
    .argument('<image>')
    .argument('[cmd...]')
    .option('--rm')
    .option('-d, --detach')
    .option('--name <n>')
    .option('--no-sig-proxy')
    .passThroughOptions();
  p.command('container').command('ls').option('-a, --all');
  return p;
}

test("docker's --flag=true|false forms of boolean flags become commander's", () => {
  const p = program();
  assert.deepEqual(normalizeBooleanFlags(p, ['--root', '/r', 'run', '--rm=false', '-d=true', '--name', 'x', 'busybox', 'echo', '--rm=false']), [
    '--root',
    '/r',
    'run',
    '-d',
    '--name',
    'x',
    'busybox',
    'echo',
    '--rm=false',
  ]);
  assert.deepEqual(normalizeBooleanFlags(p, ['run', '--sig-proxy=false', 'busybox']), ['run', '--no-sig-proxy', 'busybox']);
  // bare --sig-proxy is the default: dropped rather than refused as unknown
  assert.deepEqual(normalizeBooleanFlags(p, ['run', '--sig-proxy', '--sig-proxy=true', 'busybox']), ['run', 'busybox']);
  assert.deepEqual(normalizeBooleanFlags(p, ['container', 'ls', '--all=true']), ['container', 'ls', '--all']);
  // values of non-boolean flags and anything unknown pass through untouched
  assert.deepEqual(normalizeBooleanFlags(p, ['run', '--name=a=b', '--rm=maybe', 'busybox']), ['run', '--name=a=b', '--rm=maybe', 'busybox']);
});
