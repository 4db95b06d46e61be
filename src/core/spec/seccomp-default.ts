import type { SpecSeccomp } from '../oci/types.js';
import { dockerProfileToSpec, type DockerSeccompProfile, type DockerSeccompRule, type SeccompTarget } from './seccomp-docker.js';

export { dockerProfileToSpec } from './seccomp-docker.js';

/*
 * berth's default seccomp profile: an allow list. Everything not named below fails with EPERM.
 * Grouped by what programs use the calls for, so a reviewer can check each group's reason.
 * The choices follow the same threat model as Docker's default profile (calls that reach
 * un-namespaced kernel state, or large attack surface with no use inside a container, are
 * refused unless a capability that already grants that power was added), but the list is ours.
 */

const FILES = [
  'read',
  'write',
  'readv',
  'writev',
  'pread64',
  'pwrite64',
  'preadv',
  'pwritev',
  'preadv2',
  'pwritev2',
  'open',
  'openat',
  'openat2',
  'creat',
  'close',
  'close_range',
  'lseek',
  '_llseek',
  'dup',
  'dup2',
  'dup3',
  'fcntl',
  'fcntl64',
  'flock',
  'pipe',
  'pipe2',
  'fsync',
  'fdatasync',
  'syncfs',
  'sync',
  'sync_file_range',
  'readahead',
  'fadvise64',
  'fadvise64_64',
  'fallocate',
  'truncate',
  'truncate64',
  'ftruncate',
  'ftruncate64',
  'stat',
  'stat64',
  'lstat',
  'lstat64',
  'fstat',
  'fstat64',
  'fstatat64',
  'newfstatat',
  'statx',
  'statfs',
  'statfs64',
  'fstatfs',
  'fstatfs64',
  'access',
  'faccessat',
  'faccessat2',
  'getcwd',
  'chdir',
  'fchdir',
  'mkdir',
  'mkdirat',
  'rmdir',
  'rename',
  'renameat',
  'renameat2',
  'link',
  'linkat',
  'unlink',
  'unlinkat',
  'symlink',
  'symlinkat',
  'readlink',
  'readlinkat',
  'chmod',
  'fchmod',
  'fchmodat',
  'fchmodat2',
  'chown',
  'chown32',
  'fchown',
  'fchown32',
  'lchown',
  'lchown32',
  'fchownat',
  'umask',
  'utime',
  'utimes',
  'utimensat',
  'utimensat_time64',
  'futimesat',
  'getdents',
  'getdents64',
  // device nodes made here are still gated by the devices cgroup
  'mknod',
  'mknodat',
  'copy_file_range',
  'sendfile',
  'sendfile64',
  'splice',
  'tee',
  'vmsplice',
  'getxattr',
  'lgetxattr',
  'fgetxattr',
  'setxattr',
  'lsetxattr',
  'fsetxattr',
  'listxattr',
  'llistxattr',
  'flistxattr',
  'removexattr',
  'lremovexattr',
  'fremovexattr',
  'getxattrat',
  'setxattrat',
  'listxattrat',
  'removexattrat',
  'inotify_init',
  'inotify_init1',
  'inotify_add_watch',
  'inotify_rm_watch',
  // harmless without an fd from fanotify_init, which needs CAP_SYS_ADMIN
  'fanotify_mark',
];

const MEMORY = [
  // every libc seeds its allocator and hash tables from it
  'getrandom',
  'brk',
  'mmap',
  'mmap2',
  'munmap',
  'mremap',
  'mprotect',
  'madvise',
  'mincore',
  'msync',
  // bounded by RLIMIT_MEMLOCK
  'mlock',
  'mlock2',
  'munlock',
  'mlockall',
  'munlockall',
  'remap_file_pages',
  'membarrier',
  'memfd_create',
  'memfd_secret',
  'pkey_alloc',
  'pkey_free',
  'pkey_mprotect',
  'map_shadow_stack',
  'mseal',
  'cachestat',
  'process_mrelease',
];

const PROCESSES = [
  'fork',
  'vfork',
  'execve',
  'execveat',
  'exit',
  'exit_group',
  'wait4',
  'waitid',
  'waitpid',
  'getpid',
  'getppid',
  'gettid',
  'getpgid',
  'setpgid',
  'getpgrp',
  'getsid',
  'setsid',
  'set_tid_address',
  'set_robust_list',
  'get_robust_list',
  'rseq',
  'futex',
  'futex_time64',
  'futex_waitv',
  'futex_wake',
  'futex_wait',
  'futex_requeue',
  'set_thread_area',
  'get_thread_area',
  'prctl',
  'capget',
  'capset',
  // a process may only add filters to itself, never remove ours
  'seccomp',
  'sched_yield',
  'sched_getaffinity',
  'sched_setaffinity',
  'sched_getparam',
  'sched_setparam',
  'sched_getscheduler',
  'sched_setscheduler',
  'sched_get_priority_max',
  'sched_get_priority_min',
  'sched_rr_get_interval',
  'sched_rr_get_interval_time64',
  'sched_getattr',
  'sched_setattr',
  'getpriority',
  'setpriority',
  'ioprio_get',
  'ioprio_set',
  'getcpu',
  'pidfd_open',
  'pidfd_send_signal',
  'getrusage',
  'times',
  'getrlimit',
  'setrlimit',
  'ugetrlimit',
  'prlimit64',
  'uname',
  'sysinfo',
  'restart_syscall',
  // a process sandboxing itself further
  'landlock_create_ruleset',
  'landlock_add_rule',
  'landlock_restrict_self',
];

