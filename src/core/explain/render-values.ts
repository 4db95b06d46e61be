import { bytesSize } from '../format/units.js';
import type { IdMapEntry, NamespaceView } from './types.js';

/** Small value formatters shared by the renderers and the diff. */

export const bytes = (n: number | null): string => (n === null ? '-' : bytesSize(n));
export const count = (n: number | null): string => (n === null ? '-' : String(n));
export const limit = (n: number | null, fmt: (n: number) => string = String): string => (n === null ? 'unlimited' : fmt(n));

export function microseconds(us: number | null): string {
  if (us === null) return '-';
  if (us < 1000) return `${us}µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(1)}ms`;
  return `${(us / 1e6).toFixed(2)}s`;
}

export function cpuQuota(quotaUs: number | null, periodUs: number | null): string {
  if (quotaUs === null) return 'unlimited';
  const cpus = periodUs ? ` (${+(quotaUs / periodUs).toFixed(2)} CPUs)` : '';
  return `${quotaUs}µs per ${periodUs ?? '?'}µs${cpus}`;
}

export function sharedText(v: NamespaceView): string {
  if (v.inode === null) return 'not supported';
  if (v.sharedWith === 'host') return 'shared with the host';
  if (v.sharedWith === 'private') return 'isolated';
  return `shared with ${v.sharedWith.containers.join(', ')}`;
}

export function idMapText(map: readonly IdMapEntry[]): string {
  if (map.length === 0) return '-';
  return map
    .map((m) =>
      m.count === 4294967295 && m.inside === 0 && m.outside === 0
        ? "all ids are the host's (no user namespace)"
        : `${m.inside}-${m.inside + m.count - 1} → ${m.outside}-${m.outside + m.count - 1}`,
    )
    .join(', ');
}

export function capList(caps: readonly string[]): string {
  return caps.length === 0 ? 'none' : caps.map((c) => c.replace(/^CAP_/, '').toLowerCase()).join(' ');
}
