import type { Readable, Writable } from 'node:stream';
import type { ReadStream, WriteStream } from 'node:tty';
import { attach, attachSocketPath, resizeTerminal } from './attach.js';
import type { ConmonCreated } from './conmon.js';
import { waitForExit } from './exit-file.js';
import type { OciRuntime } from './oci-runtime.js';
import { isSameProcessAlive, readProcStartTime } from './process-util.js';
import { PROXIED_SIGNALS, relaySignals } from './signals.js';

export interface RunAttachedOptions {
  /** what createWithConmon returned; the container must still be `created` */
  created: ConmonCreated;
  runtime: OciRuntime;
  id: string;
  socketDir: string;
  exitDir: string;
  bundle: string;
  /** null: no input (no -i); a TTY here is put in raw mode for a terminal container */
  stdin: Readable | null;
  stdout: Writable;
  stderr: Writable;
  /** the container has a terminal (conmon -t, process.terminal) */
  tty: boolean;
  /** relay signals sent to this process to the container (docker --sig-proxy, default true) */
  signalsToForward?: boolean;
  /** detach sequence on stdin (parseDetachKeys); the container keeps running */
  detachKeys?: Buffer;
}

export type RunAttachedResult = { detached: false; exitCode: number } | { detached: true };

/** conmon 2.1.6 acts on one ctl message per read: leave it time to read each. */
const RESIZE_GAP_MS = 50;

/**
 * `docker run` in the foreground over conmon: connect to the attach socket of a created
 * container, then `runtime start` (conmon replays nothing, so connecting first is how no output
 * is lost), relay output and input until conmon closes the socket, then wait for the exit file
 * and return the container's status.
 *
 * With a terminal: the initial size comes from stdout, SIGWINCH resizes (coalesced), a TTY
 * stdin is in raw mode until the end. Without one, signals sent to this process (Ctrl-C
 * included, since the container is not in our process group) go to the container's init.
 * SIGINT/SIGTERM with no handler in a pid-1 process do nothing, as under docker.
 *
 * @example
 * const created = await createWithConmon(conmonOpts); // with terminal: false, stdin: true
 * const r = await runAttached({ created, runtime, id, socketDir, exitDir, bundle, stdin: process.stdin,
 *   stdout: process.stdout, stderr: process.stderr, tty: false });
 * if (!r.detached) exitCode = r.exitCode;
 */
export async function runAttached(opts: RunAttachedOptions): Promise<RunAttachedResult> {
  const ttyIn = opts.tty && isTtyRead(opts.stdin) ? opts.stdin : null;
  const ttyOut = isTtyWrite(opts.stdout) ? opts.stdout : null;
  const cleanups: Array<() => void> = [];
  try {
    const session = await attach({
      socketPath: attachSocketPath(opts.socketDir, opts.id),
      stdin: opts.stdin,
      stdout: opts.stdout,
      stderr: opts.stderr,
      tty: opts.tty,
      ...(opts.detachKeys ? { detachKeys: opts.detachKeys } : {}),
    });
    cleanups.push(() => session.close());

    if (opts.tty && ttyOut) {
      // conmon's terminal starts at 0x0; size it before the process looks
      resizeTerminal(opts.bundle, ttyOut.rows, ttyOut.columns);
      cleanups.push(watchResize(opts.bundle, ttyOut));
    }
    if (ttyIn) {
      const wasRaw = ttyIn.isRaw;
      ttyIn.setRawMode(true);
      cleanups.push(() => ttyIn.setRawMode(wasRaw));
    }
    if (opts.signalsToForward ?? true) {
      const pid = opts.created.pid;
      const startTime = readProcStartTime(pid);
      cleanups.push(
        relaySignals(PROXIED_SIGNALS, (s) => {
          // guard against pid reuse after the container exited
          if (!isSameProcessAlive(pid, startTime)) return;
          try {
            process.kill(pid, s);
          } catch {
            // gone meanwhile
          }
        }),
      );
    }

    await opts.runtime.start(opts.id, { initPid: opts.created.pid });
    const end = await session.done;
    if (end !== 'eof') return { detached: true };
    const exitCode = await waitForExit(opts.exitDir, opts.id, { conmonPid: opts.created.conmonPid, pollMs: 100 });
    return { detached: false, exitCode };
  } finally {
    for (const c of cleanups.reverse()) c();
  }
}

function isTtyRead(s: Readable | null): s is ReadStream {
  return s !== null && (s as Partial<ReadStream>).isTTY === true && typeof (s as Partial<ReadStream>).setRawMode === 'function';
}

function isTtyWrite(s: Writable): s is WriteStream {
  return (s as Partial<WriteStream>).isTTY === true;
}

/** Relay terminal size changes, at most one ctl message per RESIZE_GAP_MS, the latest last. */
function watchResize(bundle: string, out: WriteStream): () => void {
  let timer: NodeJS.Timeout | null = null;
  let pending = false;
  const flush = (): void => {
    timer = null;
    if (!pending) return;
    pending = false;
    resizeTerminal(bundle, out.rows, out.columns);
    timer = setTimeout(flush, RESIZE_GAP_MS);
  };
  const onResize = (): void => {
    pending = true;
    if (timer === null) flush();
  };
  // Node turns SIGWINCH into 'resize' on TTY write streams
  out.on('resize', onResize);
  return () => {
    out.off('resize', onResize);
    if (timer !== null) clearTimeout(timer);
  };
}
