import fs from 'node:fs';
import linux from 'berth-linux';
import { BerthError, errorMessage } from '../errors/index.js';

/** sun_path is 108 bytes including the terminating NUL */
const MAX_SOCKET_PATH = 107;
const O_PATH = 0o10000000;
/** conmon sends at most 8192 payload bytes plus the stream byte per packet */
const MAX_PACKET = 8193 + 1024;
const SHUT_WR = 1;
const SHUT_RDWR = 2;

/**
 * A connected AF_UNIX SOCK_SEQPACKET socket. Node's net module cannot open one (libuv wraps only
 * stream sockets), so a tiny addon (native/linux) connects it and half-closes it, and the
 * I/O goes through fs on the fd: each read returns exactly one packet, 0 bytes means EOF. The
 * pending read blocks one thread of libuv's pool while the session lasts.
 */
export class SeqpacketConnection {
  private readonly fd: number;
  private closed = false;
  private writes: Promise<void> = Promise.resolve();

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** Connect to path; a path longer than sun_path is reached through /proc/self/fd of an O_PATH fd. */
  static connect(socketPath: string): SeqpacketConnection {
    let pathFd: number | null = null;
    try {
      let target = socketPath;
      if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
        pathFd = fs.openSync(socketPath, O_PATH);
        target = `/proc/self/fd/${pathFd}`;
      }
      return new SeqpacketConnection(linux.connect(target));
    } catch (e) {
      throw new BerthError('Unavailable', `attaching to ${JSON.stringify(socketPath)}: ${errorMessage(e)}`, { cause: e });
    } finally {
      if (pathFd !== null) fs.closeSync(pathFd);
    }
  }

  /** Read packets until EOF or an error, then call onEnd once and close the fd. */
  readLoop(onPacket: (packet: Buffer) => void, onEnd: () => void): void {
    const buf = Buffer.alloc(MAX_PACKET);
    const next = (): void => {
      fs.read(this.fd, buf, 0, buf.length, null, (err, n) => {
        if (err || n === 0 || this.closed) {
          this.closed = true;
          // let queued writes settle before the fd number can be reused
          void this.writes.finally(() => fs.close(this.fd, () => undefined));
          onEnd();
          return;
        }
        onPacket(Buffer.from(buf.subarray(0, n)));
        next();
      });
    };
    next();
  }

  /** Queue one packet (callers keep packets within conmon's 32 KiB input buffer). */
  write(data: Buffer): void {
    if (this.closed) return;
    this.writes = this.writes.then(
      () =>
        new Promise<void>((resolve) => {
          if (this.closed) return resolve();
          fs.write(this.fd, data, () => resolve());
        }),
    );
  }

  /** No more input: once queued writes are out, conmon closes the container's stdin. */
  endInput(): void {
    this.writes = this.writes.then(() => {
      if (!this.closed) safeShutdown(this.fd, SHUT_WR);
    });
  }

  /** Disconnect; the pending read returns and the read loop closes the fd. */
  close(): void {
    if (this.closed) return;
    safeShutdown(this.fd, SHUT_RDWR);
  }
}

function safeShutdown(fd: number, how: number): void {
  try {
    linux.shutdown(fd, how);
  } catch {
    /* the peer is already gone */
  }
}
