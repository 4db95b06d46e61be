import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import fs from 'node:fs';

/**
 * Random bytes from the kernel's /dev/urandom (the same source as crypto.randomBytes), without
 * loading node:crypto: its fifteen modules cost every `run` ~1.5-3 ms of CPU for the 40 random
 * bytes of a container id and a run id (the bundle loads built-ins on first use, see
 * scripts/bundle.mjs). Falls back to node:crypto where /dev/urandom cannot be read.
 *
 * @example randomHex(32) // 64 hex characters
 */
export function randomBytes(n: number): Buffer {
  const buf = Buffer.allocUnsafe(n);
  let fd: number | undefined;
  try {
    fd = fs.openSync('/dev/urandom', 'r');
    let got = 0;
    while (got < n) {
      const r = fs.readSync(fd, buf, got, n - got, null);
      if (r <= 0) throw new Error('short read of /dev/urandom');
      got += r;
    }
    return buf;
  } catch {
    // the bundle loads node:crypto on first use: only where the kernel's device is missing
    return cryptoRandomBytes(n);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** n random bytes as 2n hex characters. */
export function randomHex(n: number): string {
  return randomBytes(n).toString('hex');
}

/** A uniform random integer in [0, max) (max at most 2^32), by rejection as crypto.randomInt. */
export function randomInt(max: number): number {
  if (!Number.isInteger(max) || max <= 0 || max > 2 ** 32) throw new RangeError(`randomInt: bad range ${max}`);
  const limit = 2 ** 32 - (2 ** 32 % max);
  for (;;) {
    const v = randomBytes(4).readUInt32LE(0);
    if (v < limit) return v % max;
  }
}
