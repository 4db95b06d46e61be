import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoDuration } from './config-values.js';

test("parseGoDuration reads Go's units, µs (written \\u00b5 in the source) and us alike", () => {
  assert.equal(parseGoDuration('1m30s', '--interval'), 90e9);
  assert.equal(parseGoDuration('250ms', '--interval'), 250e6);
  assert.equal(parseGoDuration('5µs', '--interval'), 5e3);
  assert.equal(parseGoDuration('5us', '--interval'), 5e3);
});
