import { BerthError } from '../core/errors/berth-error.js';
import type { PruneFilters } from '../core/prune/prune-filters.js';

type Label = NonNullable<PruneFilters['labels']>[number];

function label(key: string, value: string): Label {
  const eq = value.indexOf('=');
  return { key: eq < 0 ? value : value.slice(0, eq), ...(eq < 0 ? {} : { value: value.slice(eq + 1) }), negate: key === 'label!' };
}

/** `until=TIME`, `label=K[=V]`, `label!=K[=V]`: the filters docker's prune commands take. */
export async function pruneFilters(values: readonly string[]): Promise<PruneFilters> {
  const { parseSince } = await import('./commands/logs.js');
  const out: PruneFilters = {};
  for (const v of values) {
    const m = /^(until|label!?)=(.*)$/.exec(v);
    if (!m) throw new BerthError('InvalidArgument', `invalid filter '${v}': prune takes until=<timestamp> and label=<key>[=<value>]`);
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'until') out.until = parseSince(value);
    else (out.labels ??= []).push(label(key, value));
  }
  return out;
}

/**
 * `volume prune --filter`: docker's daemon takes `label=K[=V]`, `label!=K[=V]` and `all=true|false`
 * (what `-a` sends) there, nothing else (no `until`, `name`, `dangling` or `driver`).
 */
export function volumePruneFilters(values: readonly string[]): { all?: boolean; labels: Label[] } {
  const out: { all?: boolean; labels: Label[] } = { labels: [] };
  for (const v of values) {
    const m = /^(all|label!?)=(.*)$/.exec(v);
    if (!m) throw new BerthError('InvalidArgument', `invalid filter '${v}': volume prune takes label=<key>[=<value>], label!=<key>[=<value>] and all=<bool>`);
    const [, key, value] = m as unknown as [string, string, string];
    if (key !== 'all') out.labels.push(label(key, value));
    else if (/^(1|true)$/i.test(value)) out.all = true;
    else if (/^(0|false)$/i.test(value)) out.all ??= false;
    else throw new BerthError('InvalidArgument', `invalid filter 'all=${value}': all takes true or false`);
  }
  return out;
}
