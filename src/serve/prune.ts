import { parsePruneFilters, type PruneFilters } from '../core/prune/prune-filters.js';
import { decodeFilters, filterArgs } from './filters.js';
import type { Request } from './http.js';

/** The `filters` of a prune request (until, label, label!). */
export function pruneFilters(req: Request): PruneFilters {
  return parsePruneFilters(filterArgs(decodeFilters(req.query.get('filters'))));
}
