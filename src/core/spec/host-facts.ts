import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capabilitiesFromMask } from './capabilities.js';

/** A device node on the host, as linux.devices wants it. */
export interface DeviceInfo {
  path: string;
  type: 'c' | 'b' | 'p';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

/**
 * What the generator must know about the host: everything that makes one config.json work here
 * and fail there. `readHostFacts()` reads the real ones; tests pass fakes. Optional facts fall
 * back to the conservative choice when absent.
 */
export interface HostFacts {
  /** 2 iff /sys/fs/cgroup is the unified hierarchy; hybrid hosts count as 1 */
  cgroupVersion: 1 | 2;
  /** hard rlimits of this process by name (RLIMIT_NOFILE, …); Infinity when unlimited */
  rlimitHard: Record<string, number>;
  /** whether a path exists on the host; masked paths that are absent are skipped (runc fails on them) */
  existingPaths?: (p: string) => boolean;
  /** running kernel; unknown means "treat as old" where it matters (ptrace in seccomp) */
  kernelVersion?: { major: number; minor: number };
  /** uname machine: x86_64, aarch64, … */
  arch?: string;
  /** the engine's own capability bounding set: what "all capabilities" can mean here */
  capBounding?: string[];
  apparmorEnabled?: boolean;
  /** names of loaded AppArmor profiles */
  apparmorProfiles?: string[];
  selinuxEnabled?: boolean;
  /** whether the memory cgroup can limit swap (memsw on v1, memory.swap.max on v2) */
  swapLimit?: boolean;
  hostname?: string;
  /** the device node at hostPath (symlinks followed), undefined when absent or not a device */
  device?: (hostPath: string) => DeviceInfo | undefined;
  /** every device node under /dev, for --privileged */
  hostDevices?: () => DeviceInfo[];
}

const CGROUP2_SUPER_MAGIC = 0x63677270;

const LIMIT_NAMES: Record<string, string> = {
  'Max cpu time': 'RLIMIT_CPU',
  'Max file size': 'RLIMIT_FSIZE',
  'Max data size': 'RLIMIT_DATA',
  'Max stack size': 'RLIMIT_STACK',
  'Max core file size': 'RLIMIT_CORE',
  'Max resident set': 'RLIMIT_RSS',
  'Max processes': 'RLIMIT_NPROC',
  'Max open files': 'RLIMIT_NOFILE',
  'Max locked memory': 'RLIMIT_MEMLOCK',
  'Max address space': 'RLIMIT_AS',
  'Max file locks': 'RLIMIT_LOCKS',
  'Max pending signals': 'RLIMIT_SIGPENDING',
  'Max msgqueue size': 'RLIMIT_MSGQUEUE',
  'Max nice priority': 'RLIMIT_NICE',
  'Max realtime priority': 'RLIMIT_RTPRIO',
  'Max realtime timeout': 'RLIMIT_RTTIME',
};

/** Hard limits from the text of /proc/<pid>/limits. */
export function parseProcLimits(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    const name = m ? LIMIT_NAMES[m[1] ?? ''] : undefined;
    if (!m || !name) continue;
    out[name] = m[3] === 'unlimited' ? Infinity : Number(m[3]);
  }
  return out;
}

/** The bounding set from the text of /proc/<pid>/status (CapBnd: 000001fffeffffff). */
export function parseCapBounding(status: string): string[] | undefined {
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status);
  return m ? capabilitiesFromMask(BigInt(`0x${m[1]}`)) : undefined;
}

/** "6.18.44-fc" → { major: 6, minor: 18 } */
export function parseKernelRelease(release: string): { major: number; minor: number } | undefined {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** Linux's dev_t split (glibc's gnu_dev_major/minor), on the 64-bit value stat gives. */
export function splitDev(rdev: bigint): { major: number; minor: number } {
  const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & 0xfffff000n));
  const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & 0xffffff00n));
  return { major, minor };
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The device node at p, following symlinks (docker resolves --device paths too). */
export function statDevice(p: string, containerPath: string = p): DeviceInfo | undefined {
  let st: fs.BigIntStats;
  try {
    st = fs.statSync(p, { bigint: true });
  } catch {
    return undefined;
  }
  const type = st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : st.isFIFO() ? 'p' : undefined;
  if (!type) return undefined;
  return {
    path: containerPath,
    type,
    ...splitDev(st.rdev),
    fileMode: Number(st.mode & 0o7777n),
    uid: Number(st.uid),
    gid: Number(st.gid),
  };
}

// runc's HostDevices skips these: they are mounted separately or are per-process views.
const SKIP_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

/** Every device node under dir, not following symlinks, as --privileged gets them. */
export function listHostDevices(dir = '/dev'): DeviceInfo[] {
  const out: DeviceInfo[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) out.push(...listHostDevices(p));
    } else if ((e.isCharacterDevice() || e.isBlockDevice()) && p !== '/dev/console') {
      const d = statDevice(p);
      if (d) out.push(d);
    }
  }
  return out;
}

function cgroupVersion(): 1 | 2 {
  try {
    return fs.statfsSync('/sys/fs/cgroup').type === CGROUP2_SUPER_MAGIC ? 2 : 1;
  } catch {
    return 1;
  }
}

function swapLimit(version: 1 | 2): boolean {
  if (version === 1) return fs.existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes');
  const own = /^0::(.*)$/m.exec(readText('/proc/self/cgroup') ?? '')?.[1] ?? '/';
  return [own, '/init.scope', '/system.slice'].some((g) => fs.existsSync(path.join('/sys/fs/cgroup', g, 'memory.swap.max')));
}

/** Read this host's facts (a few small files under /proc and /sys; no root needed). */
export function readHostFacts(): HostFacts {
  const version = cgroupVersion();
  const apparmorEnabled = readText('/sys/module/apparmor/parameters/enabled')?.trim() === 'Y';
  const profiles = apparmorEnabled
    ? (readText('/sys/kernel/security/apparmor/profiles') ?? '')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.replace(/ \(\w+\)$/, ''))
    : [];
  const arch = os.arch();
  const facts: HostFacts = {
    cgroupVersion: version,
    rlimitHard: parseProcLimits(readText('/proc/self/limits') ?? ''),
    existingPaths: (p) => fs.existsSync(p),
    arch: arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'aarch64' : arch,
    apparmorEnabled,
    apparmorProfiles: profiles,
    selinuxEnabled: fs.existsSync('/sys/fs/selinux/enforce'),
    swapLimit: swapLimit(version),
    hostname: os.hostname(),
    device: (p) => statDevice(p),
    hostDevices: () => listHostDevices(),
  };
  const kernel = parseKernelRelease(os.release());
  if (kernel) facts.kernelVersion = kernel;
  const bounding = parseCapBounding(readText('/proc/self/status') ?? '');
  if (bounding) facts.capBounding = bounding;
  return facts;
}
