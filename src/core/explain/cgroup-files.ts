/** Reads one file of a cgroup controller; undefined when absent. Tests pass fixture text. */
export type CgroupReader = (controller: string, file: string) => string | undefined;

/** A number from a cgroup file: `max` (and v1's huge "no limit" values) mean no limit → null. */
export function limitValue(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (t === '' || t === 'max' || t === '-1') return null;
  const n = Number(t);
  // v1 reports "no memory limit" as LONG_MAX rounded down to a page: 9223372036854771712
  if (!Number.isFinite(n) || n >= 2 ** 62) return null;
  return n;
}

/** A plain counter; null when the file is absent. */
export function counterValue(text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : null;
}

/** `key value` lines (memory.stat, cpu.stat, memory.events, memory.oom_control). */
export function keyValues(text: string | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined) m.set(k, Number(v));
  }
  return m;
}
