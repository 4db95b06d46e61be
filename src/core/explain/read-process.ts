import { parseProcStatus } from './proc-status.js';
import { capabilityView } from './caps.js';
import { seccompView } from './seccomp.js';
import { parseIdMap } from './id-map.js';
import { namespaceViews, type NamespaceInodes } from './namespaces.js';
import { parseMountinfo } from '../host/mountinfo.js';
import { mountViews, type MountHints } from './mount-kinds.js';
import { sharedLibraries } from './proc-maps.js';
import { readFds } from './fds.js';
import { parentChain, type ProcInfo } from './parent-chain.js';
import { cleanLabel, parseLsmList } from './lsm.js';
import { networkFromProc } from './net.js';
import { readProcessCgroup } from './read-cgroup.js';
import { readNamespaces, type HostSide } from './host-reference.js';
import { readCmdline, readLinkOptional, readOptional, readProcessStatus } from './proc-files.js';
import type { NetworkView, ProcessView } from './types.js';

/** What explaining one process needs besides the PID. */
export interface ProcessContext {
  host: HostSide;
  /** other containers' namespaces, to say which are shared with whom */
  others: ReadonlyArray<{ name: string; ns: NamespaceInodes }>;
  conmonPath: string | null;
  hints: MountHints | null;
}

function procInfo(pid: number): ProcInfo | null {
  const status = readOptional(`/proc/${pid}/status`);
  if (status === undefined) return null;
  const s = parseProcStatus(status);
  return { ppid: s.ppid, name: s.name, cmdline: readCmdline(pid).join(' '), exe: readLinkOptional(`/proc/${pid}/exe`) };
}

function readNetwork(pid: number, ownNet: number | null, hostNet: number | null): NetworkView {
  const f = (name: string) => readOptional(`/proc/${pid}/net/${name}`) ?? '';
  const { interfaces, routes } = networkFromProc({
    dev: f('dev'),
    route: f('route'),
    fibTrie: f('fib_trie'),
    ifInet6: f('if_inet6'),
    ipv6Route: f('ipv6_route'),
  });
  return { hostNetwork: ownNet !== null && ownNet === hostNet, interfaces, routes, publishedPorts: [] };
}

function readLsm(pid: number): ProcessView['lsm'] {
  const lsms = parseLsmList(readOptional('/sys/kernel/security/lsm'));
  const current = cleanLabel(readOptional(`/proc/${pid}/attr/current`));
  const apparmor = cleanLabel(readOptional(`/proc/${pid}/attr/apparmor/current`)) ?? (lsms.includes('apparmor') && !lsms.includes('selinux') ? current : null);
  const selinux = lsms.includes('selinux') || readOptional('/sys/fs/selinux/enforce') !== undefined ? current : null;
  return { apparmor, selinux };
}

/**
 * Everything /proc says about one process, decoded. Throws NotFound for a PID that has gone
 * and PermissionDenied for one this user may not read; other files that vanish half-way (the
 * process exiting meanwhile) leave their part empty.
 */
export function explainProcess(pid: number, pc: ProcessContext): ProcessView {
  const s = parseProcStatus(readProcessStatus(pid));
  const ns = readNamespaces(pid);
  const exe = readLinkOptional(`/proc/${pid}/exe`);
  const cgroup = readProcessCgroup(pid, pc.host);
  const cgPath = cgroup.paths.find((p) => p.hierarchy === 0)?.path ?? cgroup.paths[0]?.path ?? '';
  return {
    pid,
    nsPids: s.nsPids,
    name: s.name,
    exe,
    cmdline: readCmdline(pid),
    uids: s.uids,
    gids: s.gids,
    parents: parentChain(pid, procInfo, pc.conmonPath),
    namespaces: namespaceViews(ns, pc.host.ns, pc.others),
    capabilities: capabilityView(s, pc.host.ref.capBounding),
    noNewPrivs: s.noNewPrivs,
    seccomp: seccompView(s),
    lsm: readLsm(pid),
    uidMap: parseIdMap(readOptional(`/proc/${pid}/uid_map`) ?? ''),
    gidMap: parseIdMap(readOptional(`/proc/${pid}/gid_map`) ?? ''),
    cgroup,
    mounts: mountViews(parseMountinfo(readOptional(`/proc/${pid}/mountinfo`) ?? ''), pc.hints),
    libraries: sharedLibraries(readOptional(`/proc/${pid}/maps`) ?? '', exe),
    fds: readFds(pid),
    network: readNetwork(pid, ns.net ?? null, pc.host.ns.net ?? null),
    containerId: /\/berth\/([0-9a-f]{64})$/.exec(cgPath)?.[1] ?? null,
  };
}
