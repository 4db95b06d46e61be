import fs from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from '../runtime/process-util.js';

/** The most a store keeps aside; a small filesystem keeps a sixteenth of its size. */
const MAX_RESERVE = 4 * 1024 * 1024;

/**
 * Room kept aside on the store's filesystem so that a full disk does not lock berth out.
 *
 * Every SQLite write needs new space (a WAL that was deleted when the last connection closed is
 * created again, with its shared-memory index, and grows by each changed page), and so do lock
 * and state files. When a container fills the store's filesystem, even `rm` would fail with
 * "database or disk is full", and nothing could free the space. The store therefore holds a file
 * of reserved bytes (`<root>/.reserve`): when the filesystem is nearly full the next berth
 * process deletes it before it writes, which gives reading, recording an exit and removing
 * the room they need, and once removal has freed space it is made again.
 */
export class SpaceReserve {
  readonly file: string;

  constructor(readonly root: string) {
    this.file = path.join(root, '.reserve');
  }

  /** The reserve's size on this filesystem (0 when the filesystem cannot be asked). */
  size(): number {
    const st = statfs(this.root);
    if (!st) return 0;
    const total = st.blocks * st.bsize;
    return Math.min(MAX_RESERVE, Math.floor(total / 16 / st.bsize) * st.bsize);
  }

  /** Bytes available to berth on the store's filesystem, or Infinity if unknown. */
  available(): number {
    const st = statfs(this.root);
    return st ? st.bavail * st.bsize : Infinity;
  }

  /**
   * Give the reserve back to the filesystem when what is left is below half of it (or when
   * `force`, after a write failed for lack of space). Returns whether any space was freed.
   */
  releaseIfLow(force = false): boolean {
    if (!force && this.available() >= this.size() / 2) return false;
    let freed = false;
    for (const f of [this.file, ...this.partials()]) {
      try {
        fs.unlinkSync(f);
        freed = true;
      } catch {
        /* not there, or another process released it first */
      }
    }
    return freed;
  }

  /**
   * Make the reserve again when it is missing and the filesystem has room for it and as much
   * again, so that taking it back never fills the disk itself. Never fails: it is a precaution.
   */
  replenish(): void {
    const want = this.size();
    if (want === 0) return;
    try {
      if (fs.statSync(this.file).size >= want) return;
    } catch {
      /* missing */
    }
    if (this.available() < 2 * want) return;
    const tmp = `${this.file}.${process.pid}`;
    try {
      // written, not sparse: tmpfs and most filesystems give back only what was allocated
      const fd = fs.openSync(tmp, 'w', 0o600);
      try {
        const chunk = Buffer.alloc(Math.min(want, 1024 * 1024));
        for (let done = 0; done < want; done += chunk.length) fs.writeSync(fd, chunk, 0, Math.min(chunk.length, want - done));
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, this.file);
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  }

  /** Reserve files another process was writing when it was killed. */
  private partials(): string[] {
    const base = path.basename(this.file);
    try {
      return fs
        .readdirSync(this.root)
        .filter((n) => n.startsWith(`${base}.`) && /^\d+$/.test(n.slice(base.length + 1)) && !isProcessAlive(Number(n.slice(base.length + 1))))
        .map((n) => path.join(this.root, n));
    } catch {
      return [];
    }
  }
}

function statfs(dir: string): { bsize: number; blocks: number; bavail: number } | undefined {
  try {
    const st = fs.statfsSync(dir);
    return { bsize: st.bsize, blocks: st.blocks, bavail: st.bavail };
  } catch {
    return undefined;
  }
}

/** SQLite's and the kernel's ways of saying that the disk is full. */
export function isOutOfSpace(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  return (
    code === 'ENOSPC' ||
    code === 'SQLITE_FULL' ||
    (typeof code === 'string' && code.startsWith('SQLITE_IOERR')) ||
    /database or disk is full|disk I\/O error|no space left on device/i.test(e.message)
  );
}
