import { rootlessMode } from '../rootless/mode.js';
import { createHash, randomInt } from 'node:crypto';
import linux from 'berth-linux';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Paths } from '../config/paths.js';
import { DigestMismatchError } from '../content/digest-mismatch-error.js';
import { digestHex, sha256Digest } from '../content/digest.js';
import { BerthError, isErrno } from '../errors/index.js';
import { immediate, type Db } from '../metadata/database.js';
import { openDecompressed } from './decompress.js';
import { ownedTempName, ownerAlive, ownerOf } from '../host/owned-temp.js';
import type { OverlayMount } from './overlay-mount.js';
import { holdTeardown } from '../host/teardown.js';

/** One unpacked layer, identified by its OCI ChainID. */
export interface LayerInfo {
  chainId: string;
  /** digest of the uncompressed layer tar */
  diffId: string;
  parent: string | null;
  /** name of the short symlink in paths.layerLinks that points at the diff dir */
  link: string;
  /** bytes of regular files unpacked */
  size: number;
  /** ISO 8601 */
  created: string;
}

interface LayerRow {
  chain_id: string;
  diff_id: string;
  parent: string | null;
  link: string;
  size: number;
  created: string;
}

const LINK_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** names of work dirs: `.<kind>-<pid>.<start>-<random>` (owned-temp; older ones lack `.<start>`), so repair can tell a live writer from a dead one */
const TEMP_RE = /^\.(tmp|trash)-\d+(\.\d+)?-[a-f0-9]+$/;

/**
 * Unpacked layers, each once, in `layers/<chain-id-hex>/diff`, with a row in table `layers`.
 *
 * Lifecycle of ensureLayer: unpack into `layers/.tmp-<pid>.<start>-<rand>/diff` while hashing the
 * uncompressed stream; check the diffID; then, inside one IMMEDIATE transaction (SQLite's write
 * lock doubles as a cross-process lock), rename the temp dir to `layers/<hex>`, make the link and
 * insert the row. So a visible row always has a complete dir, a crash leaves only a temp dir or
 * a row-less dir, and `repair()` (same lock) removes both. Two processes unpacking one layer both
 * succeed: the second finds the row and throws its own copy away.
 *
 * @example
 * const layers = new LayerStore(paths, db);
 * let parent: string | null = null;
 * for (const [i, l] of manifest.layers.entries()) {
 *   parent = (await layers.ensureLayer(parent, () => content.openRead(l.digest), config.rootfs.diff_ids[i])).chainId;
 * }
 */
export class LayerStore {
  constructor(
    readonly paths: Paths,
    private readonly db: Db,
  ) {
    fs.mkdirSync(paths.layers, { recursive: true });
    fs.mkdirSync(paths.layerLinks, { recursive: true });
  }

  /** OCI ChainID: the diffID for a base layer, else sha256 of `<parent chainID> <diffID>`. */
  static chainId(parentChainId: string | null, diffId: string): string {
    return parentChainId === null ? diffId : sha256Digest(`${parentChainId} ${diffId}`);
  }

  /**
   * The layer with this parent and content, unpacking it if it is not there yet. `open` is only
   * called when unpacking is needed, and only if expectedDiffId is given can that be known before
   * reading. A diffID mismatch throws DigestMismatchError and leaves nothing behind.
   */
  async ensureLayer(
    parentChainId: string | null,
    open: () => Promise<Readable> | Readable,
    expectedDiffId?: string,
    /**
     * The parent is being unpacked beside this one (a pull unpacks layers in parallel: a diff dir
     * does not depend on its parent's). The image is committed only once all its layers exist.
     */
    opts: { parentMayFollow?: boolean } = {},
  ): Promise<LayerInfo> {
    if (parentChainId !== null && !opts.parentMayFollow && !this.has(parentChainId)) {
      throw new BerthError('FailedPrecondition', `parent layer "${parentChainId}" is not unpacked`);
    }
    if (expectedDiffId !== undefined) {
      digestHex(expectedDiffId);
      const existing = this.get(LayerStore.chainId(parentChainId, expectedDiffId));
      if (existing) return existing;
    }
    const tmp = this.workDir('tmp');
    // an interrupted berth removes it too
    const release = holdTeardown(() => fs.rmSync(tmp, { recursive: true, force: true }));
    try {
      fs.mkdirSync(path.join(tmp, 'diff'), { recursive: true, mode: 0o755 });
      const { diffId, size } = await unpackHashed(await open(), path.join(tmp, 'diff'));
      if (expectedDiffId !== undefined && diffId !== expectedDiffId) {
        throw new DigestMismatchError('layer diff id', expectedDiffId, diffId);
      }
      return this.commit(tmp, parentChainId, diffId, size);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      release();
    }
  }

