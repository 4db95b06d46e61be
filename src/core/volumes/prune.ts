import type { EngineContext } from '../engine-context.js';
import { volumeUser } from '../containers/volumes.js';

/** docker volume prune: unused anonymous volumes, or every unused one with `all` (docker >= 23). */
export function pruneVolumes(ctx: EngineContext, opts: { all: boolean }): { removed: string[]; reclaimed: number } {
  const removed: string[] = [];
  let reclaimed = 0;
  for (const v of ctx.volumes.list()) {
    if (!opts.all && !v.anonymous) continue;
    if (volumeUser(ctx, v.name)) continue;
    reclaimed += ctx.volumes.size(v.name);
    ctx.volumes.remove(v.name, undefined, true);
    removed.push(v.name);
  }
  return { removed, reclaimed };
}
