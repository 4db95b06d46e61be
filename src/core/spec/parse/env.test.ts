import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnv, parseEnvFile } from './env.js';

test('parseEnv() keeps KEY=VALUE as typed, including empty values and extra equals signs', () => {
  assert.equal(parseEnv('A=b=c'), 'A=b=c');
  assert.equal(parseEnv('A='), 'A=');
});

test('parseEnv() takes a bare key from the lookup', () => {
  assert.equal(parseEnv('TERM', { TERM: 'xterm' }), 'TERM=xterm');
});

test('parseEnv() returns a bare key unchanged when the lookup lacks it', () => {
  assert.equal(parseEnv('MISSING', {}), 'MISSING');
});

test('parseEnv() rejects an empty name', () => {
  assert.throws(() => parseEnv('=x'), { kind: 'InvalidArgument', message: 'invalid environment variable: "=x"' });
});

test('parseEnvFile() skips comments and blank lines and keeps values verbatim', () => {
  const text = '\uFEFF# comment\n\nA=1\n  B="two" \n  # indented comment\nC=\n';
  assert.deepEqual(parseEnvFile(text), ['A=1', 'B="two" ', 'C=']);
});

test('parseEnvFile() takes bare keys from the lookup and drops those it lacks', () => {
  assert.deepEqual(parseEnvFile('HOME\nNOPE\nX=1', { HOME: '/root' }), ['HOME=/root', 'X=1']);
});

test('parseEnvFile() rejects an empty name and a name with whitespace', () => {
  assert.throws(() => parseEnvFile('A=1\n=2'), { kind: 'InvalidArgument', message: 'no variable name on line 2: "=2"' });
  assert.throws(() => parseEnvFile('MY VAR=2'), { kind: 'InvalidArgument', message: 'variable "MY VAR" on line 1 contains whitespaces' });
});
