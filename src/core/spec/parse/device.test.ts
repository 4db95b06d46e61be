import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDevice } from './device.js';

test('parseDevice() maps a device to the same path with rwm by default', () => {
  assert.deepEqual(parseDevice('/dev/fuse'), { hostPath: '/dev/fuse', containerPath: '/dev/fuse', permissions: 'rwm' });
});

test('parseDevice() reads a second field as permissions when it looks like them', () => {
  assert.deepEqual(parseDevice('/dev/fuse:rw'), { hostPath: '/dev/fuse', containerPath: '/dev/fuse', permissions: 'rw' });
  assert.deepEqual(parseDevice('/dev/sda:/dev/xvda'), { hostPath: '/dev/sda', containerPath: '/dev/xvda', permissions: 'rwm' });
});

test('parseDevice() reads host, container and permissions', () => {
  assert.deepEqual(parseDevice('/dev/sda:/dev/xvda:r'), { hostPath: '/dev/sda', containerPath: '/dev/xvda', permissions: 'r' });
});

test('parseDevice() rejects bad specifications', () => {
  const cases: Array<[string, string]> = [
    ['/a:/b:rw:x', 'invalid device specification: "/a:/b:rw:x"'],
    ['/a:/b:rwx', 'invalid device mode "rwx" in "/a:/b:rwx"'],
    ['/a:/b:rr', 'invalid device mode "rr" in "/a:/b:rr"'],
    ['dev/fuse', 'invalid device specification: "dev/fuse": host path must be absolute'],
    ['/dev/fuse:fuse', 'invalid device specification: "/dev/fuse:fuse": "fuse" is not an absolute path'],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseDevice(input), { kind: 'InvalidArgument', message }, input);
  }
});

test("--device-cgroup-rule: docker's TYPE MAJOR:MINOR ACCESS, * for any number", async () => {
  const { parseDeviceCgroupRule } = await import('./device.js');
  assert.deepEqual(parseDeviceCgroupRule('c 1:3 rwm'), { type: 'c', major: 1, minor: 3, access: 'rwm' });
  assert.deepEqual(parseDeviceCgroupRule('b 8:* r'), { type: 'b', major: 8, minor: null, access: 'r' });
  assert.deepEqual(parseDeviceCgroupRule('a *:* m'), { type: 'a', major: null, minor: null, access: 'm' });
  for (const bad of ['x 1:3 rwm', 'c 1 rwm', 'c 1:3 rwx', 'c 1:3']) assert.throws(() => parseDeviceCgroupRule(bad), /invalid device cgroup format/);
});
