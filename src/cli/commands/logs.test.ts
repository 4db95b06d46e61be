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

test("parseSince() reads any Go duration, as docker's time.ParseDuration", () => {
  assert.equal(parseSince('1.5h', now).toISOString(), '2026-11-29T10:30:00.000Z');
  assert.equal(parseSince('300ms', now).toISOString(), '2026-11-29T11:59:59.700Z');
  assert.equal(parseSince('1m30s', now).toISOString(), '2026-11-29T11:58:30.000Z');
  assert.equal(parseSince('-5m', now).toISOString(), '2026-11-29T12:05:00.000Z');
  assert.equal(parseSince('0', now).toISOString(), '1970-01-01T00:00:00.000Z');
});

test("parseSince() reads docker's date layouts, zoned or local", () => {
  const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s).toISOString();
  assert.equal(parseSince('2026-01-02', now).toISOString(), local(2026, 1, 2));
  assert.equal(parseSince('2026-01-02T13:23:37', now).toISOString(), local(2026, 1, 2, 13, 23, 37));
  assert.equal(parseSince('2026-01-02T13:23', now).toISOString(), local(2026, 1, 2, 13, 23));
  assert.equal(parseSince('2026-01-02T13:23:37.5+01:00', now).toISOString(), '2026-01-02T12:23:37.500Z');
  assert.equal(parseSince('1700000000.5', now).toISOString(), '2023-11-14T22:13:20.500Z');
  assert.throws(() => parseSince('2026-13-02', now), /invalid value for "since"/);
  assert.throws(() => parseSince('December 17, 1995', now), /invalid value for "since"/);
  assert.throws(() => parseSince('5x', now, 'until'), /invalid value for "until": failed to parse value as time or duration: "5x"/);
});
