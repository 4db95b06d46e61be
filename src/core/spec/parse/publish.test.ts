import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePublish } from './publish.js';

test('parsePublish() maps a host port to a container port over tcp', () => {
  assert.deepEqual(parsePublish('8080:80'), [{ hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' }]);
});

test('parsePublish() reads an address and a protocol', () => {
  assert.deepEqual(parsePublish('127.0.0.1:8080:80/udp'), [{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'udp' }]);
  assert.deepEqual(parsePublish('[::1]:53:53/SCTP'), [{ hostIp: '::1', hostPort: 53, containerPort: 53, protocol: 'sctp' }]);
  assert.deepEqual(parsePublish('::1:53:53'), [{ hostIp: '::1', hostPort: 53, containerPort: 53, protocol: 'tcp' }]);
});

test('parsePublish() leaves the host port to be picked when it is absent', () => {
  assert.deepEqual(parsePublish('80'), [{ hostIp: '', hostPort: 0, containerPort: 80, protocol: 'tcp' }]);
  assert.deepEqual(parsePublish('10.0.0.1::80'), [{ hostIp: '10.0.0.1', hostPort: 0, containerPort: 80, protocol: 'tcp' }]);
  assert.deepEqual(parsePublish('0:80'), [{ hostIp: '', hostPort: 0, containerPort: 80, protocol: 'tcp' }]);
});

test('parsePublish() expands matching ranges port by port', () => {
  assert.deepEqual(parsePublish('8000-8001:80-81'), [
    { hostIp: '', hostPort: 8000, containerPort: 80, protocol: 'tcp' },
    { hostIp: '', hostPort: 8001, containerPort: 81, protocol: 'tcp' },
  ]);
  assert.equal(parsePublish('7000-7002').length, 3);
});

test('parsePublish() rejects bad specifications', () => {
  const cases: Array<[string, string]> = [
    ['80/icmp', 'invalid proto: "icmp"'],
    ['abc', 'invalid containerPort: "abc"'],
    ['8080:0', 'invalid containerPort: "0"'],
    ['8080:70000', 'invalid containerPort: "70000"'],
    ['x:80', 'invalid hostPort: "x"'],
    ['81-80', 'invalid containerPort: "81-80"'],
    ['300.1.1.1:80:80', 'invalid ip address: "300.1.1.1"'],
    ['8000-8002:80-81', 'invalid ranges specified for container and host ports: "80-81" and "8000-8002"'],
    ['8000-8010:80', 'invalid ranges specified for container and host ports: "80" and "8000-8010"'],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parsePublish(input), { kind: 'InvalidArgument', message }, input);
  }
});