  /**
   * A work directory for unpacking elsewhere (a pull's worker threads): unpack into `<it>/diff`,
   * then commitUnpacked or discardUnpacked. Named as ensureLayer's are, so repair removes it
   * when this process dies.
   */
  newUnpackDir(): string {
    const tmp = this.workDir('tmp');
    fs.mkdirSync(path.join(tmp, 'diff'), { recursive: true, mode: 0o755 });
    return tmp;
  }

  /** Record a layer unpacked into newUnpackDir(), whose diff id the unpacker computed. */
  commitUnpacked(tmp: string, parentChainId: string | null, diffId: string, size: number): LayerInfo {
    try {
      return this.commit(tmp, parentChainId, diffId, size);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  discardUnpacked(tmp: string): void {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  /** The layer, if it is complete (row and directory both present). */
  get(chainId: string): LayerInfo | undefined {
    const row = this.row(chainId);
    if (row === undefined || !fs.existsSync(this.diffDir(chainId))) return undefined;
    return toInfo(row);
  }

  has(chainId: string): boolean {
    return this.get(chainId) !== undefined;
  }

  list(): LayerInfo[] {
    return (this.db.prepare('SELECT * FROM layers ORDER BY created, chain_id').all() as LayerRow[]).map(toInfo);
  }

  /** Where the layer's files are (whether or not it exists). */
  diffDir(chainId: string): string {
    return path.join(this.paths.layers, digestHex(chainId), 'diff');
  }

  /**
   * Delete a layer: row, link and files. Returns false if there was nothing. Whether an image
   * or container still needs it is the caller's business.
   */
  remove(chainId: string): boolean {
    const hex = digestHex(chainId);
    const trash = this.workDir('trash');
    const found = immediate(this.db, () => {
      const row = this.row(chainId);
      if (row) {
        this.db.prepare('DELETE FROM layers WHERE chain_id = ?').run(chainId);
        fs.rmSync(path.join(this.paths.layerLinks, row.link), { force: true });
      }
      const moved = renameIfExists(path.join(this.paths.layers, hex), trash);
      return row !== undefined || moved;
    });
    fs.rmSync(trash, { recursive: true, force: true });
    return found;
  }

  /**
   * Bring disk and table back in line after a crash: temp dirs of dead processes, dirs without
   * a row, rows without a dir, links nobody owns, rows whose link is missing (recreated).
   */
  repair(): { removedDirs: number; removedRows: number; removedLinks: number } {
    const result = { removedDirs: 0, removedRows: 0, removedLinks: 0 };
    const trash: string[] = [];
    immediate(this.db, () => {
      const rows = this.db.prepare('SELECT * FROM layers').all() as LayerRow[];
      const byHex = new Map(rows.map((r) => [digestHex(r.chain_id), r]));
      for (const name of fs.readdirSync(this.paths.layers)) {
        const m = TEMP_RE.exec(name);
        if (m) {
          const owner = ownerOf(name, `.${m[1] as string}-`);
          if (owner && !ownerAlive(owner)) {
            trash.push(path.join(this.paths.layers, name));
            result.removedDirs++;
          }
        } else if (!byHex.has(name)) {
          const t = this.workDir('trash');
          if (renameIfExists(path.join(this.paths.layers, name), t)) trash.push(t);
          result.removedDirs++;
        }
      }
      for (const r of rows) {
        if (!fs.existsSync(this.diffDir(r.chain_id))) {
          this.db.prepare('DELETE FROM layers WHERE chain_id = ?').run(r.chain_id);
          fs.rmSync(path.join(this.paths.layerLinks, r.link), { force: true });
          byHex.delete(digestHex(r.chain_id));
          result.removedRows++;
        }
      }
      const links = new Set([...byHex.values()].map((r) => r.link));
      for (const name of fs.readdirSync(this.paths.layerLinks)) {
        if (!links.has(name)) {
          fs.rmSync(path.join(this.paths.layerLinks, name), { force: true });
          result.removedLinks++;
        }
      }
      for (const r of byHex.values()) this.makeLink(r.link, r.chain_id, true);
    });
    for (const t of trash) fs.rmSync(t, { recursive: true, force: true });
    return result;
  }

  /**
   * The overlay for a container root: chainIds bottom to top (image order). lowerdir lists the
   * short link names top-most first, relative to cwd = paths.layerLinks: 27 bytes a layer keeps
   * even a 120-layer image under the kernel's one-page limit for mount options.
   */
  overlayMount(chainIds: string[], upperDir: string, workDir: string): OverlayMount {
    if (chainIds.length === 0) {
      throw new BerthError('InvalidArgument', 'an overlay needs at least one layer');
    }
    const links = chainIds.map((id) => {
      const info = this.get(id);
      if (!info) throw new BerthError('NotFound', `layer not found: "${id}"`);
      return info.link;
    });
    return {
      type: 'overlay',
      source: 'overlay',
      cwd: this.paths.layerLinks,
      options: [
        `lowerdir=${links.reverse().join(':')}`,
        `upperdir=${path.resolve(upperDir)}`,
        `workdir=${path.resolve(workDir)}`,
        // one lower dir serves many containers' overlays; the inode index would tie it to one
        'index=off',
        // rootless: an overlay in the user's namespace keeps its bookkeeping in user.* xattrs
        ...(rootlessMode() ? ['userxattr'] : []),
      ],
    };
  }

  /** Move tmp into place and record it, or keep the copy that another process committed first. */
  private commit(tmp: string, parent: string | null, diffId: string, size: number): LayerInfo {
    const chainId = LayerStore.chainId(parent, diffId);
    const final = path.join(this.paths.layers, digestHex(chainId));
    const stale = this.workDir('trash');
    try {
      return immediate(this.db, () => {
        const existing = this.get(chainId);
        if (existing) return existing;
        const row = this.row(chainId);
        if (row) {
          // the row outlived its dir (deleted by hand): start over
          this.db.prepare('DELETE FROM layers WHERE chain_id = ?').run(chainId);
          fs.rmSync(path.join(this.paths.layerLinks, row.link), { force: true });
        }
        renameIfExists(final, stale); // a crash between rename and commit left it
        fs.renameSync(tmp, final);
        const info: LayerInfo = { chainId, diffId, parent, link: newLinkName(), size, created: new Date().toISOString() };
        this.makeLink(info.link, chainId, false);
        this.db
          .prepare('INSERT INTO layers (chain_id, diff_id, parent, link, size, created) VALUES (?, ?, ?, ?, ?, ?)')
          .run(info.chainId, info.diffId, info.parent, info.link, info.size, info.created);
        return info;
      });
    } finally {
      fs.rmSync(stale, { recursive: true, force: true });
    }
  }

  private makeLink(name: string, chainId: string, onlyIfMissing: boolean): void {
    const link = path.join(this.paths.layerLinks, name);
    if (onlyIfMissing && fs.lstatSync(link, { throwIfNoEntry: false }) !== undefined) return;
    fs.symlinkSync(path.relative(this.paths.layerLinks, this.diffDir(chainId)), link);
  }

  private row(chainId: string): LayerRow | undefined {
    digestHex(chainId);
    return this.db.prepare('SELECT * FROM layers WHERE chain_id = ?').get(chainId) as LayerRow | undefined;
  }

  private workDir(kind: 'tmp' | 'trash'): string {
    if (kind === 'tmp') this.spreadLayerDirs();
    return path.join(this.paths.layers, ownedTempName(`.${kind}-`));
  }

  private spread = false;

  /**
   * Once per store object, before the first unpack: the layers directory is marked the top of a
   * directory hierarchy (chattr +T), so that ext4 puts each new layer directory in a block group
   * of its own choosing rather than its parent's. In the parent's group, an ext4 without a
   * journal skips every inode freed in the last ~30 s at each allocation: after an rmi, a layer of
   * ~400 files (busybox) spent ~100 µs on each symlink, and a pull of busybox and five 20 MiB
   * layers took ~12% more CPU. Best effort: other filesystems have no such flag.
   */
  private spreadLayerDirs(): void {
    if (this.spread) return;
    this.spread = true;
    try {
      linux.topDir(this.paths.layers);
    } catch {
      // best effort: the flag only decides where directories go
    }
  }
}

/** Decompress, unpack, and hash the uncompressed bytes on the way: that hash is the diffID. */
async function unpackHashed(src: Readable, dir: string): Promise<{ diffId: string; size: number }> {
  const plain = await openDecompressed(src);
  const hash = createHash('sha256');
  // loaded on first use: commands that only run containers never parse tar
  const { unpackLayer } = await import('./unpack.js');
  const { size } = await unpackLayer(plain, dir, (chunk) => hash.update(chunk));
  return { diffId: `sha256:${hash.digest('hex')}`, size };
}

function newLinkName(): string {
  let s = '';
  for (let i = 0; i < 26; i++) s += LINK_CHARS[randomInt(LINK_CHARS.length)];
  return s;
}

function renameIfExists(from: string, to: string): boolean {
  try {
    fs.renameSync(from, to);
    return true;
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return false;
    throw e;
  }
}

function toInfo(r: LayerRow): LayerInfo {
  return { chainId: r.chain_id, diffId: r.diff_id, parent: r.parent, link: r.link, size: r.size, created: r.created };
}
