import { BerthError } from '../errors/berth-error.js';

/** Docker accepts RFC 3339 timestamps, unix seconds, or a duration relative to now (10m, 1h30m). */
export function parseSince(v: string, now = Date.now()): Date {
  if (/^\d+(\.\d+)?$/.test(v)) return new Date(Number(v) * 1000);
  const dur = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(v);
  if (dur && v !== '') return new Date(now - ((Number(dur[1] ?? 0) * 60 + Number(dur[2] ?? 0)) * 60 + Number(dur[3] ?? 0)) * 1000);
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new BerthError('InvalidArgument', `invalid value for "since": failed to parse value as time or duration: "${v}"`);
  return d;
}
