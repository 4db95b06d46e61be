import { BerthError } from '../errors/berth-error.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Go's time.ParseDuration in milliseconds ("1h30m", "1.5h", "300ms", "-5m"), or undefined when
 * `s` is not one.
 *
 * @example
 * goDurationMs('1m30s') // 90000
 */
export function goDurationMs(s: string): number | undefined {
  const sign = s.startsWith('-') ? -1 : 1;
  const rest = s.startsWith('-') || s.startsWith('+') ? s.slice(1) : s;
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  const part = /(\d*\.?\d*)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < rest.length) {
    part.lastIndex = pos;
    const m = part.exec(rest);
    if (!m || m[1] === '' || m[1] === '.') return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
    pos = part.lastIndex;
  }
  return sign * total;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?)?([zZ]|[+-]\d{2}:\d{2})?$/;

/**
 * docker's timetypes.GetTimestamp, as `--since`/`--until` and `until=` filters read a value: a Go
 * duration before `now` ("10m", "1h30m", "1.5h"), unix seconds[.nanoseconds], or a date and time
 * (RFC 3339, 2006-01-02T15:04:05, 2006-01-02T15:04, 2006-01-02T15, 2006-01-02, with or without a
 * zone; without one the local time zone).
 */
export function parseSince(v: string, now = Date.now(), flag = 'since'): Date {
  const bad = () => new BerthError('InvalidArgument', `invalid value for "${flag}": failed to parse value as time or duration: "${v}"`);
  const dur = v === '0' ? undefined : goDurationMs(v);
  if (dur !== undefined) return new Date(now - dur);
  if (/^\d+(\.\d+)?$/.test(v)) return new Date(Number(v) * 1000);
  const m = DATE_TIME.exec(v);
  if (!m) throw bad();
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const probe = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) throw bad();
  const zone = m[8];
  if (!zone) return new Date(y, mo - 1, d, h, mi, s, ms);
  const offsetMin = /^[zZ]$/.test(zone) ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000);
}
