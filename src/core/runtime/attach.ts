import fs from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { DetachKeyMatcher } from './detach-keys.js';
import { SeqpacketConnection } from './seqpacket.js';

/** Stream ids conmon puts in byte 0 of each packet on the attach socket. */
const STREAM_STDOUT = 2;
const STREAM_STDERR = 3;
/** conmon reads client input into a 32 KiB buffer per packet; larger writes are cut */
const MAX_STDIN_PACKET = 32 * 1024;

/**
 * The attach socket of a container created by createWithConmon with `socketDir`: conmon links
 * `<socketDir>/<id>` to the bundle and listens on `attach` there.
 */
export function attachSocketPath(socketDir: string, id: string): string {
  return path.join(socketDir, id, 'attach');
}

export interface AttachOptions {
  socketPath: string;
  /** client input (the container needs conmon -i); its end half-closes the container's stdin */
  stdin?: Readable | null;
  stdout: Writable;
  stderr: Writable;
  /** terminal mode: conmon sends everything as stdout */
  tty: boolean;
  /** a sequence on stdin that detaches the client instead of being sent (see parseDetachKeys) */
  detachKeys?: Buffer;
}

/** How an attach session ended: conmon closed it (the container exited), detach keys, or close(). */
export type AttachEnd = 'eof' | 'detached' | 'closed';

export interface AttachSession {
  /** settles when the session ends; never rejects */
  done: Promise<AttachEnd>;
  /** disconnect this client; the container keeps running */
  close(): void;
  /** set the container's terminal size (conmon's ctl fifo next to the socket) */
  resize(rows: number, cols: number): boolean;
}

/**
 * Connect to a container's conmon attach socket (AF_UNIX SOCK_SEQPACKET, memo §3, §7) and
 * relay: packets from conmon go to stdout/stderr by their stream byte, client input goes to
 * the container raw in chunks of at most 32 KiB. Resolves once connected, so a caller can
 * connect before `runc start` and miss nothing (conmon does not replay output). Paths longer
 * than sun_path allows are reached through /proc/self/fd of an O_PATH descriptor.
 *
 * Throws Unavailable when the socket cannot be reached (container not created through conmon,
 * or its conmon is gone).
 *
 * @example
 * const s = await attach({ socketPath: attachSocketPath(dir, id), stdout: process.stdout, stderr: process.stderr, tty: false });
 * await s.done; // 'eof' when the container has exited
 */
export async function attach(opts: AttachOptions): Promise<AttachSession> {
  const sock = SeqpacketConnection.connect(opts.socketPath);

  let ended = false;
  let closed = false;
  let endDone: (how: AttachEnd) => void = () => undefined;
  const done = new Promise<AttachEnd>((resolve) => (endDone = resolve));
  const stdin = opts.stdin ?? null;
  const matcher = opts.detachKeys && opts.detachKeys.length > 0 ? new DetachKeyMatcher(opts.detachKeys) : null;

  const finish = (how: AttachEnd): void => {
    if (ended) return;
    ended = true;
    if (stdin) {
      stdin.off('data', onInput);
      stdin.off('end', onInputEnd);
      stdin.pause();
    }
    closed = true;
    sock.close();
    endDone(how);
  };
  const send = (data: Buffer): void => {
    if (closed) return;
    for (let off = 0; off < data.length; off += MAX_STDIN_PACKET) {
      sock.write(data.subarray(off, off + MAX_STDIN_PACKET));
    }
  };
  const onInput = (chunk: Buffer | string): void => {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (matcher) {
      const r = matcher.feed(data);
      data = r.forward;
      if (r.detach) {
        if (data.length > 0) send(data);
        finish('detached');
        return;
      }
    }
    if (data.length > 0) send(data);
  };
  const onInputEnd = (): void => {
    if (closed) return;
    sock.endInput(); // half-close: conmon closes the container's stdin
  };

  sock.readLoop(
    (packet) => {
      const payload = packet.subarray(1);
      if (payload.length === 0) return;
      if (packet[0] === STREAM_STDOUT) opts.stdout.write(payload);
      else if (packet[0] === STREAM_STDERR) (opts.tty ? opts.stdout : opts.stderr).write(payload);
    },
    () => finish('eof'),
  );
  if (stdin) {
    stdin.on('data', onInput);
    stdin.on('end', onInputEnd);
    stdin.resume();
  }

  const dir = path.dirname(opts.socketPath);
  return {
    done,
    close: () => finish('closed'),
    resize: (rows, cols) => resizeTerminal(dir, rows, cols),
  };
}

/**
 * Set the terminal size of a container started with conmon -t, by writing `1 <rows> <cols>` to
 * the ctl fifo in its bundle (or the `<socketDir>/<id>` link to it). Returns false when conmon
 * is not there to read it. The fifo is opened O_NONBLOCK because a plain open blocks forever
 * once conmon is gone, and each message gets its own write because conmon 2.1.6 acts only on
 * the first line of each read: callers should coalesce bursts of resizes.
 *
 * @example
 * resizeTerminal(bundle, process.stdout.rows, process.stdout.columns);
 */
export function resizeTerminal(bundle: string, rows: number, cols: number): boolean {
  if (!(rows > 0 && cols > 0)) return false;
  let fd: number;
  try {
    fd = fs.openSync(path.join(bundle, 'ctl'), fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  } catch {
    return false; // ENXIO: no reader (conmon gone); ENOENT: not a conmon bundle
  }
  try {
    fs.writeSync(fd, `1 ${Math.floor(rows)} ${Math.floor(cols)}\n`);
    return true;
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}
