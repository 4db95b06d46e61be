import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyContainerSpec, type ContainerSpec } from '../container-spec.js';
import { sysctls, validateSysctls } from './sysctls.js';

const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({ ...emptyContainerSpec('i', 'x'), ...over });

test('validateSysctls() accepts sysctls of namespaces the container owns', () => {
  assert.doesNotThrow(() =>
    validateSysctls(spec({ sysctls: { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1000', 'fs.mqueue.msg_max': '20', 'kernel.domainname': 'x' } })),
  );
});

test('validateSysctls() refuses sysctls that would change the host', () => {
  const cases: Array<[Partial<ContainerSpec>, string]> = [
    [
      { sysctls: { 'vm.swappiness': '0' } },
      'sysctl "vm.swappiness" is not allowed in a container: the kernel does not namespace it, so it would change the host\'s value',
    ],
    [
      { sysctls: { 'kernel.pid_max': '1' } },
      'sysctl "kernel.pid_max" is not allowed in a container: the kernel does not namespace it, so it would change the host\'s value',
    ],
    [
      { network: 'host', sysctls: { 'net.ipv4.ip_forward': '1' } },
      'sysctl "net.ipv4.ip_forward" is not allowed with --network host: it would change the host\'s value',
    ],
    [{ ipcMode: 'host', sysctls: { 'kernel.sem': '1' } }, 'sysctl "kernel.sem" is not allowed with --ipc host: it would change the host\'s value'],
    [
      { utsMode: 'host', sysctls: { 'kernel.domainname': 'x' } },
      'sysctl "kernel.domainname" is not allowed with --uts host: it would change the host\'s value',
    ],
    [{ sysctls: { 'kernel.hostname': 'x' } }, 'sysctl "kernel.hostname" is not allowed: use --hostname'],
  ];
  for (const [over, message] of cases) {
    assert.throws(() => validateSysctls(spec(over)), { kind: 'InvalidArgument', message });
  }
});

test('sysctls() adds --domainname as kernel.domainname and is absent when empty', () => {
  assert.deepEqual(sysctls(spec({ domainname: 'example.org', sysctls: { 'net.core.somaxconn': '1024' } })), {
    'net.core.somaxconn': '1024',
    'kernel.domainname': 'example.org',
  });
  assert.equal(sysctls(spec()), undefined);
});
