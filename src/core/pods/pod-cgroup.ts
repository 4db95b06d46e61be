import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import type { PodRecord } from './pod-record.js';

const CGROUP_ROOT = '/sys/fs/cgroup';
const CFS_PERIOD = 100_000;

/** cgroup v2 when the root is the unified hierarchy itself. */
function isV2(root: string): boolean {
  return fs.existsSync(path.join(root, 'cgroup.controllers'));
}

/** The v1 hierarchies mounted under the root (cpu, memory, pids, …; not the named ones' files). */
function v1Hierarchies(root: string): string[] {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() || d.isSymbolicLink())
    .map((d) => path.join(root, d.name));
}

/**
 * Make the pod's cgroup and write its limits, so the members' cgroups (made under it by the
 * runtime) are bounded all together. cgroup v1: memory.limit_in_bytes and cpu.cfs_quota_us in
 * those hierarchies; v2: memory.max and cpu.max, with the controllers enabled on the way down.
 */
export function setUpPodCgroup(pod: Pick<PodRecord, 'cgroupParent' | 'spec'>, root = CGROUP_ROOT): void {
  const r = pod.spec.resources;
  const rel = pod.cgroupParent.replace(/^\/+/, '');
  try {
    if (isV2(root)) {
      let dir = root;
      for (const part of rel.split('/')) {
        if (r.memory || r.nanoCpus) fs.writeFileSync(path.join(dir, 'cgroup.subtree_control'), '+memory +cpu +pids');
        dir = path.join(dir, part);
        fs.mkdirSync(dir, { recursive: true });
      }
      if (r.memory) fs.writeFileSync(path.join(dir, 'memory.max'), String(r.memory));
      if (r.nanoCpus) fs.writeFileSync(path.join(dir, 'cpu.max'), `${Math.round((r.nanoCpus / 1e9) * CFS_PERIOD)} ${CFS_PERIOD}`);
      return;
    }
    if (r.memory) {
      const dir = path.join(root, 'memory', rel);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'memory.limit_in_bytes'), String(r.memory));
    }
    if (r.nanoCpus) {
      const dir = path.join(root, 'cpu', rel);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(CFS_PERIOD));
      fs.writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), String(Math.round((r.nanoCpus / 1e9) * CFS_PERIOD)));
    }
  } catch (e) {
    throw new BerthError('Internal', `setting the limits of pod "${pod.spec.name}" in its cgroup ${pod.cgroupParent}: ${(e as Error).message}`);
  }
}

/** Remove the pod's cgroup directories in every hierarchy (its members' are gone by then). */
export function removePodCgroup(cgroupParent: string, root = CGROUP_ROOT): void {
  const rel = cgroupParent.replace(/^\/+/, '');
  if (rel === '' || rel.split('/').includes('..')) return;
  const dirs = isV2(root) ? [path.join(root, rel)] : v1Hierarchies(root).map((h) => path.join(h, rel));
  for (const dir of dirs) {
    try {
      fs.rmdirSync(dir);
    } catch {
      /* absent, or a member's cgroup is still there: the next rm retries */
    }
  }
}

/** The pod cgroup directories that still exist (for tests and `pod inspect`). */
export function podCgroupDirs(cgroupParent: string, root = CGROUP_ROOT): string[] {
  const rel = cgroupParent.replace(/^\/+/, '');
  const dirs = isV2(root) ? [path.join(root, rel)] : v1Hierarchies(root).map((h) => path.join(h, rel));
  return dirs.filter((d) => fs.existsSync(d));
}
