import { BerthError } from '../errors/berth-error.js';

const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/**
 * A Go duration (`30s`, `1m30s`, `500ms`) in nanoseconds, as HEALTHCHECK's flags take it and the
 * image config stores it.
 *
 * @example
 * parseGoDuration('1m30s', '--interval') // 90000000000
 */
export function parseGoDuration(s: string, flag: string): number {
  if (s === '0') return 0;
  // \u00b5 (µ) escaped: the bundle stays ASCII, which bin/berth.cjs reads as latin1 (scripts/bundle.mjs)
  const re = /(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (UNITS[m[2] as string] as number);
    pos = re.lastIndex;
  }
  if (pos === 0 || pos !== s.length) throw new BerthError('InvalidArgument', `invalid duration "${s}" for --${flag}`);
  return Math.round(total);
}

/**
 * EXPOSE words as ExposedPorts keys: `80` → `80/tcp`, `53/udp`, ranges `8000-8002` expanded to
 * one key per port (docker's nat.ParsePortSpecs).
 */
export function exposedPorts(words: readonly string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(w);
    if (!m) throw new BerthError('InvalidArgument', `invalid containerPort: ${w}`);
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    if (hi < lo || hi > 65535 || hi - lo > 65535) throw new BerthError('InvalidArgument', `invalid range specified for container port: ${w}`);
    const proto = (m[3] ?? 'tcp').toLowerCase();
    for (let p = lo; p <= hi; p++) out.push(`${p}/${proto}`);
  }
  return out;
}
