import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBytes, parseSwap } from './bytes.js';

test('parseBytes() reads docker sizes with binary units in any case', () => {
  assert.equal(parseBytes('100'), 100);
  assert.equal(parseBytes('512k'), 512 * 1024);
  assert.equal(parseBytes('64m'), 64 * 1024 * 1024);
  assert.equal(parseBytes('64M'), 64 * 1024 * 1024);
  assert.equal(parseBytes('1g'), 1024 ** 3);
  assert.equal(parseBytes('1GB'), 1024 ** 3);
  assert.equal(parseBytes('1gib'), 1024 ** 3);
  assert.equal(parseBytes('2t'), 2 * 1024 ** 4);
  assert.equal(parseBytes('1p'), 1024 ** 5);
  assert.equal(parseBytes('10b'), 10);
  assert.equal(parseBytes('10 m'), 10 * 1024 * 1024);
});

test('parseBytes() truncates fractional byte counts', () => {
  assert.equal(parseBytes('1.5g'), 1.5 * 1024 ** 3);
  assert.equal(parseBytes('1.5'), 1);
});

test('parseBytes() names the flag and the value in docker style when the size is bad', () => {
  assert.throws(() => parseBytes('lots', '-m, --memory'), {
    name: 'BerthError',
    kind: 'InvalidArgument',
    message: `invalid argument "lots" for "-m, --memory" flag: invalid size: 'lots'`,
  });
  assert.throws(() => parseBytes('-5m'), { kind: 'InvalidArgument', message: `invalid size: '-5m'` });
  assert.throws(() => parseBytes(''), { kind: 'InvalidArgument' });
  assert.throws(() => parseBytes('5x'), { kind: 'InvalidArgument' });
  assert.throws(() => parseBytes('99999999999p'), { kind: 'InvalidArgument' });
});

test('parseSwap() accepts -1 as unlimited and sizes otherwise', () => {
  assert.equal(parseSwap('-1'), -1);
  assert.equal(parseSwap('1g'), 1024 ** 3);
  assert.throws(() => parseSwap('-2'), { message: `invalid argument "-2" for "--memory-swap" flag: invalid size: '-2'` });
});
