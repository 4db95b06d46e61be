import fs from 'node:fs';
import linux from 'berth-linux';
import { runChild, type ChildOutput } from '../host/spawn.js';
import { BerthError } from '../errors/index.js';

/** iproute2 keeps named namespaces here (a bind mount of /proc/<pid>/ns/net per file). */
export const NETNS_DIR = '/run/netns';

/** The file of a named namespace; a name is one path element, as iproute2 requires. */
export function netnsPath(name: string, dir: string = NETNS_DIR): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) || name.length > 200) {
    throw new BerthError('InvalidArgument', `invalid network namespace name ${JSON.stringify(name)}`);
  }
  return `${dir}/${name}`;
}

/** berth's name for a container's namespace: recognisable in `ip netns`, unique per container. */
export function netnsNameFor(containerId: string): string {
  return `berth-${containerId.slice(0, 32)}`;
}

/**
 * A fresh network namespace with loopback up, made as `ip netns add` makes it (so `ip netns`
 * lists it) but by the addon: two `ip` runs cost ~8 ms of every start. berth prepares it before
 * the runtime starts, so the CNI chain can run while conmon and runc create the container, and
 * the namespace (with its veth) outlives a crash of the container until tear-down has deleted
 * its rules and lease. An existing namespace of that name is kept.
 */
export function createNetns(name: string, dir: string = NETNS_DIR): string {
  const file = netnsPath(name, dir);
  try {
    linux.netnsCreate(file);
  } catch (e) {
    throw new BerthError('Internal', `creating network namespace ${name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return file;
}

/** Delete a namespace; absent is fine (tear-down repeats). */
export function deleteNetns(name: string, dir: string = NETNS_DIR): void {
  const file = netnsPath(name, dir);
  try {
    linux.netnsDelete(file);
  } catch (e) {
    throw new BerthError('Internal', `deleting network namespace ${name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * Delete interface ifName inside a namespace (a container's veth: its host end goes with it),
 * with iproute2. False when there was none (or the namespace is gone).
 */
export async function deleteLinkIn(name: string, ifName: string, dir: string = NETNS_DIR): Promise<boolean> {
  const file = netnsPath(name, dir);
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(ifName)) throw new BerthError('InvalidArgument', `invalid interface name ${JSON.stringify(ifName)}`);
  let r: ChildOutput;
  try {
    // `ip -n` knows only /run/netns: a namespace elsewhere (rootless) is entered with nsenter
    r =
      dir === NETNS_DIR
        ? await runChild('ip', ['-n', name, 'link', 'delete', ifName])
        : await runChild('nsenter', [`--net=${file}`, '--', 'ip', 'link', 'delete', ifName]);
  } catch (e) {
    throw new BerthError('FailedPrecondition', `running ip: ${e instanceof Error ? e.message : String(e)} (install iproute2)`);
  }
  const err = r.stderr.toString();
  if (r.code === 0) return true;
  // "Cannot find device", or a namespace file that is not (or no longer) a namespace
  if (/Cannot find device|does not exist|Invalid argument|No such file/i.test(err) || !fs.existsSync(file)) return false;
  throw new BerthError('Internal', `deleting ${ifName} in network namespace ${name}: ${err.trim() || `ip exited with ${r.code ?? r.signal}`}`);
}
