import fs from 'node:fs';
import path from 'node:path';

/**
 * Limits for rootless containers: an ordinary user can only use a cgroup v2 subtree that was
 * delegated to it (systemd's user@UID.service and the units under it, `Delegate=yes`: the
 * directories and their cgroup.procs/subtree_control files are the user's). A process can only be
 * moved between two cgroups when the user may write cgroup.procs of their common ancestor, so
 * the subtree must also hold berth's own process (a systemd user unit, `systemd-run --user
 * --scope berth …`, or a login whose session systemd delegates). Then each container gets
 * `<delegated root>/berth/<id>`, which runc makes and writes the limits of config.json into.
 * On cgroup v1 (this host) there is nothing an ordinary user can write.
 */
export type RootlessCgroup =
  | {
      available: true;
      /** the topmost cgroup of the delegated subtree that holds berth, as a cgroup path ("/user.slice/…") */
      root: string;
      /** the containers' parent: root + "/berth" */
      parent: string;
      /** the controllers delegated (root's cgroup.controllers) */
      controllers: string[];
    }
  | { available: false; reason: string };

export interface CgroupProbe {
  version: 1 | 2;
  /** where cgroup2 is mounted (default /sys/fs/cgroup) */
  mount?: string;
  /** /proc/self/cgroup's text (default: read it) */
  selfCgroup?: string;
  /** whether this process may write the file (default: access(2) W_OK) */
  writable?: (file: string) => boolean;
}

const V1_REASON = 'an ordinary user gets no cgroup of its own on a cgroup v1 host (limits need root, or a cgroup v2 host with a delegated subtree)';

/** The controllers berth's limits need from a delegated subtree. */
export const NEEDED_CONTROLLERS = ['memory', 'pids', 'cpu'];

function canWrite(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/** Decide where a rootless container's cgroup can be, or why it cannot have one. */
export function probeRootlessCgroup(p: CgroupProbe): RootlessCgroup {
  if (p.version === 1) return { available: false, reason: V1_REASON };
  const mount = p.mount ?? '/sys/fs/cgroup';
  const writable = p.writable ?? canWrite;
  const own = /^0::(\/.*)$/m.exec(p.selfCgroup ?? readOr('/proc/self/cgroup', ''))?.[1];
  if (!own) return { available: false, reason: 'this process is in no cgroup v2 hierarchy (/proc/self/cgroup has no "0::" line)' };
  // the topmost ancestor of our own cgroup that is still ours: the delegation's root
  let root: string | undefined;
  for (let cg = own; ; cg = path.posix.dirname(cg)) {
    const dir = path.join(mount, cg);
    if (!(writable(dir) && writable(path.join(dir, 'cgroup.procs')) && writable(path.join(dir, 'cgroup.subtree_control')))) break;
    root = cg;
    if (cg === '/') break;
  }
  if (!root) {
    return {
      available: false,
      reason: `berth's cgroup (${own}) is not in a cgroup v2 subtree delegated to this user: run berth inside one (systemd-run --user --scope berth …, with systemd's user@.service delegating, Delegate=yes)`,
    };
  }
  const controllers = readOr(path.join(mount, root, 'cgroup.controllers'), '')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const missing = NEEDED_CONTROLLERS.filter((c) => !controllers.includes(c));
  if (missing.length) {
    return {
      available: false,
      reason: `the cgroup v2 subtree delegated to this user (${root}) lacks the ${missing.join(', ')} controller${missing.length > 1 ? 's' : ''} (systemd: Delegate=${NEEDED_CONTROLLERS.join(' ')} in user@.service)`,
    };
  }
  return { available: true, root, parent: path.posix.join(root, 'berth'), controllers };
}

let probed: RootlessCgroup | undefined;
let probedVersion: 1 | 2 | undefined;

/** probeRootlessCgroup for this process (memoised per cgroup version). */
export function rootlessCgroup(version: 1 | 2): RootlessCgroup {
  if (!probed || probedVersion !== version) {
    probed = probeRootlessCgroup({ version });
    probedVersion = version;
  }
  return probed;
}

/**
 * Make the containers' parent cgroup under the delegated root with the delegated controllers
 * enabled for its children (runc makes the container's own cgroup below it). A root that
 * holds processes itself cannot enable controllers for children (cgroup v2's "no internal
 * processes"): berth's own cgroup must then be below it, as a scope or service is.
 */
export function prepareCgroupParent(cg: Extract<RootlessCgroup, { available: true }>, mount = '/sys/fs/cgroup'): void {
  const enable = NEEDED_CONTROLLERS.filter((c) => cg.controllers.includes(c))
    .map((c) => `+${c}`)
    .join(' ');
  const rootDir = path.join(mount, cg.root);
  const parentDir = path.join(mount, cg.parent);
  const enabled = (dir: string) => readOr(path.join(dir, 'cgroup.subtree_control'), '').trim().split(/\s+/);
  if (!NEEDED_CONTROLLERS.every((c) => enabled(rootDir).includes(c))) fs.writeFileSync(path.join(rootDir, 'cgroup.subtree_control'), enable);
  fs.mkdirSync(parentDir, { recursive: true });
  if (!NEEDED_CONTROLLERS.every((c) => enabled(parentDir).includes(c))) fs.writeFileSync(path.join(parentDir, 'cgroup.subtree_control'), enable);
}

/** The cgroup path of a rootless container under the delegated subtree. */
export function rootlessCgroupsPath(cg: Extract<RootlessCgroup, { available: true }>, id: string): string {
  return path.posix.join(cg.parent, id);
}
