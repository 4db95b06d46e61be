import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { BerthError } from '../errors/index.js';

/** iproute2 keeps named namespaces here (a bind mount of /proc/<pid>/ns/net per file). */
export const NETNS_DIR = '/run/netns';

export function netnsPath(name: string): string {
  return `${NETNS_DIR}/${name}`;
}

/** berth's name for a container's namespace: recognisable in `ip netns`, unique per container. */
export function netnsNameFor(containerId: string): string {
  return `berth-${containerId.slice(0, 32)}`;
}

function ip(args: string[]): { ok: boolean; err: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.error) throw new BerthError('FailedPrecondition', `running ip ${args.join(' ')}: ${r.error.message} (install iproute2)`);
  return { ok: r.status === 0, err: (r.stderr ?? '').trim() };
}

/**
 * A fresh network namespace with loopback up. berth prepares it before the runtime starts, so the
 * CNI chain can run while conmon and runc create the container, and the namespace (with its veth)
 * outlives a crash of the container until tear-down has deleted its rules and lease.
 */
export function createNetns(name: string): string {
  const add = ip(['netns', 'add', name]);
  if (!add.ok && !/File exists/.test(add.err)) throw new BerthError('Internal', `creating network namespace ${name}: ${add.err}`);
  const lo = ip(['-n', name, 'link', 'set', 'lo', 'up']);
  if (!lo.ok) throw new BerthError('Internal', `bringing up loopback in ${name}: ${lo.err}`);
  return netnsPath(name);
}

/** Delete a namespace; absent is fine (tear-down repeats). */
export function deleteNetns(name: string): void {
  if (!fs.existsSync(netnsPath(name))) return;
  const r = ip(['netns', 'delete', name]);
  if (!r.ok && fs.existsSync(netnsPath(name))) throw new BerthError('Internal', `deleting network namespace ${name}: ${r.err}`);
}
