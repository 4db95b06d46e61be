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
export async function pruneContainers(ctx: EngineContext): Promise<{ removed: string[]; reclaimed: number }> {
  await repairContainers(ctx);
  const removed: string[] = [];
  let reclaimed = 0;
  for (const c0 of ctx.containers.list()) {
    const c = refreshContainer(ctx, c0);
    if (['running', 'paused', 'restarting', 'removing'].includes(c.state.status)) continue;
    reclaimed += dirSize(containerPaths(ctx.paths, c.id).upper);
    await removeContainer(ctx, c.id, {});
    removed.push(c.id);
  }
  return { removed, reclaimed };
}
