import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanLabel, parseLsmList } from './lsm.js';

test('cleanLabel() strips the trailing NUL and newline', () => {
  assert.equal(cleanLabel('docker-default (enforce)\n'), 'docker-default (enforce)');
  assert.equal(cleanLabel('system_u:system_r:container_t:s0:c1,c2\0'), 'system_u:system_r:container_t:s0:c1,c2');
  assert.equal(cleanLabel(''), null);
  assert.equal(cleanLabel(undefined), null);
});

test('parseLsmList() lists the active security modules', () => {
  assert.deepEqual(parseLsmList('lockdown,capability,landlock,apparmor\n'), ['lockdown', 'capability', 'landlock', 'apparmor']);
  assert.deepEqual(parseLsmList(undefined), []);
});