const CREDENTIALS = [
  'getuid',
  'getuid32',
  'geteuid',
  'geteuid32',
  'getgid',
  'getgid32',
  'getegid',
  'getegid32',
  'getresuid',
  'getresuid32',
  'getresgid',
  'getresgid32',
  'getgroups',
  'getgroups32',
  'setuid',
  'setuid32',
  'setgid',
  'setgid32',
  'setreuid',
  'setreuid32',
  'setregid',
  'setregid32',
  'setresuid',
  'setresuid32',
  'setresgid',
  'setresgid32',
  'setfsuid',
  'setfsuid32',
  'setfsgid',
  'setfsgid32',
  'setgroups',
  'setgroups32',
];

const SIGNALS = [
  'kill',
  'tkill',
  'tgkill',
  'rt_sigaction',
  'rt_sigprocmask',
  'rt_sigreturn',
  'rt_sigpending',
  'rt_sigsuspend',
  'rt_sigtimedwait',
  'rt_sigtimedwait_time64',
  'rt_sigqueueinfo',
  'rt_tgsigqueueinfo',
  'sigaltstack',
  'sigreturn',
  'sigprocmask',
  'signalfd',
  'signalfd4',
  'pause',
  'alarm',
];

const TIME = [
  'time',
  'gettimeofday',
  'clock_gettime',
  'clock_gettime64',
  'clock_getres',
  'clock_getres_time64',
  'clock_nanosleep',
  'clock_nanosleep_time64',
  'nanosleep',
  'getitimer',
  'setitimer',
  'timer_create',
  'timer_delete',
  'timer_gettime',
  'timer_gettime64',
  'timer_settime',
  'timer_settime64',
  'timer_getoverrun',
  'timerfd_create',
  'timerfd_gettime',
  'timerfd_gettime64',
  'timerfd_settime',
  'timerfd_settime64',
  // reading the clock's state; changing it still needs CAP_SYS_TIME in the kernel
  'adjtimex',
  'clock_adjtime',
  'clock_adjtime64',
];

const EVENTS = [
  'select',
  '_newselect',
  'pselect6',
  'pselect6_time64',
  'poll',
  'ppoll',
  'ppoll_time64',
  'epoll_create',
  'epoll_create1',
  'epoll_ctl',
  'epoll_ctl_old',
  'epoll_wait',
  'epoll_wait_old',
  'epoll_pwait',
  'epoll_pwait2',
  'eventfd',
  'eventfd2',
  // what an ioctl can reach is limited by the devices the container sees
  'ioctl',
  'io_setup',
  'io_destroy',
  'io_submit',
  'io_cancel',
  'io_getevents',
  'io_pgetevents',
  'io_pgetevents_time64',
];

const NETWORK = [
  'socketpair',
  'bind',
  'connect',
  'listen',
  'accept',
  'accept4',
  'getsockname',
  'getpeername',
  'getsockopt',
  'setsockopt',
  'shutdown',
  'send',
  'sendto',
  'sendmsg',
  'sendmmsg',
  'recv',
  'recvfrom',
  'recvmsg',
  'recvmmsg',
  'recvmmsg_time64',
  'socketcall',
];

// System V and POSIX IPC objects live in the container's own IPC namespace.
const IPC = [
  'shmget',
  'shmat',
  'shmdt',
  'shmctl',
  'semget',
  'semop',
  'semtimedop',
  'semtimedop_time64',
  'semctl',
  'msgget',
  'msgsnd',
  'msgrcv',
  'msgctl',
  'ipc',
  'mq_open',
  'mq_unlink',
  'mq_timedsend',
  'mq_timedsend_time64',
  'mq_timedreceive',
  'mq_timedreceive_time64',
  'mq_notify',
  'mq_getsetattr',
];

const allow = (names: string[], more: Omit<DockerSeccompRule, 'names' | 'action'> = {}): DockerSeccompRule => ({
  names,
  action: 'SCMP_ACT_ALLOW',
  ...more,
});
const withCap = (cap: string, names: string[]): DockerSeccompRule => allow(names, { includes: { caps: [cap] } });

