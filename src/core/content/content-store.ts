import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BerthError, isErrno, wrap } from '../errors/index.js';
import { DigestMismatchError } from './digest-mismatch-error.js';
import { holdTeardown } from '../host/teardown.js';
import { ownedTempName, ownerAlive, ownerOf } from '../host/owned-temp.js';
import { digestHex, sha256Digest } from './digest.js';

/** What a caller knows about a blob before it arrives (from a descriptor). */
export interface ExpectedBlob {
  digest?: string;
  size?: number;
}

export interface BlobInfo {
  digest: string;
  size: number;
}

const TEMP_PREFIX = 'blob-';

/**
 * Immutable blobs addressed by sha256 digest, stored as `<blobsDir>/sha256/<hex>`.
 *
 * A write goes to a temp file in tmpDir (same filesystem), is hashed while it streams, checked
 * against the expected digest and size, fsynced, then renamed into place: a blob that is visible
 * always matches its name. A crash leaves only a temp file, which `removeStaleTemp` deletes.
 *
 * @example
 * const store = new ContentStore(paths.blobs, paths.tmp);
 * const { digest } = await store.ingest(res, { digest: desc.digest, size: desc.size });
 * const manifest = store.readJson<ImageManifest>(digest);
 */
export class ContentStore {
  private readonly dir: string;

  constructor(
    blobsDir: string,
    private readonly tmpDir: string,
  ) {
    this.dir = path.join(blobsDir, 'sha256');
    fs.mkdirSync(this.dir, { recursive: true });
    fs.mkdirSync(tmpDir, { recursive: true });
  }

  /**
   * Stream src into the store, never holding it whole in memory. Throws DigestMismatchError when
   * the content differs from `expected` (nothing is kept). A blob that is already present is only
   * drained and verified. Concurrent ingests of one blob both succeed (rename is atomic and the
   * bytes are the same).
   */
  async ingest(src: Readable, expected: ExpectedBlob = {}): Promise<BlobInfo> {
    if (expected.digest !== undefined) {
      digestHex(expected.digest);
      if (this.has(expected.digest)) {
        const got = await drain(src, expected.size);
        check(expected, got);
        return got;
      }
    }
    const tmp = this.tempPath();
    // an interrupted berth removes it too
    const release = holdTeardown(() => fs.rmSync(tmp, { force: true }));
    let fh: FileHandle | undefined;
    try {
      fh = await fs.promises.open(tmp, 'wx', 0o444);
      const got = await drain(src, expected.size, fh);
      check(expected, got);
      await fh.sync();
      await fh.close();
      fh = undefined;
      await this.commit(tmp, got.digest);
      return got;
    } catch (e) {
      await fh?.close().catch(() => undefined);
      fs.rmSync(tmp, { force: true });
      if (e instanceof BerthError) throw e;
      throw wrap(e, 'writing blob');
    } finally {
      release();
    }
  }

