import { BerthError } from '../errors/berth-error.js';
import { parseSince } from '../format/time-arg.js';
/**
 * docker's prune filters, the same for containers, images and networks: `until=` (created
 * before) and `label=K[=V]` / `label!=K[=V]` (on the object's labels; all must hold).
 */
export interface PruneFilters {
  until?: Date;
  labels?: Array<{ key: string; value?: string; negate: boolean }>;
}

/** Whether an object created at `created` (ISO 8601, '' when unknown) with these labels is pruned. */
export function prunable(filters: PruneFilters, created: string, labels: Record<string, string>): boolean {
  if (filters.until !== undefined) {
    const t = Date.parse(created);
    // an object that does not say when it was made is kept when a time is asked for
    if (Number.isNaN(t) || !(t < filters.until.getTime())) return false;
  }
  return (filters.labels ?? []).every((l) => {
    const has = l.key in labels && (l.value === undefined || labels[l.key] === l.value);
    return l.negate ? !has : has;
  });
}

/** `until=TIME`, `label=K[=V]`, `label!=K[=V]`: the filters docker's prune commands take. */
export function parsePruneFilters(values: readonly string[]): PruneFilters {
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
