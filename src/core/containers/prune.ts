import type { EngineContext } from '../engine-context.js';
import { dirSize } from '../volumes/volume-store.js';
import { containerPaths } from './container-paths.js';
import { refreshContainer } from './exit.js';
import { removeContainer } from './remove.js';
import { repairContainers } from './repair.js';

/**
 * docker container prune: every container that is not running (created, exited, dead), after
 * finishing what crashed commands left (half-created rows, network sandboxes, mounts).
 */
export async function pruneContainers(ctx: EngineContext, opts: { filters?: PruneFilters } = {}): Promise<{ removed: string[]; reclaimed: number }> {
  await repairContainers(ctx);
  const f = opts.filters ?? {};
  const removed: string[] = [];
  let reclaimed = 0;
  for (const c0 of ctx.containers.list()) {
    const c = refreshContainer(ctx, c0);
    if (['running', 'paused', 'restarting', 'removing'].includes(c.state.status)) continue;
    if (f.until !== undefined && !(Date.parse(c.created) < f.until.getTime())) continue;
    if (!(f.labels ?? []).every((l) => labelMatches(c.spec.labels, l))) continue;
    reclaimed += dirSize(containerPaths(ctx.paths, c.id).upper);
    await removeContainer(ctx, c.id, {});
    removed.push(c.id);
  }
  return { removed, reclaimed };
}

/** docker container prune --filter: until=TIME (created before), label=K[=V] and label!=K[=V]. */
export interface PruneFilters {
  until?: Date;
  labels?: Array<{ key: string; value?: string; negate: boolean }>;
}

function labelMatches(labels: Record<string, string>, l: { key: string; value?: string; negate: boolean }): boolean {
  const has = l.key in labels && (l.value === undefined || labels[l.key] === l.value);
  return l.negate ? !has : has;
}
