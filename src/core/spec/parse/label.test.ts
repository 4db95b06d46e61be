import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLabel } from './label.js';

test('parseLabel() splits at the first equals sign', () => {
  assert.deepEqual(parseLabel('tier=web'), ['tier', 'web']);
  assert.deepEqual(parseLabel('a=b=c'), ['a', 'b=c']);
});

test('parseLabel() gives a bare key an empty value', () => {
  assert.deepEqual(parseLabel('canary'), ['canary', '']);
});

test('parseLabel() rejects an empty or spaced name', () => {
  assert.throws(() => parseLabel('=x'), { kind: 'InvalidArgument', message: 'invalid label "=x": empty name' });
  assert.throws(() => parseLabel('my key=x'), { kind: 'InvalidArgument', message: 'invalid label "my key=x": name contains whitespace' });
});
