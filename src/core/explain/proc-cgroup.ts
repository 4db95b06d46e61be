import path from 'node:path';
import type { CgroupPath, MountEntry } from './types.js';

/**
 * Decode /proc/PID/cgroup: `hierarchy-id:controllers:path` per line; v2 is `0::path`. The paths
 * are relative to the reader's cgroup namespace, so read from the host they are host paths.
 *
 * @example parseProcCgroup('8:pids:/berth/abc\n0::/berth/abc\n')
 */
export function parseProcCgroup(text: string): CgroupPath[] {
  const out: CgroupPath[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    out.push({ hierarchy: Number(m[1]), controllers: (m[2] ?? '').split(',').filter(Boolean), path: m[3] ?? '/' });
  }
  return out;
}

/**
 * The directory of a cgroup on this host: the mount of its hierarchy (cgroup2 for `0::`, else the
 * cgroup mount whose super options name all its controllers), joined with the path below the
 * mount's root. Null when the hierarchy is not mounted or the cgroup lies outside the mount.
 *
 * @example cgroupDir({ hierarchy: 8, controllers: ['pids'], path: '/berth/abc' }, hostMounts) // '/sys/fs/cgroup/pids/berth/abc'
 */
export function cgroupDir(entry: CgroupPath, mounts: readonly MountEntry[]): string | null {
  const mount = mounts.find((m) =>
    entry.hierarchy === 0 ? m.fsType === 'cgroup2' : m.fsType === 'cgroup' && entry.controllers.every((c) => m.superOptions.includes(c)),
  );
  if (!mount) return null;
  const rel = path.posix.relative(mount.root, entry.path);
  if (rel.startsWith('..')) return null;
  return path.posix.join(mount.target, rel);
}

/** v1 if any line names a controller with a path; v2 if the only line is `0::`. */
export function cgroupVersionOf(paths: readonly CgroupPath[]): 1 | 2 {
  return paths.some((p) => p.hierarchy !== 0 && p.controllers.some((c) => !c.startsWith('name='))) ? 1 : 2;
}
