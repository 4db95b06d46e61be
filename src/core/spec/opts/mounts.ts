import path from 'node:path';
import { BerthError } from '../../errors/index.js';
import type { ImageRuntimeConfig, SpecMount } from '../../oci/types.js';
import type { ContainerSpec, MountSpec } from '../container-spec.js';
import { PROPAGATIONS } from '../parse/mount-path.js';
import { INIT_PATH } from './process.js';

export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

export interface MountInputs {
  spec: ContainerSpec;
  image: ImageRuntimeConfig;
  /** host files bound onto /etc/hosts, /etc/resolv.conf, /etc/hostname */
  etcFiles?: { hosts?: string; resolvConf?: string; hostname?: string };
  /** host directories of named and anonymous volumes, by container path */
  volumeSources?: Record<string, string>;
  /** host path of the init binary, for --init */
  initPath?: string;
  /** host directory to bind on /dev/shm (--ipc host, or another container's) */
  shmPath?: string;
}

const NOSUID_NOEXEC_NODEV = ['nosuid', 'noexec', 'nodev'];

/** The file systems every container gets (runc's and docker's defaults). */
function defaultMounts(spec: ContainerSpec, shmPath: string | undefined): SpecMount[] {
  const sysRo = spec.privileged ? [] : ['ro'];
  const out: SpecMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: [...NOSUID_NOEXEC_NODEV] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: [...NOSUID_NOEXEC_NODEV] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: [...NOSUID_NOEXEC_NODEV, ...sysRo] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: [...NOSUID_NOEXEC_NODEV, ...sysRo] },
  ];
  if (shmPath) {
    out.push({ destination: '/dev/shm', type: 'bind', source: shmPath, options: ['rbind', 'rprivate'] });
  } else if (spec.ipcMode !== 'none') {
    const size = spec.shmSize ?? DEFAULT_SHM_SIZE;
    out.push({ destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: [...NOSUID_NOEXEC_NODEV, 'mode=1777', `size=${size}`] });
  }
  return out;
}

function bind(destination: string, source: string, readOnly: boolean, options: readonly string[] = []): SpecMount {
  const propagation = options.find((o) => PROPAGATIONS.has(o)) ?? 'rprivate';
  const recursive = options.includes('nonrecursive') ? 'bind' : 'rbind';
  return { destination, type: 'bind', source, options: [recursive, propagation, ...(readOnly ? ['ro'] : [])] };
}

// Docker's --tmpfs and --mount type=tmpfs start from nosuid,noexec,nodev; an explicit
// exec/suid/dev in the user's options wins over its default.
function tmpfs(m: MountSpec): SpecMount {
  const user = m.options;
  const defaults = NOSUID_NOEXEC_NODEV.filter((d) => !user.includes(d.slice(2)));
  return { destination: m.target, type: 'tmpfs', source: 'tmpfs', options: [...defaults, ...user, ...(m.readOnly ? ['ro'] : [])] };
}

function userMount(m: MountSpec, volumeSources: Record<string, string>): SpecMount {
  if (m.type === 'tmpfs') return tmpfs(m);
  if (m.type === 'bind') return bind(m.target, m.source, m.readOnly, m.options);
  const source = volumeSources[m.target];
  if (!source) throw new BerthError('Internal', `no host directory for the volume mounted at "${m.target}"`);
  return bind(m.target, source, m.readOnly);
}

function depth(p: string): number {
  return path.posix.normalize(p).split('/').filter(Boolean).length;
}

/**
 * config.json's mounts: the defaults, the /etc files, --init's binary, the user's mounts and the
 * image's VOLUMEs that have a host directory. A user mount replaces a default at the same place;
 * the list is ordered so a parent is always mounted before what lies beneath it (stable sort by
 * depth, like docker's sortMounts).
 */
export function mounts(input: MountInputs): SpecMount[] {
  const { spec, image, etcFiles = {}, volumeSources = {} } = input;
  const user = spec.mounts.map((m) => userMount(m, volumeSources));
  const taken = new Set(user.map((m) => m.destination));
  for (const target of Object.keys(image.Volumes ?? {})) {
    const dest = path.posix.normalize(target).replace(/(.)\/+$/, '$1');
    const source = volumeSources[dest];
    if (source && !taken.has(dest)) {
      user.push(bind(dest, source, false));
      taken.add(dest);
    }
  }
  const etc: SpecMount[] = [];
  const etcRo = spec.readOnly;
  if (etcFiles.hosts) etc.push(bind('/etc/hosts', etcFiles.hosts, etcRo));
  if (etcFiles.resolvConf) etc.push(bind('/etc/resolv.conf', etcFiles.resolvConf, etcRo));
  if (etcFiles.hostname) etc.push(bind('/etc/hostname', etcFiles.hostname, etcRo));
  if (spec.init) {
    if (!input.initPath) throw new BerthError('FailedPrecondition', '--init needs an init binary, and none is configured');
    etc.push({ destination: INIT_PATH, type: 'bind', source: input.initPath, options: ['bind', 'ro', 'nosuid', 'nodev'] });
  }
  const all = [...defaultMounts(spec, input.shmPath), ...etc].filter((m) => !taken.has(m.destination)).concat(user);
  return all
    .map((m, i) => ({ m, i, d: depth(m.destination) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.m);
}
