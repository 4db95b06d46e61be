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
    else (out.labels ??= []).push(labelFilter(key, value));
  }
  return out;
}

type LabelFilter = NonNullable<PruneFilters['labels']>[number];

/** `label=K[=V]` (key 'label') or `label!=K[=V]` (key 'label!'). */
function labelFilter(key: string, value: string): LabelFilter {
  const eq = value.indexOf('=');
  return { key: eq < 0 ? value : value.slice(0, eq), ...(eq < 0 ? {} : { value: value.slice(eq + 1) }), negate: key === 'label!' };
}

/**
 * `volume prune --filter`: docker's daemon takes `label=K[=V]`, `label!=K[=V]` and `all=true|false`
 * (what `-a` sends) there, nothing else (no `until`, `name`, `dangling` or `driver`).
 */
export function parseVolumePruneFilters(values: readonly string[]): { all?: boolean; labels: LabelFilter[] } {
  const out: { all?: boolean; labels: LabelFilter[] } = { labels: [] };
  for (const v of values) {
    const m = /^(all|label!?)=(.*)$/.exec(v);
    if (!m) throw new BerthError('InvalidArgument', `invalid filter '${v}': volume prune takes label=<key>[=<value>], label!=<key>[=<value>] and all=<bool>`);
    const [, key, value] = m as unknown as [string, string, string];
    if (key !== 'all') out.labels.push(labelFilter(key, value));
    else if (/^(1|true)$/i.test(value)) out.all = true;
    else if (/^(0|false)$/i.test(value)) out.all ??= false;
    else throw new BerthError('InvalidArgument', `invalid filter 'all=${value}': all takes true or false`);
  }
  return out;
}
