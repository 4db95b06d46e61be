import fs from 'node:fs';
import path from 'node:path';
import { BerthError, isErrno } from '../errors/index.js';
import { isProcessAlive } from './process-util.js';

/**
 * The exit status conmon recorded in `<exitDir>/<id>` (decimal, no newline): the code, 128+N
 * after signal N, -1 after a conmon timeout kill. null while the file does not exist.
 *
 * @example
 * readExitCode('/run/berth/exits', id); // 7, or null while running
 */
export function readExitCode(exitDir: string, id: string): number | null {
  const file = path.join(exitDir, id);
  // the common case (still running) without an exception: `ps` asks for every running container
  if (!fs.existsSync(file)) return null;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return null;
    throw new BerthError('Internal', `reading exit file of ${JSON.stringify(id)}`, { cause: e });
  }
  // conmon renames a complete temp file into place, so a partial read is not expected
  return /^-?\d+$/.test(text) ? Number(text) : null;
}

export interface WaitForExitOptions {
  signal?: AbortSignal;
  /** poll interval backing up fs.watch (default 200 ms) */
  pollMs?: number;
  /** reject with Unavailable after this long */
  timeoutMs?: number;
  /**
   * the conmon daemon's pid: if it is gone and there is still no exit file, reject instead of
   * waiting forever (conmon was killed, so nobody will write it)
   */
  conmonPid?: number;
}

/**
 * Wait until conmon writes the exit file and return its status. Watches the directory (the
 * file appears by rename from a temp `<id>.XXXXXX`, whose events are ignored) and also polls,
 * because inotify events can be missed (e.g. the dir replaced) and watching may be unsupported.
 *
 * @example
 * const code = await waitForExit(paths.exits, id, { conmonPid });
 */
export function waitForExit(exitDir: string, id: string, opts: WaitForExitOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    let watcher: fs.FSWatcher | null = null;
    let poll: NodeJS.Timeout | undefined;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;

    const finish = (err: unknown, code?: number): void => {
      if (settled) return;
      settled = true;
      watcher?.close();
      clearInterval(poll);
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err !== null) reject(err);
      else resolve(code ?? -1);
    };
    const check = (): void => {
      try {
        const code = readExitCode(exitDir, id);
        if (code !== null) {
          finish(null, code);
          return;
        }
        if (opts.conmonPid !== undefined && !isProcessAlive(opts.conmonPid)) {
          // conmon writes the file before exiting; one more read closes the race
          const late = readExitCode(exitDir, id);
          if (late !== null) finish(null, late);
          else finish(new BerthError('Internal', `conmon of container ${JSON.stringify(id)} exited without writing an exit code`));
        }
      } catch (e) {
        finish(e);
      }
    };
    const onAbort = (): void => finish(opts.signal?.reason ?? new Error('aborted'));

    if (opts.signal?.aborted) {
      onAbort();
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      watcher = fs.watch(exitDir, (_event, filename) => {
        if (filename === null || filename === id) check();
      });
      watcher.on('error', () => {
        watcher?.close();
        watcher = null;
      });
    } catch {
      watcher = null; // polling alone still works
    }
    poll = setInterval(check, opts.pollMs ?? 200);
    if (opts.timeoutMs !== undefined) {
      timer = setTimeout(
        () => finish(new BerthError('Unavailable', `timed out after ${opts.timeoutMs} ms waiting for container ${JSON.stringify(id)} to exit`)),
        opts.timeoutMs,
      );
    }
    check();
  });
}
