import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RETRY, isRetryableError, isRetryableStatus, parseRetryAfter, retryDelay } from './retry.js';

test('429 and 5xx are retried, other statuses are not', () => {
  for (const s of [429, 500, 502, 503, 504]) assert.ok(isRetryableStatus(s), String(s));
  for (const s of [200, 400, 401, 403, 404, 501]) assert.ok(!isRetryableStatus(s), String(s));
});

test('broken connections are retried; refused connections and unknown hosts are not', () => {
  assert.ok(isRetryableError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })));
  assert.ok(isRetryableError(new Error('socket hang up')));
  assert.ok(!isRetryableError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })));
  assert.ok(!isRetryableError(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })));
});

test('retryDelay() grows exponentially with jitter, is capped, and stops after the attempts', () => {
  const p = { attempts: 4, baseMs: 100, capMs: 300 };
  assert.equal(
    retryDelay(p, 1, undefined, () => 0),
    50,
  );
  assert.equal(
    retryDelay(p, 1, undefined, () => 1),
    100,
  );
  assert.equal(
    retryDelay(p, 2, undefined, () => 1),
    200,
  );
  assert.equal(
    retryDelay(p, 3, undefined, () => 1),
    300,
  );
  assert.equal(retryDelay(p, 4), undefined);
  assert.equal(retryDelay(p, 1, 5000), 300, 'Retry-After is capped too');
  assert.equal(retryDelay(p, 1, 20), 20);
  assert.ok(DEFAULT_RETRY.attempts > 1 && DEFAULT_RETRY.attempts <= 5, 'bounded');
});

test('parseRetryAfter() reads seconds and HTTP dates', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(undefined), undefined);
});