/** Namespace flags of clone(2): a container without CAP_SYS_ADMIN may not make new namespaces. */
export const CLONE_NAMESPACE_FLAGS =
  0x00020000 /* NEWNS */ |
  0x02000000 /* NEWCGROUP */ |
  0x04000000 /* NEWUTS */ |
  0x08000000 /* NEWIPC */ |
  0x10000000 /* NEWUSER */ |
  0x20000000 /* NEWPID */ |
  0x40000000 /* NEWNET */;

const AF_VSOCK = 40;
const EPERM = 1;
const ENOSYS = 38;

/** personality(2) values programs actually use: PER_LINUX, PER_LINUX32, UNAME26 (and both), and the query. */
const SAFE_PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

/** berth's default profile in docker's format, before fitting it to a container's capabilities. */
export const BERTH_SECCOMP_PROFILE: DockerSeccompProfile = {
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: EPERM,
  // x32 (docker lists it) is left out: no image ships that ABI, Debian's kernels disable it, and
  // each architecture makes the runtime compile the filter once more (~4 ms of every start);
  // x32 system calls then match nothing and are refused
  archMap: [
    { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] },
    { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
  ],
  syscalls: [
    allow([...FILES, ...MEMORY, ...PROCESSES, ...CREDENTIALS, ...SIGNALS, ...TIME, ...EVENTS, ...NETWORK, ...IPC]),
    // vsock talks to the hypervisor, not to anything a container should reach
    allow(['socket'], { args: [{ index: 0, value: AF_VSOCK, op: 'SCMP_CMP_NE' }] }),
    // other personalities turn off ASLR or change syscall semantics (READ_IMPLIES_EXEC…)
    ...SAFE_PERSONALITIES.map((v) => allow(['personality'], { args: [{ index: 0, value: v, op: 'SCMP_CMP_EQ' }] })),
    // threads and fork are fine; new namespaces are not (user namespaces expose kernel code
    // normally reserved to root). Flags are clone's first argument on x86 and arm.
    allow(['clone'], {
      args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
      excludes: { caps: ['CAP_SYS_ADMIN'] },
    }),
    // clone3 passes its flags in memory, where seccomp cannot look: ENOSYS makes libc fall back to clone
    { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS, excludes: { caps: ['CAP_SYS_ADMIN'] } },
    allow(['arch_prctl'], { includes: { arches: ['amd64', 'x32'] } }),
    allow(['modify_ldt'], { includes: { arches: ['amd64', 'x32', 'x86'] } }),
    allow(['arm_fadvise64_64', 'arm_sync_file_range', 'sync_file_range2', 'breakpoint', 'cacheflush', 'set_tls'], {
      includes: { arches: ['arm', 'arm64'] },
    }),
    // before 4.8, ptrace could rewrite a syscall after seccomp had checked it
    allow(['ptrace', 'process_vm_readv', 'process_vm_writev'], { includes: { minKernel: '4.8' } }),
    // a capability that already grants a power also gets the calls that use it
    withCap('CAP_SYS_ADMIN', [
      'clone',
      'clone3',
      'unshare',
      'setns',
      'mount',
      'umount',
      'umount2',
      'mount_setattr',
      'move_mount',
      'open_tree',
      'fsopen',
      'fsconfig',
      'fsmount',
      'fspick',
      'fanotify_init',
      'quotactl',
      'quotactl_fd',
      'sethostname',
      'setdomainname',
      'lookup_dcookie',
      'bpf',
      'perf_event_open',
      'syslog',
    ]),
    withCap('CAP_SYS_PTRACE', ['ptrace', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'pidfd_getfd', 'process_madvise']),
    withCap('CAP_SYS_MODULE', ['init_module', 'finit_module', 'delete_module']),
    withCap('CAP_SYS_BOOT', ['reboot']),
    withCap('CAP_SYS_TIME', ['settimeofday', 'stime', 'clock_settime', 'clock_settime64']),
    // chroot needs CAP_SYS_CHROOT anyway, which is a default capability: builds and package
    // scripts chroot, and dropping the capability now also removes the call
    withCap('CAP_SYS_CHROOT', ['chroot']),
    withCap('CAP_SYS_PACCT', ['acct']),
    withCap('CAP_SYS_RAWIO', ['iopl', 'ioperm']),
    withCap('CAP_SYS_NICE', ['get_mempolicy', 'set_mempolicy', 'set_mempolicy_home_node', 'mbind']),
    withCap('CAP_SYS_TTY_CONFIG', ['vhangup']),
    withCap('CAP_SYSLOG', ['syslog']),
    withCap('CAP_BPF', ['bpf']),
    withCap('CAP_PERFMON', ['perf_event_open']),
    // file handles bypass path permissions: the "shocker" escape read host files through them
    withCap('CAP_DAC_READ_SEARCH', ['open_by_handle_at', 'name_to_handle_at']),
  ],
};

