/**
 * conmon's k8s-file log format (memo §2): one record per read(2) chunk of container output,
 *
 *     2026-11-29T10:00:36.407811429+00:00 stdout F line1
 *     2026-11-29T10:00:36.407811429+00:00 stdout P partial
 *     2026-11-29T10:00:37.409173213+00:00 stdout F  end
 *
 * F ends a line, P is a piece of a longer line (no newline yet) that the next record of the
 * same stream continues. stdout and stderr interleave; each has its own open line. Data is kept
 * as bytes so a UTF-8 character split across chunks survives.
 */

export type LogStream = 'stdout' | 'stderr';

/** A point in time with nanosecond precision, UTC. */
export interface LogTime {
  /** whole seconds since the epoch */
  seconds: number;
  /** 0..999 999 999 */
  nanos: number;
}

export interface LogRecord {
  time: LogTime;
  stream: LogStream;
  /** P: the line goes on in the next record of this stream */
  partial: boolean;
  data: Buffer;
}

const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Parse an RFC 3339 timestamp with up to 9 fraction digits; null if it is not one. */
export function parseLogTime(text: string): LogTime | null {
  const m = TIME_RE.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let seconds = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    seconds -= sign * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
  }
  return { seconds, nanos: Number((frac ?? '').padEnd(9, '0')) };
}

/**
 * docker's `--timestamps` form: RFC 3339 in UTC with exactly nine fraction digits, e.g.
 * `2026-11-29T10:00:36.407811429Z`.
 */
export function formatLogTime(t: LogTime): string {
  const iso = new Date(t.seconds * 1000).toISOString(); // 2026-11-29T10:00:36.000Z
  return `${iso.slice(0, 19)}.${String(t.nanos).padStart(9, '0')}Z`;
}

/** Order a log time against a Date: negative before, 0 equal, positive after (exact, no float). */
export function compareLogTime(t: LogTime, d: Date): number {
  const ms = d.getTime();
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * 1_000_000;
  return t.seconds !== seconds ? t.seconds - seconds : t.nanos - nanos;
}

const SPACE = 0x20;

/** Parse one log line (without its newline); null for anything that is not a record. */
export function parseLogRecord(line: Buffer): LogRecord | null {
  const s1 = line.indexOf(SPACE);
  if (s1 < 0) return null;
  const s2 = line.indexOf(SPACE, s1 + 1);
  if (s2 < 0) return null;
  const time = parseLogTime(line.toString('latin1', 0, s1));
  const stream = line.toString('latin1', s1 + 1, s2);
  if (time === null || (stream !== 'stdout' && stream !== 'stderr')) return null;
  const tag = line[s2 + 1];
  const afterTag = line[s2 + 2];
  if ((tag !== 0x46 /* F */ && tag !== 0x50) /* P */ || (afterTag !== undefined && afterTag !== SPACE)) return null;
  return { time, stream, partial: tag === 0x50, data: line.subarray(Math.min(s2 + 3, line.length)) };
}

/**
 * Split a chunk of the log file into records. Returns the records of the complete lines and
 * how many bytes they used; the rest (a line still being written) is for the next call.
 */
export function parseLogChunk(buf: Buffer): { records: LogRecord[]; used: number } {
  const records: LogRecord[] = [];
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) break;
    const rec = parseLogRecord(buf.subarray(start, nl));
    if (rec !== null) records.push(rec);
    start = nl + 1;
  }
  return { records, used: start };
}

/** Which lines to show and how (docker logs flags). */
export interface RenderOptions {
  timestamps: boolean;
  /**
   * `docker logs --details`: the line's extra attributes (--log-opt labels/env) and a space
   * before it, after the timestamp
   */
  details?: boolean;
  /** the attributes --details prints (`k=v,k2=v2`, see logAttributes); none by default */
  detailsAttrs?: string;
  /** keep lines that started at or after this time */
  since?: Date;
  /** keep lines that started at or before this time */
  until?: Date;
}

/** A piece of output for one stream. */
export interface LogPiece {
  stream: LogStream;
  data: Buffer;
}

/**
 * Turns records into output, remembering per stream whether a line is open (a P record seen)
 * and whether that line is shown, so a follow loop can feed it batch after batch. A line's time
 * is its first record's time; the timestamp prefix is printed once per line.
 *
 * @example
 * const r = new LogRenderer({ timestamps: false });
 * r.render(parseLogChunk(buf).records, 10); // the last 10 lines as pieces
 */
export class LogRenderer {
  private readonly opts: RenderOptions;
  /** per stream: undefined at a line start, else whether the open line is shown */
  private readonly open: Record<LogStream, boolean | undefined> = { stdout: undefined, stderr: undefined };

  constructor(opts: RenderOptions) {
    this.opts = opts;
  }

  /**
   * Render records in order. With `tail`, only the last `tail` lines that start in this batch
   * (after the since/until filter) are shown; a line left open by the previous batch keeps its
   * earlier decision.
   */
  render(records: readonly LogRecord[], tail?: number): LogPiece[] {
    // pass 1: which new lines pass the time window, numbered in order of their first record
    const lineOf: number[] = [];
    const shown: boolean[] = [];
    const open: Record<LogStream, number | undefined> = { stdout: undefined, stderr: undefined };
    const carried: Record<LogStream, boolean> = { stdout: this.open.stdout !== undefined, stderr: this.open.stderr !== undefined };
    for (const rec of records) {
      let line = open[rec.stream];
      if (line === undefined) {
        if (carried[rec.stream]) {
          line = -1; // continues the line the previous batch left open
        } else {
          line = shown.length;
          shown.push(this.inWindow(rec.time));
        }
      }
      lineOf.push(line);
      if (rec.partial) open[rec.stream] = line;
      else {
        open[rec.stream] = undefined;
        carried[rec.stream] = false;
      }
    }
    if (tail !== undefined) {
      let keep = Math.max(0, tail);
      for (let i = shown.length - 1; i >= 0; i--) {
        if (!shown[i]) continue;
        if (keep > 0) keep--;
        else shown[i] = false;
      }
    }
    // pass 2: emit
    const pieces: LogPiece[] = [];
    records.forEach((rec, i) => {
      const line = lineOf[i] ?? -1;
      const continuing = line === -1;
      const show = continuing ? (this.open[rec.stream] ?? false) : (shown[line] ?? false);
      const atStart = !continuing && this.open[rec.stream] === undefined;
      if (show) {
        const parts: Buffer[] = [];
        if (this.opts.timestamps && atStart) parts.push(Buffer.from(`${formatLogTime(rec.time)} `));
        if (this.opts.details && atStart) parts.push(this.opts.detailsAttrs ? Buffer.from(`${this.opts.detailsAttrs} `) : DETAILS_SEPARATOR);
        parts.push(rec.data);
        if (!rec.partial) parts.push(NEWLINE);
        pieces.push({ stream: rec.stream, data: parts.length === 1 ? rec.data : Buffer.concat(parts) });
      }
      this.open[rec.stream] = rec.partial ? show : undefined;
    });
    return pieces;
  }

  private inWindow(t: LogTime): boolean {
    if (this.opts.since !== undefined && compareLogTime(t, this.opts.since) < 0) return false;
    if (this.opts.until !== undefined && compareLogTime(t, this.opts.until) > 0) return false;
    return true;
  }
}

const NEWLINE = Buffer.from('\n');
const DETAILS_SEPARATOR = Buffer.from(' ');
