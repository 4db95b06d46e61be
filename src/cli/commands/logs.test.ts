import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSince } from './logs.js';

const now = Date.parse('2026-11-29T12:00:00Z');

test('parseSince() reads durations relative to now, as docker logs --since 10m', () => {
  assert.equal(parseSince('10m', now).toISOString(), '2026-11-29T11:50:00.000Z');
  assert.equal(parseSince('1h30m', now).toISOString(), '2026-11-29T10:30:00.000Z');
  assert.equal(parseSince('2.5s', now).toISOString(), '2026-11-29T11:59:57.500Z');
});

test('parseSince() reads unix timestamps and RFC 3339 times', () => {
  assert.equal(parseSince('1700000000', now).toISOString(), '2023-11-14T22:13:20.000Z');
  assert.equal(parseSince('2026-01-02T13:23:37Z', now).toISOString(), '2026-01-02T13:23:37.000Z');
});

test('parseSince() refuses what is neither', () => {
  assert.throws(() => parseSince('yesterday', now), /invalid value for "since"/);
});
