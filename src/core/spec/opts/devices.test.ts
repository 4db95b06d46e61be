import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyContainerSpec, type ContainerSpec } from '../container-spec.js';
import { fakeHost } from '../fake-host.js';
import { DEFAULT_DEVICE_RULES, devices } from './devices.js';

const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({ ...emptyContainerSpec('i', 'x'), ...over });

test('devices() denies all devices but the standard ones by default', () => {
  const { devices: list, rules } = devices(spec(), fakeHost());
  assert.deepEqual(list, []);
  assert.deepEqual(rules[0], { allow: false, access: 'rwm' });
  const allowed = rules.filter((r) => r.allow && r.access === 'rwm').map((r) => `${r.type} ${r.major}:${r.minor ?? '*'}`);
  assert.deepEqual(allowed, ['c 1:3', 'c 1:5', 'c 1:7', 'c 1:8', 'c 1:9', 'c 5:0', 'c 5:1', 'c 5:2', 'c 136:*', 'c 10:200']);
  assert.deepEqual(
    rules.filter((r) => r.access === 'm'),
    [
      { allow: true, type: 'c', access: 'm' },
      { allow: true, type: 'b', access: 'm' },
    ],
  );
});

test('devices() adds a --device node with its numbers and the asked permissions', () => {
  const { devices: list, rules } = devices(spec({ devices: [{ hostPath: '/dev/sda', containerPath: '/dev/xvda', permissions: 'r' }] }), fakeHost());
  assert.deepEqual(list, [{ path: '/dev/xvda', type: 'b', major: 8, minor: 0, fileMode: 0o660, uid: 0, gid: 6 }]);
  assert.deepEqual(rules.at(-1), { allow: true, type: 'b', major: 8, minor: 0, access: 'r' });
  assert.equal(rules.length, DEFAULT_DEVICE_RULES.length + 1);
});

test('devices() refuses a --device that is missing or not a device', () => {
  assert.throws(() => devices(spec({ devices: [{ hostPath: '/dev/nope', containerPath: '/dev/nope', permissions: 'rwm' }] }), fakeHost()), {
    kind: 'InvalidArgument',
    message: 'error gathering device information while adding custom device "/dev/nope": not a device node or does not exist',
  });
});

test('devices() gives a privileged container every host device and no restriction', () => {
  const { devices: list, rules } = devices(spec({ privileged: true }), fakeHost());
  assert.deepEqual(
    list.map((d) => d.path),
    ['/dev/fuse', '/dev/sda', '/dev/null'],
  );
  assert.deepEqual(rules, [{ allow: true, access: 'rwm' }]);
});
