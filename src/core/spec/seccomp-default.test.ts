import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CAPABILITIES } from './capabilities.js';
import { CLONE_NAMESPACE_FLAGS, NOTABLE_BLOCKED, defaultSeccompProfile } from './seccomp-default.js';
import { seccompVerdict } from './seccomp-verdict.js';

const MODERN = { arch: 'x86_64', kernel: { major: 6, minor: 1 } };
const profile = defaultSeccompProfile(DEFAULT_CAPABILITIES, MODERN);
const allowed = (p: typeof profile, name: string, args: bigint[] = []): boolean => seccompVerdict(p, name, args).action === 'SCMP_ACT_ALLOW';

const REQUIRED_BLOCKED = [
  'keyctl',
  'add_key',
  'request_key',
  'mount',
  'umount2',
  'reboot',
  'kexec_load',
  'kexec_file_load',
  'open_by_handle_at',
  'init_module',
  'finit_module',
  'delete_module',
  'bpf',
  'perf_event_open',
  'unshare',
  'setns',
  'swapon',
  'swapoff',
  'acct',
  'settimeofday',
  'clock_settime',
  'pivot_root',
  'iopl',
  'ioperm',
  'userfaultfd',
  'name_to_handle_at',
  'quotactl',
  'syslog',
  'lookup_dcookie',
  'nfsservctl',
  'umount',
  'vhangup',
  'uselib',
  '_sysctl',
  'move_mount',
  'fsopen',
  'fsmount',
  'fspick',
  'open_tree',
  'io_uring_setup',
];

