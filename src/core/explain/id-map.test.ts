import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIdentityMap, parseIdMap } from './id-map.js';

test("parseIdMap() reads the host's identity map", () => {
  const m = parseIdMap('         0          0 4294967295\n');
  assert.deepEqual(m, [{ inside: 0, outside: 0, count: 4294967295 }]);
  assert.ok(isIdentityMap(m));
});

test("parseIdMap() reads a user namespace's ranges", () => {
  const m = parseIdMap('         0     100000      65536\n     65536       1000          1\n');
  assert.deepEqual(m, [
    { inside: 0, outside: 100000, count: 65536 },
    { inside: 65536, outside: 1000, count: 1 },
  ]);
  assert.ok(!isIdentityMap(m));
});