  /** Store bytes that are already in memory (manifests, configs). */
  async putBytes(data: Buffer | string, expectedDigest?: string): Promise<BlobInfo> {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const got = { digest: sha256Digest(buf), size: buf.length };
    if (expectedDigest !== undefined) {
      digestHex(expectedDigest);
      check({ digest: expectedDigest }, got);
    }
    if (this.has(got.digest)) return got;
    const tmp = this.tempPath();
    const release = holdTeardown(() => fs.rmSync(tmp, { force: true }));
    try {
      // written and fsynced off this thread: an image's manifest and config go side by side
      const fh = await fs.promises.open(tmp, 'wx', 0o444);
      try {
        await fh.writeFile(buf);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await this.commit(tmp, got.digest);
      return got;
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw wrap(e, 'writing blob');
    } finally {
      release();
    }
  }

  /** A new temp file name for a blob written by someone else (a pull's worker thread). */
  tempPath(): string {
    return path.join(this.tmpDir, ownedTempName(TEMP_PREFIX));
  }

  /**
   * Move a blob written at tempPath() into place under the digest its writer computed, which
   * the caller has compared with what it expected; fsynced first, off this thread.
   */
  async commitTemp(tmp: string, digest: string): Promise<void> {
    digestHex(digest);
    const fh = await fs.promises.open(tmp, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await this.commit(tmp, digest);
  }

  has(digest: string): boolean {
    return fs.existsSync(this.pathOf(digest));
  }

  /** Where the blob lives (or would live); validates the digest, does not check presence. */
  pathOf(digest: string): string {
    return path.join(this.dir, digestHex(digest));
  }

  readBytes(digest: string): Buffer {
    return notFound(digest, () => fs.readFileSync(this.pathOf(digest)));
  }

  readJson<T>(digest: string): T {
    const text = this.readBytes(digest).toString('utf8');
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new BerthError('InvalidArgument', `blob "${digest}" is not valid json`, { cause: e });
    }
  }

  /** A stream of the blob; NotFound is thrown here, synchronously, not from the stream. */
  openRead(digest: string): Readable {
    const p = this.pathOf(digest);
    const fd = notFound(digest, () => fs.openSync(p, 'r'));
    // 1 MiB reads: layers are streamed through gunzip, sha256 and tar, and every chunk costs main-thread work
    return fs.createReadStream(p, { fd, highWaterMark: 1 << 20 });
  }

  size(digest: string): number {
    return notFound(digest, () => fs.statSync(this.pathOf(digest)).size);
  }

  /** Remove a blob; returns false when it was not there (deleting is idempotent for GC). */
  delete(digest: string): boolean {
    try {
      fs.unlinkSync(this.pathOf(digest));
      return true;
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return false;
      throw wrap(e, `deleting blob "${digest}"`);
    }
  }

  /** Digests of all stored blobs, sorted. */
  list(): string[] {
    return fs
      .readdirSync(this.dir)
      .filter((n) => /^[a-f0-9]{64}$/.test(n))
      .sort()
      .map((n) => `sha256:${n}`);
  }

  /**
   * Delete temp files left by crashed ingests: those of a process that is gone (the name carries
   * its pid and start time, see owned-temp), never one whose writer still runs; a name without
   * an owner only once unmodified for maxAgeMs.
   */
  removeStaleTemp(maxAgeMs = 60 * 60 * 1000): number {
    let removed = 0;
    const now = Date.now();
    for (const name of fs.readdirSync(this.tmpDir)) {
      if (!name.startsWith(TEMP_PREFIX)) continue;
      const p = path.join(this.tmpDir, name);
      const owner = ownerOf(name, TEMP_PREFIX);
      try {
        if (owner ? ownerAlive(owner) : now - fs.lstatSync(p).mtimeMs < maxAgeMs) continue;
        fs.rmSync(p, { force: true });
        removed++;
      } catch (e) {
        if (!isErrno(e, 'ENOENT')) throw e;
      }
    }
    return removed;
  }

  private async commit(tmp: string, digest: string): Promise<void> {
    await fs.promises.rename(tmp, this.pathOf(digest));
    // The rename is only durable once the directory entry is on disk (waited for off this
    // thread: a pull commits layers while others still stream)
    const dir = await fs.promises.open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

/** Hash (and optionally write) the whole stream; stop early when it exceeds the announced size. */
async function drain(src: Readable, maxSize: number | undefined, fh?: FileHandle): Promise<BlobInfo> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of src) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (maxSize !== undefined && size > maxSize) {
      src.destroy();
      throw new DigestMismatchError('blob', String(maxSize), `more than ${maxSize}`, 'size');
    }
    hash.update(buf);
    if (fh) writeAll(fh.fd, buf);
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/**
 * Written synchronously: a write into the page cache costs ~0.25 ms per MiB, while handing each
 * 64 KiB network chunk to libuv's pool and back costs 4x that in main-thread time, and the main
 * thread is what limits a pull (hashing, inflating, parsing tar).
 */
function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

function check(expected: ExpectedBlob, got: BlobInfo): void {
  if (expected.size !== undefined && expected.size !== got.size) {
    throw new DigestMismatchError('blob', String(expected.size), String(got.size), 'size');
  }
  if (expected.digest !== undefined && expected.digest !== got.digest) {
    throw new DigestMismatchError('blob', expected.digest, got.digest);
  }
}

function notFound<T>(digest: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isErrno(e, 'ENOENT')) throw new BerthError('NotFound', `blob not found: "${digest}"`, { cause: e });
    throw wrap(e, `reading blob "${digest}"`);
  }
}
