import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../errors/index.js';

/**
 * `runc delete` of a stopped container, done here rather than by running runc (~10-15 ms of a
 * Go program on every container's end: the critical path of `run --rm` and of an exit hook).
 * What runc 1.1 does for a container whose init is gone (libcontainer's destroy()): remove its
 * cgroup directories (cgroups.RemovePaths: each path, children first), then its state dir.
 *
 * Only the plain case: the state says cgroupfs (not systemd), no hooks, no Intel RDT, a pid
 * namespace of its own (else runc would first kill what is left in the cgroup), and the init is
 * not the same process any more (runc's runType: gone, reused, or a zombie). Anything else, or
 * any error on the way, returns false untouched-or-partly-done for `runc delete` to finish: the
 * state dir goes last, so runc still finds the container, and removing a missing cgroup
 * directory is no error to it.
 */
export function deleteStoppedRuncContainer(root: string, id: string): boolean {
  const dir = path.join(root, id);
  let state: RuncState;
  try {
    state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as RuncState;
  } catch {
    return false;
  }
  if (!plainStoppedState(state)) return false;
  for (const p of Object.values(state.cgroup_paths ?? {})) {
    if (typeof p !== 'string' || !p.startsWith('/sys/fs/cgroup/') || !removeCgroupDir(p)) return false;
  }
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    return false;
  }
  return true;
}

/** The parts of runc 1.1's state.json read here. */
interface RuncState {
  init_process_pid?: unknown;
  init_process_start?: unknown;
  cgroup_paths?: Record<string, unknown>;
  intel_rdt_path?: unknown;
  config?: {
    hooks?: unknown;
    namespaces?: Array<{ type?: unknown; path?: unknown }>;
    cgroups?: { Systemd?: unknown };
  };
}

function plainStoppedState(s: RuncState): boolean {
  const pid = s.init_process_pid;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return false;
  if (s.intel_rdt_path) return false;
  const c = s.config;
  if (!c || c.cgroups?.Systemd) return false;
  if (c.hooks !== undefined && c.hooks !== null && Object.keys(c.hooks).length > 0) return false;
  const pidNs = c.namespaces?.find((n) => n.type === 'NEWPID');
  if (!pidNs || (pidNs.path !== undefined && pidNs.path !== '')) return false;
  return initGone(pid, s.init_process_start);
}

/** runc's test: no such process, another start time (a reused pid), or a zombie. */
function initGone(pid: number, start: unknown): boolean {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const st = fields[0];
  if (st === 'Z' || st === 'X' || st === 'x') return true;
  return fields[19] !== String(start);
}

/**
 * rmdir a cgroup directory, its child cgroups first (a container may make its own); a cgroup
 * whose last processes are still being torn down by the kernel is busy for a moment: a few short
 * retries, as runc makes. False when it stays.
 */
function removeCgroupDir(p: string): boolean {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      fs.rmdirSync(p);
      return true;
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return true;
      if (!isErrno(e, 'EBUSY') && !isErrno(e, 'ENOTEMPTY') && !isErrno(e, 'EEXIST')) return false;
    }
    // children first (a cgroup's own files cannot be removed and do not count)
    try {
      for (const d of fs.readdirSync(p, { withFileTypes: true })) if (d.isDirectory() && !removeCgroupDir(path.join(p, d.name))) return false;
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return true;
      return false;
    }
    if (attempt > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2 << attempt);
  }
  return false;
}
