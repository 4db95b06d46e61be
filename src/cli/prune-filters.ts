import { parsePruneFilters, parseVolumePruneFilters, type PruneFilters } from '../core/prune/prune-filters.js';

/** `until=TIME`, `label=K[=V]`, `label!=K[=V]`: the filters docker's prune commands take. */
export async function pruneFilters(values: readonly string[]): Promise<PruneFilters> {
  return parsePruneFilters(values);
}

/** `volume prune --filter`: label=, label!= and all= (see parseVolumePruneFilters). */
export function volumePruneFilters(values: readonly string[]): ReturnType<typeof parseVolumePruneFilters> {
  return parseVolumePruneFilters(values);
}
