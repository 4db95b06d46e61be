import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCpus } from './cpus.js';

test('parseCpus() turns a decimal CPU count into nano CPUs', () => {
  assert.equal(parseCpus('1.5'), 1_500_000_000);
  assert.equal(parseCpus('2'), 2_000_000_000);
  assert.equal(parseCpus('0.01'), 10_000_000);
  assert.equal(parseCpus('.5'), 500_000_000);
  assert.equal(parseCpus('0.000000001'), 1);
  assert.equal(parseCpus('1.0000000000'), 1_000_000_000);
});

test('parseCpus() refuses text that is not a number', () => {
  assert.throws(() => parseCpus('abc'), {
    kind: 'InvalidArgument',
    message: 'invalid argument "abc" for "--cpus" flag: failed to parse abc as a rational number',
  });
  assert.throws(() => parseCpus('-1'), { kind: 'InvalidArgument' });
  assert.throws(() => parseCpus(''), { kind: 'InvalidArgument' });
});

test('parseCpus() refuses more precision than nano CPUs hold', () => {
  assert.throws(() => parseCpus('0.0000000001'), {
    kind: 'InvalidArgument',
    message: 'invalid argument "0.0000000001" for "--cpus" flag: value is too precise',
  });
});

test('parseCpus() refuses counts too large to store', () => {
  assert.throws(() => parseCpus('99999999999'), { message: 'invalid argument "99999999999" for "--cpus" flag: value is too large' });
});
