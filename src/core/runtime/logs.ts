import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { BerthError, isErrno } from '../errors/index.js';
import { LogRenderer, parseLogChunk, type LogPiece, type LogRecord } from './k8s-log-format.js';

export interface ReadLogsOptions {
  /** only the last N lines (after the since/until filter); undefined: all */
  tail?: number;
  since?: Date;
  until?: Date;
  /** prefix each line with its RFC 3339 UTC time and a space, as `docker logs -t` */
  timestamps: boolean;
  /** docker's --details: the attributes (logAttributes) and a space before each line */
  details?: boolean;
  detailsAttrs?: string;
  /** keep printing new output until the container stops */
  follow: boolean;
  /**
   * asked while following and idle: once false (and the file is drained) following ends. Base it
   * on the exit file (`readExitCode(...) === null`), not on `runc state`: runc says stopped as
   * soon as pid 1 dies, while conmon may still be copying its last output into the log; conmon
   * writes the exit file after that
   */
  isRunning: () => boolean | Promise<boolean>;
  /** ends reading quietly (Ctrl-C on `logs -f`) */
  signal?: AbortSignal;
  /** how often to look for new output when no change event came (default 250 ms) */
  pollMs?: number;
}

/**
 * Print a container's k8s-file log (written by conmon) to stdout/stderr, each line to the
 * stream it came from. With `follow`, keeps reading as conmon appends; notices when conmon
 * replaces the file (--log-size-max and log reopen write a new file and rename it over the
 * old one) or truncates it, and then starts again at the top of the new file.
 *
 * @example
 * await readLogs(ctr.log, { timestamps: false, follow: true, isRunning: () => isProcessAlive(conmonPid) },
 *   { stdout: process.stdout, stderr: process.stderr });
 */
export async function readLogs(logPath: string, opts: ReadLogsOptions, out: { stdout: Writable; stderr: Writable }): Promise<void> {
  const renderer = new LogRenderer({
    timestamps: opts.timestamps,
    ...(opts.details ? { details: true, ...(opts.detailsAttrs ? { detailsAttrs: opts.detailsAttrs } : {}) } : {}),
    ...(opts.since ? { since: opts.since } : {}),
    ...(opts.until ? { until: opts.until } : {}),
  });
  const reader = new LogFileReader(logPath);
  try {
    await write(out, renderer.render(reader.read(), opts.tail));
    if (!opts.follow || opts.signal?.aborted) return;
    await follow(reader, renderer, opts, out);
  } finally {
    reader.close();
  }
}

async function follow(reader: LogFileReader, renderer: LogRenderer, opts: ReadLogsOptions, out: { stdout: Writable; stderr: Writable }): Promise<void> {
  const pollMs = opts.pollMs ?? 250;
  const base = path.basename(reader.file);
  let wake: (() => void) | null = null;
  let changed = false;
  const poke = (): void => {
    changed = true;
    wake?.();
  };
  let watcher: fs.FSWatcher | null = null;
  try {
    // watch the directory, not the file: conmon replaces the file by rename
    watcher = fs.watch(path.dirname(reader.file), (_e, name) => {
      if (name === null || name === base) poke();
    });
    watcher.on('error', () => undefined);
  } catch {
    watcher = null;
  }
  opts.signal?.addEventListener('abort', poke, { once: true });
  try {
    let lastRunningCheck = 0;
    while (!opts.signal?.aborted) {
      const recs = reader.read();
      if (recs.length > 0) {
        await write(out, renderer.render(recs));
        continue;
      }
      // docker's follow ends at --until: nothing later can be shown
      if (opts.until !== undefined && Date.now() > opts.until.getTime()) {
        await write(out, renderer.render(reader.read()));
        return;
      }
      if (Date.now() - lastRunningCheck >= pollMs) {
        lastRunningCheck = Date.now();
        if (!(await opts.isRunning())) {
          // conmon writes the log before the container counts as exited: one last drain
          await write(out, renderer.render(reader.read()));
          return;
        }
      }
      if (!changed) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = null;
      }
      changed = false;
    }
  } finally {
    watcher?.close();
    opts.signal?.removeEventListener('abort', poke);
  }
}

