import os from 'node:os';
import type { HostFacts } from '../spec/host-facts.js';
import { parseProcStatus } from './proc-status.js';
import { capabilitiesFromMask } from '../spec/capabilities.js';
import { parseIdMap } from './id-map.js';
import { NAMESPACE_TYPES, parseNsLink, type NamespaceInodes } from './namespaces.js';
import { parseMountinfo } from '../host/mountinfo.js';
import { readLinkOptional, readOptional } from './proc-files.js';
import type { HostReference, MountEntry } from './types.js';

/** Namespace inodes of a process (null for a type the kernel lacks or we may not read). */
export function readNamespaces(pid: number): NamespaceInodes {
  const out: NamespaceInodes = {};
  for (const t of NAMESPACE_TYPES) {
    const link = readLinkOptional(`/proc/${pid}/ns/${t}`);
    out[t] = link === null ? null : parseNsLink(link);
  }
  return out;
}

/** The host's side of every comparison, read once per command. */
export interface HostSide {
  ref: HostReference;
  ns: NamespaceInodes;
  /** the mounts as berth sees them: where cgroup hierarchies are */
  mounts: MountEntry[];
}

/**
 * The host's own values: PID 1's namespaces (the host's, even when berth runs elsewhere),
 * berth's bounding set (what any container here could have at most), memory, CPUs, pid_max.
 */
export function readHostSide(facts: HostFacts): HostSide {
  // PID 1's namespaces may be unreadable (a sandbox that denies ptrace access to init): berth's
  // own are the host's then, unless berth itself runs in a container
  const init = readNamespaces(1);
  const fromInit = Object.values(init).some((v) => v !== null && v !== undefined);
  const ns = fromInit ? init : readNamespaces(process.pid);
  const own = parseProcStatus(readOptional('/proc/self/status') ?? '');
  return {
    ns,
    mounts: parseMountinfo(readOptional('/proc/self/mountinfo') ?? ''),
    ref: {
      namespaces: NAMESPACE_TYPES.map((type) => ({ type, inode: ns[type] ?? null })),
      namespacesOf: fromInit ? 'pid 1' : 'berth',
      capBounding: facts.capBounding ?? capabilitiesFromMask(own.capBnd),
      memTotal: os.totalmem(),
      cpus: os.availableParallelism(),
      pidMax: Number((readOptional('/proc/sys/kernel/pid_max') ?? '0').trim()),
      cgroupVersion: facts.cgroupVersion,
      uidMap: parseIdMap(readOptional(`/proc/${fromInit ? 1 : process.pid}/uid_map`) ?? ''),
    },
  };
}
