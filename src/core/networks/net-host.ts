import fs from 'node:fs';
import path from 'node:path';
import type { EngineContext } from '../engine-context.js';
import { rootlessMode } from '../rootless/mode.js';
import { findProgram } from '../rootless/pause.js';
import { IPAM_DATA_DIR } from './cni-config.js';
import { NETNS_DIR } from './netns.js';

/**
 * Where berth's bridge networks live. For root, the host itself: bridges and iptables rules in the
 * host's network namespace, named namespaces in /run/netns, leases in /run/berth-ipam. For an
 * ordinary user (rootless), a network namespace of the user's own (rootless-netns.ts), which
 * holds the bridges, their rules and the DNS server and reaches the host through slirp4netns;
 * everything that acts on bridges runs there (`enter`), and the files are in the user's run root.
 */
export interface NetHost {
  rootless: boolean;
  /** named network namespaces of containers */
  netnsDir: string;
  /** host-local's lease directory */
  ipamDir: string;
  /** markers of the per-network iptables rules installed (host-rules.ts) */
  markersDir: string;
  /** the user's network namespace file (rootless only) */
  netnsFile?: string;
  /** the command prefix that runs a program where the bridges are ([] for root) */
  enter: string[];
}

export const ROOT_NET_HOST: NetHost = { rootless: false, netnsDir: NETNS_DIR, ipamDir: IPAM_DATA_DIR, markersDir: '/run/berth-net', enter: [] };

/** The rootless network namespace's files, under the user's run root. */
export function rootlessNetFiles(runRoot: string): {
  dir: string;
  netns: string;
  ipam: string;
  markers: string;
  lock: string;
  slirpPid: string;
  slirpSocket: string;
} {
  const dir = path.join(runRoot, 'rootless-netns');
  return {
    dir,
    ipam: path.join(runRoot, 'ipam'),
    netns: path.join(runRoot, 'netns', 'rootless-netns'),
    markers: path.join(dir, 'rules'),
    lock: path.join(dir, 'lock'),
    slirpPid: path.join(dir, 'slirp.pid'),
    slirpSocket: path.join(dir, 'slirp.sock'),
  };
}

/** The network host of this process: the host for root, the user's network namespace rootless. */
export function netHost(ctx: Pick<EngineContext, 'paths'>): NetHost {
  if (!rootlessMode()) return ROOT_NET_HOST;
  const f = rootlessNetFiles(ctx.paths.runRoot);
  return {
    rootless: true,
    netnsDir: path.join(ctx.paths.runRoot, 'netns'),
    ipamDir: f.ipam,
    markersDir: f.markers,
    netnsFile: f.netns,
    enter: [findProgram('nsenter') ?? 'nsenter', `--net=${f.netns}`, '--'],
  };
}

/** [program, args] to run `program args` where the host's bridges are. */
export function onNetHost(host: NetHost, program: string, args: readonly string[]): [string, string[]] {
  if (host.enter.length === 0) return [program, [...args]];
  const [cmd, ...rest] = host.enter;
  return [cmd as string, [...rest, program, ...args]];
}

/** Whether file is a network namespace (bind-mounted on it), not the plain file it is once unmounted. */
export function isNamespaceFile(file: string): boolean {
  try {
    return fs.statSync(file).dev === fs.statSync('/proc/self/ns/net').dev;
  } catch {
    return false;
  }
}
