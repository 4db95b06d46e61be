import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capabilitiesFromMask, DEFAULT_CAPABILITIES } from '../spec/capabilities.js';
import { capabilityView } from './caps.js';

const HOST = capabilitiesFromMask(0x1fffeffffffn); // this machine: all but CAP_SYS_RESOURCE

test("capabilityView() names docker's default set and what it dropped from the host", () => {
  const m = 0xa80425fbn;
  const v = capabilityView({ capEff: m, capPrm: m, capInh: 0n, capBnd: m, capAmb: 0n }, HOST);
  assert.deepEqual([...v.effective].sort(), [...DEFAULT_CAPABILITIES].sort());
  assert.deepEqual(v.inheritable, []);
  assert.ok(v.droppedFromHost.includes('CAP_SYS_ADMIN'));
  assert.ok(!v.droppedFromHost.includes('CAP_CHOWN'));
  assert.ok(!v.droppedFromHost.includes('CAP_SYS_RESOURCE'), 'the host never had it');
});

test('capabilityView() of --cap-drop ALL is empty everywhere and drops the whole host set', () => {
  const v = capabilityView({ capEff: 0n, capPrm: 0n, capInh: 0n, capBnd: 0n, capAmb: 0n }, HOST);
  assert.deepEqual(v.effective, []);
  assert.deepEqual(v.bounding, []);
  assert.deepEqual(v.droppedFromHost, HOST);
});
