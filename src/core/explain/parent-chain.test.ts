import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parentChain, type ProcInfo } from './parent-chain.js';

const TABLE: Record<number, ProcInfo> = {
  1: { ppid: 0, name: 'systemd', cmdline: '/sbin/init', exe: '/usr/lib/systemd/systemd' },
  900: { ppid: 1, name: 'conmon', cmdline: '/usr/bin/conmon --api-version 1 -c abc', exe: '/usr/bin/conmon' },
  901: { ppid: 900, name: 'sh', cmdline: 'sh -c sleep 1000', exe: '/bin/busybox' },
  902: { ppid: 901, name: 'sleep', cmdline: 'sleep 1000', exe: '/bin/busybox' },
  50: { ppid: 1, name: 'bash', cmdline: 'bash', exe: '/bin/bash' },
  51: { ppid: 50, name: 'node', cmdline: 'node test.js', exe: '/usr/bin/node' },
};
const lookup = (pid: number) => TABLE[pid] ?? null;

test('parentChain() of a container process stops at conmon', () => {
  assert.deepEqual(
    parentChain(902, lookup).map((l) => [l.pid, l.role]),
    [
      [901, 'other'],
      [900, 'conmon'],
    ],
  );
});

test('parentChain() of a host process runs up to init', () => {
  assert.deepEqual(
    parentChain(51, lookup).map((l) => [l.pid, l.name, l.role]),
    [
      [50, 'bash', 'other'],
      [1, 'systemd', 'init'],
    ],
  );
});

test('parentChain() of a process whose parent is gone is short', () => {
  assert.deepEqual(
    parentChain(7, (p) => (p === 7 ? { ppid: 6, name: 'x', cmdline: 'x', exe: null } : null)),
    [],
  );
});
