import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyContainerSpec, type ContainerSpec } from './container-spec.js';
import { validateContainerSpec } from './validate.js';

const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({ ...emptyContainerSpec('i', 'x'), ...over });
const MB = 1024 * 1024;

test('validateContainerSpec() accepts the empty spec and a busy valid one', () => {
  assert.doesNotThrow(() => validateContainerSpec(spec()));
  assert.doesNotThrow(() =>
    validateContainerSpec(
      spec({
        autoRemove: true,
        resources: { memory: 64 * MB, memorySwap: -1, memoryReservation: 32 * MB, nanoCpus: 1e9, cpusetCpus: '0-1,3', pidsLimit: -1 },
        pidMode: 'container:db',
        ipcMode: 'shareable',
        utsMode: 'private',
        stopSignal: 'SIGQUIT',
        shmSize: 1024,
        ulimits: [{ name: 'nofile', soft: 1, hard: 2 }],
        mounts: [{ type: 'tmpfs', source: '', target: '/a', readOnly: false, options: [] }],
      }),
    ),
  );
  // a pod member joins its infra's uts namespace (never a plain container)
  assert.doesNotThrow(() => validateContainerSpec(spec({ pod: 'p', utsMode: 'container:infra', ipcMode: 'container:infra', network: 'container:infra' })));
});

test('validateContainerSpec() rejects each conflicting or out-of-range setting', () => {
  const cases: Array<[Partial<ContainerSpec>, string]> = [
    [{ autoRemove: true, restartPolicy: { name: 'always', maximumRetryCount: 0 } }, 'conflicting options: cannot specify both --restart and --rm'],
    [{ restartPolicy: { name: 'always', maximumRetryCount: 3 } }, 'maximum retry count cannot be used with restart policy "always"'],
    [{ pidMode: 'shared' }, 'invalid --pid: "shared"'],
    [{ ipcMode: 'container:' }, 'invalid --ipc: "container:"'],
    [{ utsMode: 'container:x' }, 'invalid --uts: "container:x"'],
    [{ utsMode: 'host', hostname: 'x' }, 'conflicting options: hostname and the UTS mode'],
    [{ resources: { memory: 1024 } }, 'minimum memory limit allowed is 6MB'],
    [{ resources: { memorySwap: 100 * MB } }, 'you should always set the memory limit when using the memory-swap limit'],
    [{ resources: { memory: 100 * MB, memorySwap: 50 * MB } }, 'minimum memory-swap limit should be larger than the memory limit'],
    [{ resources: { memory: 50 * MB, memoryReservation: 100 * MB } }, 'minimum memory limit can not be less than the memory reservation limit'],
    [{ resources: { nanoCpus: 1e9, cpuPeriod: 100000 } }, 'conflicting options: nano cpus and cpu period cannot both be set'],
    [{ resources: { nanoCpus: 1e9, cpuQuota: 50000 } }, 'conflicting options: nano cpus and cpu quota cannot both be set'],
    [{ resources: { cpuQuota: 10 } }, 'cpu cfs quota can not be less than 1ms (i.e. 1000)'],
    [{ resources: { cpuPeriod: 10 } }, 'cpu cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)'],
    [{ resources: { cpuShares: -2 } }, 'invalid cpu shares: must not be negative'],
    [{ resources: { cpusetCpus: '0-a' } }, 'invalid value "0-a" for cpuset cpus'],
    [{ shmSize: 0 }, 'invalid --shm-size: must be greater than 0'],
    [{ ulimits: [{ name: 'files', soft: 1, hard: 1 }] }, 'invalid ulimit type: "files"'],
    [{ devices: [{ hostPath: '/dev/fuse', containerPath: 'fuse', permissions: 'rwm' }] }, 'invalid device path "fuse": must be absolute'],
    [{ mounts: [{ type: 'tmpfs', source: '', target: 'a', readOnly: false, options: [] }] }, 'invalid mount path "a": mount path must be absolute'],
    [
      {
        mounts: [
          { type: 'tmpfs', source: '', target: '/a', readOnly: false, options: [] },
          { type: 'bind', source: '/x', target: '/a', readOnly: false, options: [] },
        ],
      },
      'duplicate mount point: "/a"',
    ],
    [{ stopSignal: 'SIGNOPE' }, 'invalid signal: "SIGNOPE"'],
    [{ stopTimeout: -5 }, 'invalid --stop-timeout: must be -1 or more'],
    [
      { sysctls: { 'vm.overcommit_memory': '1' } },
      'sysctl "vm.overcommit_memory" is not allowed in a container: the kernel does not namespace it, so it would change the host\'s value',
    ],
  ];
  for (const [over, message] of cases) {
    assert.throws(() => validateContainerSpec(spec(over)), { kind: 'InvalidArgument', message }, message);
  }
});
