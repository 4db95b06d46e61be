/**
 * The order of docker's `sortorder.NaturalLess` (how `network ls` and `volume ls` sort names): runs
 * of digits compare as numbers, everything else byte by byte.
 *
 * @example
 * ['n10', 'n9', 'a'].sort(naturalCompare) // ['a', 'n9', 'n10']
 */
export function naturalCompare(a: string, b: string): number {
  const chunks = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const x = chunks(a);
  const y = chunks(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] as string;
    const q = y[i] as string;
    const pn = /^\d/.test(p);
    const qn = /^\d/.test(q);
    if (pn && qn) {
      // equal numbers with different leading zeros: the shorter run first, as sortorder does
      const d = Number(p) - Number(q) || p.length - q.length;
      if (d !== 0) return d;
    } else if (p !== q) {
      return p < q ? -1 : 1;
    }
  }
  return x.length - y.length;
}

/**
 * docker's filter semantics: values of one key match when any of them does (`-f name=a -f name=b`
 * lists both), different keys must all match; label filters (`label=`, `label!=`) must all match.
 */
export function groupFilters(filters: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of filters) {
    const i = f.indexOf('=');
    const k = i < 0 ? f : f.slice(0, i);
    const v = i < 0 ? '' : f.slice(i + 1);
    out.set(k, [...(out.get(k) ?? []), v]);
  }
  return out;
}

/** docker's filters.Match: the value itself, or as a regular expression found in the name. */
export function filterMatch(pattern: string, s: string): boolean {
  if (pattern === s || s.includes(pattern)) return true;
  try {
    return new RegExp(pattern).test(s);
  } catch {
    return false;
  }
}
