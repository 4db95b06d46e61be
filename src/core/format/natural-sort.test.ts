import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterMatch, groupFilters, naturalCompare } from './natural-sort.js';

test('naturalCompare orders digit runs as numbers, as sortorder.NaturalLess', () => {
  assert.deepEqual(['n10', 'n9', 'bridge', 'host', 'n1', 'none', 'a01', 'a1'].sort(naturalCompare), ['a1', 'a01', 'bridge', 'host', 'n1', 'n9', 'n10', 'none']);
});

test('groupFilters keeps every value of a key', () => {
  assert.deepEqual(
    [...groupFilters(['type=custom', 'name=a', 'type=builtin', 'label=x=y'])],
    [
      ['type', ['custom', 'builtin']],
      ['name', ['a']],
      ['label', ['x=y']],
    ],
  );
});

test("filterMatch: the value, a part of the name, or a regular expression, as docker's filters.Match", () => {
  assert.ok(filterMatch('web', 'my-web-1'));
  assert.ok(filterMatch('^my', 'my-web-1'));
  assert.ok(!filterMatch('^web', 'my-web-1'));
  assert.ok(!filterMatch('(', 'x'));
});
