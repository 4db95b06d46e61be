import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomHex, randomInt } from './random.js';

test('randomBytes/randomHex give the length asked for, and differ from call to call', () => {
  assert.equal(randomBytes(32).length, 32);
  assert.match(randomHex(32), /^[0-9a-f]{64}$/);
  const seen = new Set(Array.from({ length: 100 }, () => randomHex(8)));
  assert.equal(seen.size, 100);
});

test('randomInt stays in [0, max) and reaches every value', () => {
  const counts = new Array<number>(7).fill(0);
  for (let i = 0; i < 2000; i++) {
    const v = randomInt(7);
    assert.ok(Number.isInteger(v) && v >= 0 && v < 7, String(v));
    counts[v] = (counts[v] ?? 0) + 1;
  }
  for (const c of counts) assert.ok(c > 150, `every value comes up: ${counts.join(' ')}`);
  assert.equal(randomInt(1), 0);
  assert.throws(() => randomInt(0), RangeError);
});