test('the default profile refuses everything unlisted with EPERM on x86 and its companions', () => {
  assert.equal(profile.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(profile.defaultErrnoRet, 1);
  assert.deepEqual(profile.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
  assert.deepEqual(seccompVerdict(profile, 'made_up_call'), { action: 'SCMP_ACT_ERRNO', errnoRet: 1 });
});

test('the default profile blocks every call that reaches un-namespaced kernel state', () => {
  for (const name of REQUIRED_BLOCKED) {
    assert.deepEqual(seccompVerdict(profile, name), { action: 'SCMP_ACT_ERRNO', errnoRet: 1 }, name);
  }
});

test('the default profile allows what ordinary programs need', () => {
  for (const name of [
    'read',
    'write',
    'openat',
    'close',
    'execve',
    'mmap',
    'futex',
    'exit_group',
    'epoll_wait',
    'getdents64',
    'rt_sigaction',
    'setuid',
    'chown',
    'statx',
    'prctl',
    'wait4',
    'chroot',
    'arch_prctl',
    'pipe',
    'pipe2',
    'getrandom',
    'poll',
    'ppoll',
    'select',
    'pselect6',
    'socketpair',
    'eventfd2',
    'memfd_create',
    'ioctl',
    'sched_yield',
    'nanosleep',
    'clock_nanosleep',
    'rseq',
    'membarrier',
    'prlimit64',
    'uname',
    'sysinfo',
  ]) {
    assert.ok(allowed(profile, name), name);
  }
  assert.ok(allowed(profile, 'socket', [2n, 1n, 0n]), 'AF_INET sockets');
  assert.ok(allowed(profile, 'personality', [0xffffffffn]), 'querying the personality');
});

test('the default profile allows clone for threads and fork but not with namespace flags', () => {
  const threadFlags = 0x3d0f00n; // what glibc's pthread_create passes
  assert.ok(allowed(profile, 'clone', [threadFlags]));
  assert.ok(allowed(profile, 'clone', [0x11n])); // fork: SIGCHLD
  for (const flag of [0x10000000n, 0x00020000n, 0x20000000n, 0x40000000n, 0x08000000n, 0x04000000n, 0x02000000n]) {
    assert.ok(!allowed(profile, 'clone', [threadFlags | flag]), `clone flag 0x${flag.toString(16)}`);
  }
  assert.equal(BigInt(CLONE_NAMESPACE_FLAGS), 0x7e020000n);
});

test('the default profile makes clone3 fail with ENOSYS so libc falls back to clone', () => {
  assert.deepEqual(seccompVerdict(profile, 'clone3'), { action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
});

test('the default profile refuses vsock sockets and unusual personalities', () => {
  assert.ok(!allowed(profile, 'socket', [40n, 1n, 0n]));
  assert.ok(!allowed(profile, 'personality', [0x0040000n]), 'ADDR_NO_RANDOMIZE');
});

test('the default profile allows ptrace from kernel 4.8 on, as docker does, and not before or when unknown', () => {
  assert.ok(allowed(profile, 'ptrace'));
  assert.ok(allowed(profile, 'process_vm_readv'));
  const old = defaultSeccompProfile(DEFAULT_CAPABILITIES, { arch: 'x86_64', kernel: { major: 4, minor: 4 } });
  assert.ok(!allowed(old, 'ptrace'));
  assert.ok(!allowed(defaultSeccompProfile(DEFAULT_CAPABILITIES, { arch: 'x86_64' }), 'ptrace'));
  assert.ok(!allowed(profile, 'kcmp'));
});

test('adding CAP_SYS_ADMIN allows mount, namespaces and clone3', () => {
  const p = defaultSeccompProfile([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'], MODERN);
  for (const name of ['mount', 'umount2', 'unshare', 'setns', 'clone3', 'fsopen', 'move_mount', 'sethostname']) {
    assert.ok(allowed(p, name), name);
  }
  assert.ok(allowed(p, 'clone', [0x10000000n]));
});

test('each guarded capability allows the calls it guards', () => {
  const cases: Array<[string, string[]]> = [
    ['CAP_SYS_PTRACE', ['kcmp', 'pidfd_getfd', 'process_madvise']],
    ['CAP_SYS_MODULE', ['init_module', 'finit_module', 'delete_module']],
    ['CAP_SYS_BOOT', ['reboot']],
    ['CAP_SYS_TIME', ['settimeofday', 'clock_settime']],
    ['CAP_SYS_PACCT', ['acct']],
    ['CAP_SYS_RAWIO', ['iopl', 'ioperm']],
    ['CAP_SYS_NICE', ['mbind', 'set_mempolicy']],
    ['CAP_SYSLOG', ['syslog']],
    ['CAP_BPF', ['bpf']],
    ['CAP_PERFMON', ['perf_event_open']],
    ['CAP_DAC_READ_SEARCH', ['open_by_handle_at', 'name_to_handle_at']],
    ['CAP_SYS_TTY_CONFIG', ['vhangup']],
  ];
  for (const [cap, names] of cases) {
    const p = defaultSeccompProfile([...DEFAULT_CAPABILITIES, cap], MODERN);
    for (const name of names) {
      assert.ok(!allowed(profile, name), `${name} without ${cap}`);
      assert.ok(allowed(p, name), `${name} with ${cap}`);
    }
  }
});

test('dropping CAP_SYS_CHROOT also removes chroot', () => {
  const p = defaultSeccompProfile(
    DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_SYS_CHROOT'),
    MODERN,
  );
  assert.ok(!allowed(p, 'chroot'));
});

test('the aarch64 profile lists arm and allows arm calls but not x86 ones', () => {
  const p = defaultSeccompProfile(DEFAULT_CAPABILITIES, { arch: 'aarch64', kernel: { major: 6, minor: 1 } });
  assert.deepEqual(p.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  assert.ok(allowed(p, 'set_tls'));
  assert.ok(!allowed(p, 'arch_prctl'));
  assert.ok(!allowed(profile, 'set_tls'));
});

test('the generated profile holds only runtime-spec fields', () => {
  for (const rule of profile.syscalls ?? []) {
    assert.deepEqual(
      Object.keys(rule).filter((k) => !['names', 'action', 'errnoRet', 'args'].includes(k)),
      [],
    );
  }
});

test('every notable blocked call is blocked by default and allowed again by its capability', () => {
  const conditional = new Set(['clone', 'socket', 'personality', 'chroot']);
  for (const entry of NOTABLE_BLOCKED) {
    for (const name of entry.names) {
      if (conditional.has(name)) continue;
      assert.ok(!allowed(profile, name), name);
      if (entry.allowedWith) {
        const p = defaultSeccompProfile([...DEFAULT_CAPABILITIES, entry.allowedWith], MODERN);
        assert.ok(allowed(p, name), `${name} with ${entry.allowedWith}`);
      }
    }
  }
});
