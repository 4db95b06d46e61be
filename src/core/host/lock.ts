import fs from 'node:fs';
import linux from 'berth-linux';
import { BerthError } from '../errors/berth-error.js';

/**
 * A held flock(2) lock on a file. The kernel releases it when the descriptor closes, which the
 * holder's death does too: a berth process killed with -9 never leaves a lock behind.
 */
export interface FileLock {
  readonly path: string;
  /** Release the lock (idempotent). */
  release(): void;
  /** Unlink the lock file and release: for an object that is gone (a waiter then re-opens). */
  discard(): void;
}

export interface LockOptions {
  /** a shared lock (readers, users of a network or volume); default exclusive */
  shared?: boolean;
  /** give up with Unavailable after this long (default: wait for as long as it takes) */
  timeoutMs?: number;
  signal?: AbortSignal;
}

function held(file: string, fd: number): FileLock {
  let open = true;
  const release = () => {
    if (!open) return;
    open = false;
    fs.closeSync(fd);
  };
  return {
    path: file,
    release,
    discard() {
      if (!open) return;
      // unlinked while still held: a waiter that opened the old file sees the inode change and
      // opens the path again, so two holders never think they hold the same lock
      fs.rmSync(file, { force: true });
      release();
    },
  };
}

/** Take the lock now, or null while another open file holds it (a syscall, no waiting). */
export function tryLockFile(file: string, opts: { shared?: boolean } = {}): FileLock | null {
  const fd = linux.lockTry(file, !opts.shared);
  return fd < 0 ? null : held(file, fd);
}

/**
 * Take the lock, waiting while others hold it. The event loop stays free: the lock is tried
 * without blocking and retried with a short backoff (1 ms doubling to 25 ms), so a wait costs no
 * thread and the common uncontended case is two syscalls.
 */
export async function lockFile(file: string, opts: LockOptions = {}): Promise<FileLock> {
  const first = tryLockFile(file, opts);
  if (first) return first;
  const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
  let delay = 1;
  for (;;) {
    if (opts.signal?.aborted) throw opts.signal.reason ?? new BerthError('Unavailable', `waiting for lock ${file}: aborted`);
    if (Date.now() >= deadline) throw new BerthError('Unavailable', `timed out after ${opts.timeoutMs} ms waiting for lock ${file}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 25);
    const l = tryLockFile(file, opts);
    if (l) return l;
  }
}
