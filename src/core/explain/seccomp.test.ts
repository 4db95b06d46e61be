import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CAPABILITIES } from '../spec/capabilities.js';
import { defaultSeccompProfile } from '../spec/seccomp-default.js';
import { notableBlocks, seccompView } from './seccomp.js';

const X86 = { arch: 'x86_64', kernel: { major: 6, minor: 18 } };

test('seccompView() names the mode', () => {
  assert.deepEqual(seccompView({ seccomp: 2, seccompFilters: 1 }), { mode: 'filter', filters: 1 });
  assert.deepEqual(seccompView({ seccomp: 0, seccompFilters: 0 }), { mode: 'disabled', filters: 0 });
  assert.equal(seccompView({ seccomp: null, seccompFilters: 0 }).mode, 'unknown');
});

test('notableBlocks() of the default profile lists mount, unshare, namespace clone and keyctl', () => {
  const names = notableBlocks(defaultSeccompProfile(DEFAULT_CAPABILITIES, X86)).flatMap((b) => b.syscalls);
  for (const n of ['mount', 'unshare', 'clone', 'keyctl', 'bpf', 'socket', 'personality']) assert.ok(names.includes(n), n);
  assert.ok(!names.includes('chroot'), 'CAP_SYS_CHROOT is a default capability');
});

test('notableBlocks() follows capabilities: CAP_SYS_ADMIN lifts mount', () => {
  const names = notableBlocks(defaultSeccompProfile([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'], X86)).flatMap((b) => b.syscalls);
  assert.ok(!names.includes('mount'));
  assert.ok(names.includes('kexec_load'));
});

test('notableBlocks() of no profile is empty', () => {
  assert.deepEqual(notableBlocks(undefined), []);
});
