import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boolParam, compareVersions, frame, splitVersion } from './http.js';

test("versioned paths: /v1.24 to /v1.41 and unversioned are served; higher and lower are refused in docker's words", () => {
  assert.deepEqual(splitVersion('/v1.41/containers/json'), { version: '1.41', path: '/containers/json' });
  assert.deepEqual(splitVersion('/v1.24/_ping'), { version: '1.24', path: '/_ping' });
  assert.deepEqual(splitVersion('/containers/json'), { version: '1.41', path: '/containers/json' });
  assert.throws(
    () => splitVersion('/v1.43/version'),
    (e: Error) => e.message === 'client version 1.43 is too new. Maximum supported API version is 1.41',
  );
  assert.throws(() => splitVersion('/v1.12/version'), /client version 1.12 is too old. Minimum supported API version is 1.24/);
  assert.equal(compareVersions('1.9', '1.10'), -1);
});

test('boolean query values: 1/true/True/0/false, anything else is a 400', () => {
  const q = new URLSearchParams('a=1&b=True&c=0&d=false&e=yes');
  assert.equal(boolParam(q, 'a'), true);
  assert.equal(boolParam(q, 'b'), true);
  assert.equal(boolParam(q, 'c'), false);
  assert.equal(boolParam(q, 'd'), false);
  assert.equal(boolParam(q, 'missing', true), true);
  assert.throws(() => boolParam(q, 'e'), /invalid value for e/);
});

test('stream frames: stream id, three zero bytes, big-endian length, payload', () => {
  const f = frame(2, Buffer.from('hi'));
  assert.deepEqual([...f], [2, 0, 0, 0, 0, 0, 0, 2, 0x68, 0x69]);
});
