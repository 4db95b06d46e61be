import { parsePruneFilters, type PruneFilters } from '../core/prune/prune-filters.js';

/** `until=TIME`, `label=K[=V]`, `label!=K[=V]`: the filters docker's prune commands take. */
export async function pruneFilters(values: readonly string[]): Promise<PruneFilters> {
  return parsePruneFilters(values);
}
