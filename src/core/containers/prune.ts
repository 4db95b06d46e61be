import type { EngineContext } from '../engine-context.js';
import { dirSize } from '../volumes/volume-store.js';
import { containerPaths } from './container-paths.js';
import { refreshContainer } from './exit.js';
import { removeContainer } from './remove.js';
import { repairContainers } from './repair.js';
import { podStore } from '../pods/pod-store.js';
import { prunable, type PruneFilters } from '../prune/prune-filters.js';
import { reclaimLeftovers } from '../system/leftovers.js';

export type { PruneFilters } from '../prune/prune-filters.js';

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
    // pods: a pod's infra goes with its pod (pod rm, pod prune), never alone
    if (c.spec.podInfra && c.spec.pod && podStore(ctx).get(c.spec.pod)) continue;
    if (!prunable(f, c.created, c.spec.labels)) continue;
    reclaimed += dirSize(containerPaths(ctx.paths, c.id).upper);
    await removeContainer(ctx, c.id, {});
    removed.push(c.id);
  }
  // the work dirs of execs whose berth was killed
  reclaimed += reclaimLeftovers(ctx.paths, ['exec']).reclaimed;
  return { removed, reclaimed };
}

/** docker container prune --filter: until=TIME (created before), label=K[=V] and label!=K[=V]. */
