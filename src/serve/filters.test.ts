import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFilters, filterArgs } from './filters.js';

test('filters: the list encoding and the older map encoding decode the same', () => {
  const list = decodeFilters('{"label":["a=b","c"],"status":["running"]}');
  const map = decodeFilters('{"label":{"a=b":true,"c":true},"status":{"running":true}}');
  assert.deepEqual(
    [...list],
    [
      ['label', ['a=b', 'c']],
      ['status', ['running']],
    ],
  );
  assert.deepEqual([...map], [...list]);
  assert.deepEqual(filterArgs(list), ['label=a=b', 'label=c', 'status=running']);
});

test('filters: a value mapped to false is left out; empty, null and absent are no filters', () => {
  assert.deepEqual([...decodeFilters('{"label":{"a":true,"b":false}}')], [['label', ['a']]]);
  assert.equal(decodeFilters(null).size, 0);
  assert.equal(decodeFilters('').size, 0);
  assert.equal(decodeFilters('null').size, 0);
});

test('filters: malformed ones are InvalidArgument (a 400), never a crash', () => {
  for (const bad of ['{', '[1]', '"x"', '{"label":"a"}', '{"label":[1]}', '{"label":3}']) {
    assert.throws(
      () => decodeFilters(bad),
      (e: Error & { kind?: string }) => e.kind === 'InvalidArgument',
      bad,
    );
  }
});
