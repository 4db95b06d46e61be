import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES, applyCapChanges, capabilitiesFromMask, capabilityMask, normalizeCapability } from './capabilities.js';

test("the default capabilities are docker's 14, whose mask is docker's CapEff", () => {
  assert.equal(DEFAULT_CAPABILITIES.length, 14);
  assert.equal(capabilityMask(DEFAULT_CAPABILITIES).toString(16).padStart(16, '0'), '00000000a80425fb');
});

test('the full capability list covers bits 0 to 40', () => {
  assert.equal(ALL_CAPABILITIES.length, 41);
  assert.equal(capabilityMask(ALL_CAPABILITIES), (1n << 41n) - 1n);
  assert.deepEqual(capabilitiesFromMask(0x1fffeffffffn).includes('CAP_SYS_RESOURCE'), false);
  assert.equal(capabilitiesFromMask(0x1fffeffffffn).length, 40);
});

test('normalizeCapability() accepts any case with or without the CAP_ prefix', () => {
  assert.equal(normalizeCapability('sys_admin'), 'CAP_SYS_ADMIN');
  assert.equal(normalizeCapability('CAP_net_raw'), 'CAP_NET_RAW');
  assert.equal(normalizeCapability('all'), 'ALL');
});

test('applyCapChanges() returns the defaults when nothing changes', () => {
  assert.deepEqual(applyCapChanges(DEFAULT_CAPABILITIES, [], []), [...DEFAULT_CAPABILITIES]);
});

test('applyCapChanges() drops then adds', () => {
  const caps = applyCapChanges(DEFAULT_CAPABILITIES, ['sys_admin', 'CAP_SYS_ADMIN'], ['net_raw', 'MKNOD']);
  assert.ok(caps.includes('CAP_SYS_ADMIN'));
  assert.ok(!caps.includes('CAP_NET_RAW'));
  assert.ok(!caps.includes('CAP_MKNOD'));
  assert.equal(caps.length, 13);
});

test('applyCapChanges() with --cap-drop ALL keeps only what is added', () => {
  assert.deepEqual(applyCapChanges(DEFAULT_CAPABILITIES, ['chown'], ['all']), ['CAP_CHOWN']);
  assert.deepEqual(applyCapChanges(DEFAULT_CAPABILITIES, [], ['ALL']), []);
});

test('applyCapChanges() with --cap-add ALL gives everything but what is dropped, within the given set', () => {
  const caps = applyCapChanges(DEFAULT_CAPABILITIES, ['ALL'], ['sys_module']);
  assert.equal(caps.length, 40);
  assert.ok(!caps.includes('CAP_SYS_MODULE'));
  const bounded = applyCapChanges(DEFAULT_CAPABILITIES, ['ALL'], [], ['CAP_CHOWN', 'CAP_KILL']);
  assert.deepEqual(bounded, ['CAP_CHOWN', 'CAP_KILL']);
});

test('applyCapChanges() rejects an unknown capability naming it in full', () => {
  assert.throws(() => applyCapChanges(DEFAULT_CAPABILITIES, ['foo'], []), {
    kind: 'InvalidArgument',
    message: 'unknown capability: "CAP_FOO"',
  });
  assert.throws(() => applyCapChanges(DEFAULT_CAPABILITIES, [], ['CAP_BAR']), { message: 'unknown capability: "CAP_BAR"' });
});
