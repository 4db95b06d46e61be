import { createHash } from 'node:crypto';
import type { ContentStore } from '../content/content-store.js';
import type { Db } from '../metadata/database.js';
import { LayerStore } from '../snapshots/layer-store.js';

/** A layer a step produced: its blob (as the manifest lists it) and its diff id. */
export interface StepLayer {
  digest: string;
  size: number;
  mediaType: string;
  diffId: string;
}

/** What a step left: a layer (RUN, COPY, ADD) or none (config-only steps), and when it ran. */
export interface StepResult {
  layer?: StepLayer;
  /** ISO 8601; reused on a hit, so a fully cached rebuild yields the same config, so the same id */
  created: string;
}

/** A step's cache key: its parent's key, the instruction as it ran, and the inputs it read. */
export function stepKey(parentKey: string, step: unknown): string {
  return `sha256:${createHash('sha256').update(parentKey).update('\0').update(JSON.stringify(step)).digest('hex')}`;
}

/**
 * The build cache: table build_cache maps a step key (see stepKey) to what the step produced.
 * An entry is only a hit while its layer is still stored: image removal and garbage collection
 * may delete a layer nobody references, and the step then simply runs again.
 */
export class BuildCache {
  constructor(
    private readonly db: Db,
    private readonly content: ContentStore,
    private readonly layers: LayerStore,
  ) {}

  /** The step's result if cached and its layer (on top of parentChainId) is still there. */
  get(key: string, parentChainId: string | null): StepResult | undefined {
    const row = this.db.prepare('SELECT layer, created FROM build_cache WHERE key = ?').get(key) as { layer: string | null; created: string } | undefined;
    if (!row) return undefined;
    const layer = row.layer === null ? undefined : (JSON.parse(row.layer) as StepLayer);
    if (layer && (!this.content.has(layer.digest) || !this.layers.has(LayerStore.chainId(parentChainId, layer.diffId)))) return undefined;
    this.db.prepare('UPDATE build_cache SET last_used = ? WHERE key = ?').run(new Date().toISOString(), key);
    return { ...(layer ? { layer } : {}), created: row.created };
  }

  put(key: string, r: StepResult): void {
    this.db
      .prepare('INSERT OR REPLACE INTO build_cache (key, layer, created, last_used) VALUES (?, ?, ?, ?)')
      .run(key, r.layer ? JSON.stringify(r.layer) : null, r.created, new Date().toISOString());
  }
}

/**
 * Digests of context files, remembered by path and stat (device, inode, size, mtime and ctime in
 * nanoseconds): a cached rebuild then reads no file content, as git's index and BuildKit's
 * content-hash cache avoid it. ctime cannot be set back by a user, so a changed file is always
 * hashed again.
 */
export class FileDigestMemo {
  constructor(private readonly db: Db) {}

  static statKey(st: { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint }): string {
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  }

  get(path: string, statKey: string): string | undefined {
    const row = this.db.prepare('SELECT stat, digest FROM build_file_digests WHERE path = ?').get(path) as { stat: string; digest: string } | undefined;
    return row?.stat === statKey ? row.digest : undefined;
  }

  set(path: string, statKey: string, digest: string): void {
    this.db.prepare('INSERT OR REPLACE INTO build_file_digests (path, stat, digest) VALUES (?, ?, ?)').run(path, statKey, digest);
  }
}