/**
 * config.json's linux.seccomp for a container holding `caps` (its final capability set): berth's
 * allow list, plus the calls each held capability guards.
 *
 * @example defaultSeccompProfile(DEFAULT_CAPABILITIES, { arch: 'x86_64', kernel: { major: 6, minor: 1 } })
 */
export function defaultSeccompProfile(caps: readonly string[], target: SeccompTarget = {}): SpecSeccomp {
  return dockerProfileToSpec(BERTH_SECCOMP_PROFILE, caps, target);
}

export interface BlockedSyscall {
  names: string[];
  reason: string;
  /** the capability whose addition allows it again */
  allowedWith?: string;
}

/** The calls the default profile refuses that users ask about, with why (`berth explain`). */
export const NOTABLE_BLOCKED: readonly BlockedSyscall[] = [
  { names: ['mount', 'umount', 'umount2'], reason: 'would let the container rearrange its view of host filesystems', allowedWith: 'CAP_SYS_ADMIN' },
  {
    names: ['move_mount', 'open_tree', 'fsopen', 'fsmount', 'fspick', 'fsconfig', 'mount_setattr'],
    reason: 'the new mount API, same power as mount',
    allowedWith: 'CAP_SYS_ADMIN',
  },
  { names: ['unshare', 'setns'], reason: 'new or foreign namespaces (user namespaces expose root-only kernel code)', allowedWith: 'CAP_SYS_ADMIN' },
  { names: ['clone'], reason: 'only with namespace flags (CLONE_NEWUSER, CLONE_NEWNS, …); plain fork and threads work', allowedWith: 'CAP_SYS_ADMIN' },
  { names: ['clone3'], reason: 'fails with ENOSYS so libc falls back to clone, whose flags seccomp can check', allowedWith: 'CAP_SYS_ADMIN' },
  { names: ['keyctl', 'add_key', 'request_key'], reason: 'the kernel keyring is not namespaced: keys would be shared with the host' },
  { names: ['reboot'], reason: 'reboots the host, or its pid namespace', allowedWith: 'CAP_SYS_BOOT' },
  { names: ['kexec_load', 'kexec_file_load'], reason: 'loads a new kernel to boot into' },
  { names: ['init_module', 'finit_module', 'delete_module'], reason: 'loads or removes kernel code', allowedWith: 'CAP_SYS_MODULE' },
  { names: ['open_by_handle_at', 'name_to_handle_at'], reason: 'file handles bypass path checks and can reach host files', allowedWith: 'CAP_DAC_READ_SEARCH' },
  { names: ['bpf'], reason: 'loads programs into the kernel; a frequent source of exploits', allowedWith: 'CAP_BPF' },
  { names: ['perf_event_open'], reason: 'observes the whole host and has a long record of kernel bugs', allowedWith: 'CAP_PERFMON' },
  { names: ['userfaultfd'], reason: 'lets an exploit pause the kernel mid-copy to win races' },
  { names: ['io_uring_setup', 'io_uring_enter', 'io_uring_register'], reason: 'a large kernel attack surface that seccomp cannot inspect' },
  { names: ['swapon', 'swapoff'], reason: "changes the host's swap" },
  { names: ['acct'], reason: 'switches process accounting for the whole host', allowedWith: 'CAP_SYS_PACCT' },
  { names: ['settimeofday', 'stime', 'clock_settime'], reason: "the clock is not namespaced: it would change the host's time", allowedWith: 'CAP_SYS_TIME' },
  { names: ['pivot_root'], reason: 'changes the root mount; only the runtime needs it, before the filter applies' },
  { names: ['chroot'], reason: 'allowed by default through CAP_SYS_CHROOT; refused once that capability is dropped', allowedWith: 'CAP_SYS_CHROOT' },
  { names: ['iopl', 'ioperm'], reason: 'raw access to hardware I/O ports', allowedWith: 'CAP_SYS_RAWIO' },
  { names: ['personality'], reason: 'only the usual values; others disable ASLR or change syscall semantics' },
  { names: ['quotactl'], reason: "manages the host's filesystem quotas", allowedWith: 'CAP_SYS_ADMIN' },
  { names: ['syslog'], reason: 'reads or clears the host kernel log', allowedWith: 'CAP_SYSLOG' },
  { names: ['lookup_dcookie'], reason: 'a profiling call that reveals host paths', allowedWith: 'CAP_SYS_ADMIN' },
  { names: ['nfsservctl', 'uselib', '_sysctl'], reason: 'obsolete interfaces no program needs' },
  { names: ['vhangup'], reason: 'hangs up the terminal', allowedWith: 'CAP_SYS_TTY_CONFIG' },
  { names: ['socket'], reason: 'only AF_VSOCK, which would reach the hypervisor' },
];
