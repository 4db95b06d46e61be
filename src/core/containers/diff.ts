import path from 'node:path';
import type { EngineContext } from '../engine-context.js';
import { isEmptyStub, listChanges, type Change } from '../snapshots/list-changes.js';
import { containerPaths } from './container-paths.js';

/**
 * Mount points the engine makes for every container, as docker's init layer holds them: the
 * empty files and directories the runtime creates in the upper dir to mount on are not the
 * container's changes, and docker diff never lists them.
 */
const INIT_PATHS = new Set([
  '/etc/hostname',
  '/etc/hosts',
  '/etc/resolv.conf',
  '/etc/mtab',
  '/dev/pts',
  '/dev/shm',
  '/dev/mqueue',
  '/dev/console',
  '/proc',
  '/sys',
  '/sys/fs/cgroup',
  '/run/.containerenv',
  '/.dockerenv',
]);

/** docker diff: what the container changed, read from its overlay upper dir against the image layers. */
export function containerDiff(ctx: EngineContext, ref: string): Change[] {
  const rec = ctx.containers.lookup(ref);
  const lowers = [...rec.image.chainIds].reverse().map((c) => ctx.layers.diffDir(c));
  const upper = containerPaths(ctx.paths, rec.id).upper;
  return withoutMountStubs(listChanges(upper, lowers), upper);
}

/** The runtime's mount-point stubs in an upper dir: absolute container paths, empty and added. */
export function mountStubs(upper: string, changes?: readonly Change[]): Set<string> {
  const candidates = changes ? changes.filter((c) => c.kind === 'A').map((c) => c.path) : [...INIT_PATHS];
  return new Set(candidates.filter((p) => INIT_PATHS.has(p) && isEmptyStub(path.join(upper, p))));
}

/**
 * Drop the runtime's mount-point stubs (empty, and added), then the directories listed as
 * changed only because a stub was made in them.
 */
export function withoutMountStubs(changes: Change[], upper: string): Change[] {
  const stubs = mountStubs(upper, changes);
  if (stubs.size === 0) return changes;
  const kept = changes.filter((c) => !stubs.has(c.path));
  return kept.filter((c) => {
    if (c.kind !== 'C' || ![...stubs].some((s) => s.startsWith(`${c.path}/`))) return true;
    // a parent of a stub stays only when something else under it changed
    return kept.some((o) => o.path.startsWith(`${c.path}/`));
  });
}