/** Reads a growing log file in increments, across truncation and replacement by rename. */
class LogFileReader {
  readonly file: string;
  private fd: number | null = null;
  private ino = 0;
  private offset = 0;
  private rest: Buffer = Buffer.alloc(0);

  constructor(file: string) {
    this.file = file;
  }

  /** Records of every complete line written since the last call. */
  read(): LogRecord[] {
    const records: LogRecord[] = [];
    if (this.fd === null && !this.open()) return records;
    records.push(...this.drain());
    // replaced (rename over it): finish the old file above, then start on the new one
    const current = statIno(this.file);
    if (current !== null && current !== this.ino) {
      this.close();
      if (this.open()) records.push(...this.drain());
    }
    return records;
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private open(): boolean {
    try {
      this.fd = fs.openSync(this.file, 'r');
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return false;
      throw new BerthError('Internal', `opening log ${JSON.stringify(this.file)}`, { cause: e });
    }
    this.ino = fs.fstatSync(this.fd).ino;
    this.offset = 0;
    this.rest = Buffer.alloc(0);
    return true;
  }

  private drain(): LogRecord[] {
    if (this.fd === null) return [];
    const size = fs.fstatSync(this.fd).size;
    if (size < this.offset) {
      // truncated in place: what was there is gone, start over
      this.offset = 0;
      this.rest = Buffer.alloc(0);
    }
    const records: LogRecord[] = [];
    for (;;) {
      // a fresh buffer per read: records point into it
      const chunk = Buffer.allocUnsafe(Math.max(64 * 1024, Math.min(size - this.offset, 16 * 1024 * 1024)));
      const n = fs.readSync(this.fd, chunk, 0, chunk.length, this.offset);
      if (n === 0) break;
      this.offset += n;
      const buf = this.rest.length > 0 ? Buffer.concat([this.rest, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      const { records: recs, used } = parseLogChunk(buf);
      records.push(...recs);
      this.rest = Buffer.from(buf.subarray(used));
    }
    return records;
  }
}

function statIno(file: string): number | null {
  try {
    return fs.statSync(file).ino;
  } catch {
    return null;
  }
}

async function write(out: { stdout: Writable; stderr: Writable }, pieces: LogPiece[]): Promise<void> {
  for (const p of pieces) {
    const stream = p.stream === 'stderr' ? out.stderr : out.stdout;
    if (stream.destroyed) continue;
    if (!stream.write(p.data)) await drained(stream);
  }
}

function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

/**
 * What docker's json-file logger attaches to each line from --log-opt labels=, labels-regex=, env=
 * and env-regex= (the container's values of those labels and variables), as `logs --details`
 * prints it: sorted by key, query-escaped, `k=v` joined by commas.
 *
 * @example
 * logAttributes({ labels: 'app' }, { app: 'web' }, ['E=1']) // "app=web"
 */
export function logAttributes(config: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>, env: readonly string[]): string {
  const extra = new Map<string, string>();
  for (const l of (config['labels'] ?? '').split(',')) if (l && Object.hasOwn(labels, l)) extra.set(l, labels[l] as string);
  if (config['labels-regex']) {
    const re = new RegExp(config['labels-regex']);
    for (const [k, v] of Object.entries(labels)) if (re.test(k)) extra.set(k, v);
  }
  const vars = new Map<string, string>();
  for (const e of env) {
    const i = e.indexOf('=');
    if (i > 0) vars.set(e.slice(0, i), e.slice(i + 1));
  }
  for (const l of (config['env'] ?? '').split(',')) if (l && vars.has(l)) extra.set(l, vars.get(l) as string);
  if (config['env-regex']) {
    const re = new RegExp(config['env-regex']);
    for (const [k, v] of vars) if (re.test(k)) extra.set(k, v);
  }
  // Go's url.QueryEscape: spaces as +, and ~ escaped too
  const q = (s: string) =>
    encodeURIComponent(s)
      .replace(/%20/g, '+')
      .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [...extra.keys()]
    .sort()
    .map((k) => `${q(k)}=${q(extra.get(k) as string)}`)
    .join(',');
}
