import { BerthError } from '../core/errors/berth-error.js';

/**
 * The `filters` query parameter in both of docker's encodings: `{"label":["a=b"]}` (API ≥ 1.22)
 * and `{"label":{"a=b":true}}` (the older map form the CLI still sends). Returns the values per
 * key; a value mapped to false is left out, as docker's filters.FromJSON does.
 */
export function decodeFilters(text: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (text === null || text.trim() === '') return out;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new BerthError('InvalidArgument', `invalid filter: ${JSON.stringify(text)} is not JSON`);
  }
  if (v === null) return out;
  if (typeof v !== 'object' || Array.isArray(v)) throw new BerthError('InvalidArgument', 'invalid filter: expected a JSON object');
  for (const [key, values] of Object.entries(v as Record<string, unknown>)) {
    let list: string[];
    if (Array.isArray(values)) {
      list = values.map((x) => {
        if (typeof x !== 'string') throw new BerthError('InvalidArgument', `invalid filter '${key}': values must be strings`);
        return x;
      });
    } else if (values !== null && typeof values === 'object') {
      list = Object.entries(values as Record<string, unknown>)
        .filter(([, on]) => on === true)
        .map(([k]) => k);
    } else {
      throw new BerthError('InvalidArgument', `invalid filter '${key}': expected a list or a map`);
    }
    out.set(key, [...(out.get(key) ?? []), ...list]);
  }
  return out;
}

/** The decoded filters as the CLI's repeated `key=value` strings, for the core's filter parsers. */
export function filterArgs(f: Map<string, string[]>): string[] {
  return [...f].flatMap(([k, vs]) => vs.map((v) => `${k}=${v}`));
}
