import fs from 'node:fs';
import path from 'node:path';
import { cgroupDir, parseProcCgroup } from './proc-cgroup.js';
import { readCgroupV1 } from './cgroup-v1.js';
import { readCgroupV2 } from './cgroup-v2.js';
import { readOptional } from './proc-files.js';
import type { HostSide } from './host-reference.js';
import type { CgroupPath, CgroupUsage } from './types.js';

/** The directory of each controller's cgroup (v1), or of the v2 cgroup under key ''. */
export function cgroupDirs(paths: readonly CgroupPath[], host: HostSide): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const p of paths) {
    const dir = cgroupDir(p, host.mounts);
    if (!dir) continue;
    if (p.hierarchy === 0) dirs.set('', dir);
    for (const c of p.controllers) dirs.set(c, dir);
  }
  return dirs;
}

/** A process's cgroups with their limits and usage, on v1 (incl. hybrid) or v2 hosts. */
export function readProcessCgroup(pid: number, host: HostSide): CgroupUsage {
  const paths = parseProcCgroup(readOptional(`/proc/${pid}/cgroup`) ?? '');
  const dirs = cgroupDirs(paths, host);
  const read = (controller: string, file: string) => {
    const dir = dirs.get(controller);
    return dir === undefined ? undefined : readOptional(path.join(dir, file));
  };
  return host.ref.cgroupVersion === 2 ? readCgroupV2(paths, read) : readCgroupV1(paths, read);
}

/** Every process in the cgroup of pid (the container's processes), from cgroup.procs. */
export function cgroupProcs(pid: number, host: HostSide): number[] {
  const dirs = cgroupDirs(parseProcCgroup(readOptional(`/proc/${pid}/cgroup`) ?? ''), host);
  const dir = host.ref.cgroupVersion === 2 ? dirs.get('') : (dirs.get('pids') ?? dirs.get('memory'));
  if (!dir) return [pid];
  try {
    return fs
      .readFileSync(path.join(dir, 'cgroup.procs'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .sort((a, b) => a - b);
  } catch {
    return [pid];
  }
}
