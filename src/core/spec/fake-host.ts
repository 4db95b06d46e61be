import type { DeviceInfo, HostFacts } from './host-facts.js';

const DEVICES: Record<string, DeviceInfo> = {
  '/dev/fuse': { path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0 },
  '/dev/sda': { path: '/dev/sda', type: 'b', major: 8, minor: 0, fileMode: 0o660, uid: 0, gid: 6 },
  '/dev/null': { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
};

/** Paths this fake kernel lacks, like the real test host (see notes/host.md). */
const ABSENT = new Set(['/proc/kcore', '/proc/sched_debug', '/proc/timer_stats']);

/**
 * HostFacts of an imaginary, fully known host for tests of code that generates config.json:
 * x86_64, kernel 6.1, nofile hard limit 20000 like the CI host, no AppArmor or SELinux.
 */
export function fakeHost(overrides: Partial<HostFacts> = {}): HostFacts {
  return {
    cgroupVersion: 2,
    rlimitHard: { RLIMIT_NOFILE: 20000, RLIMIT_NPROC: 96365, RLIMIT_CORE: Infinity, RLIMIT_STACK: Infinity },
    existingPaths: (p) => !ABSENT.has(p),
    kernelVersion: { major: 6, minor: 1 },
    arch: 'x86_64',
    apparmorEnabled: false,
    apparmorProfiles: [],
    selinuxEnabled: false,
    swapLimit: true,
    hostname: 'buildhost',
    device: (p) => DEVICES[p],
    hostDevices: () => Object.values(DEVICES),
    ...overrides,
  };
}
