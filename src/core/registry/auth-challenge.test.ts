import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenges } from './auth-challenge.js';

test('parseChallenges() reads a bearer challenge with realm, service and scope', () => {
  assert.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
  ]);
});

test('parseChallenges() reads basic, several challenges, commas and escapes in quotes', () => {
  assert.deepEqual(parseChallenges('Basic realm="basic-realm"'), [{ scheme: 'basic', params: { realm: 'basic-realm' } }]);
  const two = parseChallenges('Basic realm="a, b", Bearer realm="https://x/t",scope="repository:a:pull,push",error="insufficient_scope"');
  assert.equal(two.length, 2);
  assert.equal(two[0]?.params['realm'], 'a, b');
  assert.equal(two[1]?.params['scope'], 'repository:a:pull,push');
  assert.equal(two[1]?.params['error'], 'insufficient_scope');
  assert.equal(parseChallenges('Bearer realm="q\\"uote"')[0]?.params['realm'], 'q"uote');
  assert.deepEqual(
    parseChallenges(['Basic realm=x', 'Bearer realm=y']).map((c) => c.scheme),
    ['basic', 'bearer'],
  );
  assert.deepEqual(parseChallenges(undefined), []);
  assert.deepEqual(parseChallenges(''), []);
});
