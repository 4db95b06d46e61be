import type { IdMapEntry } from './types.js';

/**
 * Decode /proc/PID/uid_map or gid_map: `inside outside count` per line. The host's own map is
 * `0 0 4294967295`: every id is itself.
 */
export function parseIdMap(text: string): IdMapEntry[] {
  const out: IdMapEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/).map(Number);
    if (f.length === 3 && f.every(Number.isFinite)) out.push({ inside: f[0] ?? 0, outside: f[1] ?? 0, count: f[2] ?? 0 });
  }
  return out;
}

/** Whether a map is the identity over all ids (no user namespace of its own). */
export function isIdentityMap(map: readonly IdMapEntry[]): boolean {
  return map.length === 1 && map[0]?.inside === 0 && map[0].outside === 0 && map[0].count === 4294967295;
}
