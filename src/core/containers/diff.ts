import path from 'node:path';
import type { EngineContext } from '../engine-context.js';
import { isEmptyStub, listChanges, type Change } from '../snapshots/list-changes.js';
import { containerPaths } from './container-paths.js';

/**
 * Mount points the engine makes for every container, as docker's init layer holds them: the
 * empty files and directories the runtime creates in the upper dir to mount on are not the
 * container's changes, and docker diff never lists them.
 */
const INIT_PATHS = new Set(['/etc/hostname', '/etc/hosts', '/etc/resolv.conf', '/etc/mtab', '/dev/pts', '/dev/shm', '/dev/mqueue', '/dev/console', '/proc', '/sys', '/sys/fs/cgroup', '/run/.containerenv', '/.dockerenv']);

/** docker diff: what the container changed, read from its overlay upper dir against the image layers. */
export function containerDiff(ctx: EngineContext, ref: string): Change[] {
  const rec = ctx.containers.lookup(ref);
  const lowers = [...rec.image.chainIds].reverse().map((c) => ctx.layers.diffDir(c));
  const upper = containerPaths(ctx.paths, rec.id).upper;
  return withoutMountStubs(listChanges(upper, lowers), upper);
}

/**
 * Drop the runtime's mount-point stubs (empty, and added), then the directories listed as
 * changed only because a stub was made in them.
 */
export function withoutMountStubs(changes: Change[], upper: string): Change[] {
  const stubs = changes.filter((c) => c.kind === 'A' && INIT_PATHS.has(c.path) && isEmptyStub(path.join(upper, c.path)));
  if (stubs.length === 0) return changes;
  const dropped = new Set(stubs.map((c) => c.path));
  const kept = changes.filter((c) => !dropped.has(c.path));
  return kept.filter((c) => {
    if (c.kind !== 'C' || !stubs.some((s) => s.path.startsWith(`${c.path}/`))) return true;
    // a parent of a stub stays only when something else under it changed
    return kept.some((o) => o.path.startsWith(`${c.path}/`));
  });
}
