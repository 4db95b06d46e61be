import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import { volumeUser } from '../containers/volumes.js';
import { prunable, type PruneFilters } from '../prune/prune-filters.js';

/**
 * docker volume prune's choice: unused volumes, only anonymous ones unless `all` (docker >= 23's
 * default, `-a` or the `all=true` filter), and of those only the ones the label filters
 * (`label=K[=V]`, `label!=K[=V]`, all must hold) select. Volumes take no `until` in docker.
 */
export interface VolumePruneOptions {
  all: boolean;
  filters?: Pick<PruneFilters, 'labels'>;
}

/** Remove the unused volumes `opts` selects; everything else is kept. */
export function pruneVolumes(ctx: EngineContext, opts: VolumePruneOptions): { removed: string[]; reclaimed: number } {
  const removed: string[] = [];
  let reclaimed = 0;
  for (const v of ctx.volumes.list()) {
    if (!opts.all && !v.anonymous) continue;
    if (!prunable({ labels: opts.filters?.labels ?? [] }, v.created, v.labels)) continue;
    if (volumeUser(ctx, v.name)) continue;
    const size = ctx.volumes.size(v.name);
    try {
      // asked again inside the removal's transaction: a run that took the volume since is kept
      ctx.volumes.remove(v.name, () => volumeUser(ctx, v.name), true);
    } catch (e) {
      if (e instanceof BerthError && e.kind === 'Conflict') continue;
      throw e;
    }
    reclaimed += size;
    removed.push(v.name);
  }
  return { removed, reclaimed };
}
