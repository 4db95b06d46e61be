import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyProbe, effectiveHealthcheck, healthcheckFromFlags, mergeHealthcheck, type HealthState } from './health.js';

const S = 1_000_000_000;
const probe = (code: number) => ({ Start: '2026-01-01T00:00:00Z', End: '2026-01-01T00:00:01Z', ExitCode: code, Output: '' });

test('--health-* flags make a healthcheck; --no-healthcheck is NONE and goes alone', () => {
  assert.equal(healthcheckFromFlags({}), undefined);
  assert.deepEqual(healthcheckFromFlags({ cmd: 'curl -f http://x/', interval: 2 * S, retries: 5 }), {
    Test: ['CMD-SHELL', 'curl -f http://x/'],
    Interval: 2 * S,
    Retries: 5,
  });
  assert.deepEqual(healthcheckFromFlags({ none: true }), { Test: ['NONE'] });
  assert.throws(() => healthcheckFromFlags({ none: true, retries: 1 }), /--no-healthcheck conflicts with --health-\* options/);
  assert.throws(() => healthcheckFromFlags({ interval: 500 }), /--health-interval cannot be less than 1ms/);
  assert.throws(() => healthcheckFromFlags({ retries: -1 }), /--health-retries cannot be negative/);
});

test("the container's settings replace the image's one by one; NONE and an empty test mean none", () => {
  const image = { Test: ['CMD', 'true'], Interval: 5 * S, Timeout: 3 * S, Retries: 2 };
  assert.deepEqual(mergeHealthcheck({ Retries: 7 }, image), { Test: ['CMD', 'true'], Interval: 5 * S, Timeout: 3 * S, Retries: 7 });
  assert.deepEqual(mergeHealthcheck({ Test: ['NONE'] }, image), { Test: ['NONE'] });
  assert.equal(mergeHealthcheck(undefined, image), undefined);
  const rec = (own: object | undefined, img: object | undefined) => ({ spec: { healthcheck: own } as never, image: { config: { Healthcheck: img } } as never });
  assert.deepEqual(effectiveHealthcheck(rec(undefined, image))?.Test, ['CMD', 'true']);
  assert.equal(effectiveHealthcheck(rec({ Test: ['NONE'] }, image)), undefined);
  assert.equal(effectiveHealthcheck(rec(undefined, { Test: [] })), undefined);
});

test("probes fold into docker's states: retries failures make unhealthy, a success heals, the start period forgives", () => {
  const hc = { Retries: 2 };
  let s: HealthState = { Status: 'starting', FailingStreak: 0, Log: [] };
  s = applyProbe(s, probe(1), hc, true);
  assert.deepEqual([s.Status, s.FailingStreak], ['starting', 0]);
  s = applyProbe(s, probe(1), hc, false);
  assert.deepEqual([s.Status, s.FailingStreak], ['starting', 1]);
  s = applyProbe(s, probe(1), hc, false);
  assert.deepEqual([s.Status, s.FailingStreak], ['unhealthy', 2]);
  s = applyProbe(s, probe(0), hc, false);
  assert.deepEqual([s.Status, s.FailingStreak], ['healthy', 0]);
  s = applyProbe(s, probe(1), hc, true); // after a success the start period no longer applies
  assert.deepEqual([s.Status, s.FailingStreak], ['healthy', 1]);
  for (let i = 0; i < 10; i++) s = applyProbe(s, probe(0), hc, false);
  assert.equal(s.Log.length, 5);
});
