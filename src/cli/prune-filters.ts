import { BerthError } from '../core/errors/berth-error.js';
import type { PruneFilters } from '../core/prune/prune-filters.js';

/** `until=TIME`, `label=K[=V]`, `label!=K[=V]`: the filters docker's prune commands take. */
export async function pruneFilters(values: readonly string[]): Promise<PruneFilters> {
  const { parseSince } = await import('./commands/logs.js');
  const out: PruneFilters = {};
  for (const v of values) {
    const m = /^(until|label!?)=(.*)$/.exec(v);
    if (!m) throw new BerthError('InvalidArgument', `invalid filter '${v}': prune takes until=<timestamp> and label=<key>[=<value>]`);
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'until') out.until = parseSince(value);
    else {
      const eq = value.indexOf('=');
      (out.labels ??= []).push({ key: eq < 0 ? value : value.slice(0, eq), ...(eq < 0 ? {} : { value: value.slice(eq + 1) }), negate: key === 'label!' });
    }
  }
  return out;
}
