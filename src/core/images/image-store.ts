import fs from 'node:fs';
import type { ContentStore } from '../content/content-store.js';
import { sha256Digest } from '../content/digest.js';
import { BerthError } from '../errors/index.js';
import { immediate, type Db } from '../metadata/database.js';
import type { ImageConfig, ImageManifest } from '../oci/types.js';
import { familiarString, isImageIdLike, normalize, parseReference, type Reference } from '../reference/reference.js';
import { LayerStore } from '../snapshots/layer-store.js';
import { noSuchImage } from './image-errors.js';
import { historyItems } from './image-history.js';
import { toImageInspect } from './image-inspect.js';
import type { HistoryItem, ImageInspect, ImageRecord, ImageSummary, ImageUsage, ImageUser, RemoveResult } from './image-record.js';
import { imageUsage, pruneImages, removeImage, type PruneOptions, type PruneResult, type RemoveOptions } from './image-remove.js';

interface ImageRow {
  id: string;
  manifest_digest: string;
  created: string;
  size: number;
  top_chain_id: string;
  chain_ids: string;
  layer_digests: string;
  last_tag_time: string;
}

/** What commitImage stores: raw bytes keep a pulled manifest's digest; objects are serialised. */
export interface CommitInput {
  manifest: ImageManifest | Buffer;
  config: ImageConfig | Buffer;
  /** references to point at the image (normalised here); a digested one becomes a repo digest */
  tags?: readonly string[];
}

/** What commitImage did, including tags it took away from other images (docker load reports those). */
export interface CommitResult {
  record: ImageRecord;
  /** tags that pointed at another image before: [reference, previous image id] */
  moved: Array<{ name: string; previousId: string }>;
}

function bytesOf(v: object | Buffer): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v));
}

function parseJson<T>(buf: Buffer, what: string): T {
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch (e) {
    throw new BerthError('InvalidArgument', `${what} is not valid json`, { cause: e });
  }
}

/**
 * Images and their references in SQLite, over the content store (manifest, config and layer
 * blobs) and the layer store (unpacked layers).
 *
 * Invariant: an `images` row exists only once every blob and layer it names is stored, and a
 * tag only points at such a row. commitImage checks that inside the same IMMEDIATE transaction
 * that inserts the row, and removal deletes files inside its own transaction, so neither a
 * concurrent berth process nor a kill -9 can leave a tag on a half image.
 *
 * @example
 * const images = new ImageStore(db, content, layers);
 * const rec = images.resolve('busybox'); // by tag, full id, or unique id prefix
 */
export class ImageStore {
  /** set by the engine: image events (pull, tag, untag, delete…) for `berth events` */
  onEvent: ((action: string, id: string, attributes: Record<string, string>) => void) | undefined;

  constructor(
    readonly db: Db,
    readonly content: ContentStore,
    readonly layers: LayerStore,
  ) {}

  /**
   * Record an image whose layer blobs and unpacked layers are already stored; stores the
   * manifest and config blobs if missing; points `tags` at it (moving them off other images).
   * Throws FailedPrecondition naming the first missing blob or layer, and stores no row then.
   */
  async commitImage(input: CommitInput): Promise<CommitResult> {
    const configBytes = bytesOf(input.config);
    const manifestBytes = bytesOf(input.manifest);
    const config = Buffer.isBuffer(input.config) ? parseJson<ImageConfig>(configBytes, 'image config') : input.config;
    const manifest = Buffer.isBuffer(input.manifest) ? parseJson<ImageManifest>(manifestBytes, 'image manifest') : input.manifest;
    const id = sha256Digest(configBytes);
    if (manifest.config?.digest !== id) {
      throw new BerthError('InvalidArgument', `manifest names config "${manifest.config?.digest}", but the config is "${id}"`);
    }
    const diffIds = config.rootfs?.diff_ids ?? [];
    const layerDigests = (manifest.layers ?? []).map((l) => l.digest);
    if (diffIds.length !== layerDigests.length) {
      throw new BerthError('InvalidArgument', `image has ${layerDigests.length} layers but its config lists ${diffIds.length} diff ids`);
    }
    const names = (input.tags ?? []).map((t) => normalize(t));
    const chainIds: string[] = [];
    let parent: string | null = null;
    for (const d of diffIds) chainIds.push((parent = LayerStore.chainId(parent, d)));

    // Blobs go in before the transaction (writes are slow); presence is checked inside it.
    const [{ digest: manifestDigest }] = await Promise.all([this.content.putBytes(manifestBytes), this.content.putBytes(configBytes, id)]);

    const now = new Date().toISOString();
    const moved: CommitResult['moved'] = [];
    try {
      this.insertImage({ id, manifestDigest, config, chainIds, layerDigests, names, now, moved });
    } catch (e) {
      this.collectBlobs([manifestDigest, id]);
      throw e;
    }
    // An image stored before under another manifest keeps that one; drop what became garbage.
    this.collectBlobs([manifestDigest, ...layerDigests]);
    return { record: this.byId(id) as ImageRecord, moved };
  }

  private insertImage(a: {
    id: string;
    manifestDigest: string;
    config: ImageConfig;
    chainIds: string[];
    layerDigests: string[];
    names: string[];
    now: string;
    moved: CommitResult['moved'];
  }): void {
    const { id, manifestDigest, config, chainIds, layerDigests, names, now, moved } = a;
    immediate(this.db, () => {
      for (const d of layerDigests) {
        if (!this.content.has(d)) throw new BerthError('FailedPrecondition', `layer blob "${d}" is not stored`);
      }
      let size = 0;
      for (const c of chainIds) {
        const info = this.layers.get(c);
        if (!info) throw new BerthError('FailedPrecondition', `layer "${c}" is not unpacked`);
        size += info.size;
      }
      if (!this.content.has(manifestDigest) || !this.content.has(id)) {
        throw new BerthError('FailedPrecondition', 'image blobs were removed while committing');
      }
      this.db
        .prepare(
          `INSERT OR IGNORE INTO images (id, manifest_digest, created, size, top_chain_id, chain_ids, layer_digests, last_tag_time)
           VALUES (?, ?, ?, ?, ?, ?, ?, '')`,
        )
        .run(id, manifestDigest, config.created ?? '', size, chainIds[chainIds.length - 1] ?? '', JSON.stringify(chainIds), JSON.stringify(layerDigests));
      for (const name of names) {
        const prev = this.db.prepare('SELECT image_id FROM image_tags WHERE name = ?').get(name) as { image_id: string } | undefined;
        if (prev && prev.image_id !== id) moved.push({ name, previousId: prev.image_id });
        this.setTag(name, id, now);
      }
    });
  }

  /**
   * The image a user means: a tag or digested reference, a full id (`sha256:…` or 64 hex), or a
   * unique id prefix, in docker's order. NotFound says `No such image: <ref>` (docker's text);
   * an ambiguous prefix is InvalidArgument.
   */
  resolve(refOrId: string): ImageRecord {
    const hex = refOrId.startsWith('sha256:') ? refOrId.slice('sha256:'.length) : refOrId;
    if (/^[a-f0-9]{64}$/.test(hex)) {
      const rec = this.byId(`sha256:${hex}`);
      if (rec) return rec;
      throw noSuchImage(`sha256:${hex}`);
    }
    let ref: Reference | undefined;
    try {
      ref = parseReference(refOrId);
    } catch (e) {
      if (!isImageIdLike(refOrId)) throw e;
    }
    if (ref) {
      const row = this.db.prepare('SELECT image_id FROM image_tags WHERE name = ?').get(normalize(refOrId)) as { image_id: string } | undefined;
      if (row) return this.byId(row.image_id) as ImageRecord;
      if (ref.digest !== undefined) {
        const m = this.db.prepare('SELECT id FROM images WHERE manifest_digest = ?').get(ref.digest) as { id: string } | undefined;
        if (m) return this.byId(m.id) as ImageRecord;
      }
    }
    if (isImageIdLike(refOrId)) {
      const ids = this.db.prepare('SELECT id FROM images WHERE substr(id, 8, ?) = ? LIMIT 2').all(hex.length, hex) as Array<{ id: string }>;
      if (ids.length > 1) {
        throw new BerthError('InvalidArgument', `image id prefix "${refOrId}" is ambiguous: it matches more than one image`);
      }
      if (ids[0]) return this.byId(ids[0].id) as ImageRecord;
    }
    throw noSuchImage(refOrId);
  }

  /** resolve() that returns undefined instead of throwing NotFound. */
  find(refOrId: string): ImageRecord | undefined {
    try {
      return this.resolve(refOrId);
    } catch (e) {
      if (e instanceof BerthError && e.kind === 'NotFound') return undefined;
      throw e;
    }
  }

  /** Every image with its references and config, newest first (as `docker images` lists them). */
  list(): ImageSummary[] {
    const rows = this.db.prepare('SELECT * FROM images ORDER BY created DESC, id').all() as ImageRow[];
    const refs = this.allRefs();
    return rows.map((r) => ({
      ...this.toRecord(r, refs.get(r.id) ?? []),
      config: this.content.readJson<ImageConfig>(r.id),
    }));
  }

  /** Point `target` at the image `source` resolves to (docker tag). Returns the normalised target. */
  tag(source: string, target: string): string {
    const rec = this.resolve(source);
    const ref = parseReference(target);
    if (ref.digest !== undefined) {
      throw new BerthError('InvalidArgument', 'refusing to create a tag with a digest reference');
    }
    const name = normalize(target);
    immediate(this.db, () => {
      if (!this.byId(rec.id)) throw noSuchImage(source);
      this.setTag(name, rec.id, new Date().toISOString());
    });
    this.onEvent?.('tag', rec.id, { name: familiarString(name) });
    return name;
  }

  /** Remove one reference without deleting anything (podman untag). Returns the image id. */
  untag(ref: string): string {
    const name = normalize(ref);
    const id = immediate(this.db, () => {
      const row = this.db.prepare('SELECT image_id FROM image_tags WHERE name = ?').get(name) as { image_id: string } | undefined;
      if (!row) throw noSuchImage(ref);
      this.db.prepare('DELETE FROM image_tags WHERE name = ?').run(name);
      return row.image_id;
    });
    this.onEvent?.('untag', id, { name: familiarString(name) });
    return id;
  }

  /** The image's config (the blob named by its id). */
  config(imageId: string): ImageConfig {
    return this.content.readJson<ImageConfig>(this.resolve(imageId).id);
  }

  /** The image's manifest as stored. */
  manifest(imageId: string): ImageManifest {
    return this.content.readJson<ImageManifest>(this.resolve(imageId).manifestDigest);
  }

  /** `docker history` rows, newest first. */
  history(refOrId: string): HistoryItem[] {
    const rec = this.resolve(refOrId);
    const sizes = rec.chainIds.map((c) => this.layers.get(c)?.size ?? 0);
    return historyItems({
      id: rec.id,
      config: this.content.readJson<ImageConfig>(rec.id),
      layerSizes: sizes,
      tags: rec.tags.map((t) => familiarString(t)),
    });
  }

  /** Docker's ImageInspect JSON. */
  inspect(refOrId: string): ImageInspect {
    const rec = this.resolve(refOrId);
    return toImageInspect(rec, this.content.readJson<ImageConfig>(rec.id), (c) => this.layers.diffDir(c));
  }

  /** `docker rmi` (see removeImage for docker's rules). */
  remove(refOrId: string, opts: RemoveOptions = {}): RemoveResult {
    const r = removeImage(this, refOrId, opts);
    for (const u of r.untagged) this.onEvent?.('untag', u, { name: u });
    for (const d of r.deleted) this.onEvent?.('delete', d, { name: d });
    return r;
  }

  /** `docker image prune [-a]`. */
  prune(opts: PruneOptions = {}): PruneResult {
    return pruneImages(this, opts);
  }

  /** Image totals for `docker system df`. */
  usage(usedBy?: (imageId: string) => ImageUser[]): ImageUsage {
    return imageUsage(this, usedBy);
  }

  /** The stored image with exactly this id, or undefined. */
  byId(id: string): ImageRecord | undefined {
    const row = this.db.prepare('SELECT * FROM images WHERE id = ?').get(id) as ImageRow | undefined;
    if (!row) return undefined;
    const names = (
      this.db.prepare('SELECT name FROM image_tags WHERE image_id = ? ORDER BY name').all(id) as Array<{
        name: string;
      }>
    ).map((r) => r.name);
    return this.toRecord(row, names);
  }

  /** All image ids, for callers that walk the store (prune, df). */
  ids(): string[] {
    return (this.db.prepare('SELECT id FROM images').all() as Array<{ id: string }>).map((r) => r.id);
  }

  /**
   * Delete the image row and its references; must run inside the caller's IMMEDIATE transaction.
   * Files are left alone: the caller passes the returned candidates to `release` after its
   * transaction commits, so a crash in between leaves garbage, never a listed image whose
   * files are gone.
   */
  deleteImageRow(id: string): { blobs: string[]; chainIds: string[] } {
    const rec = this.byId(id);
    if (!rec) return { blobs: [], chainIds: [] };
    this.db.prepare('DELETE FROM image_tags WHERE image_id = ?').run(id);
    this.db.prepare('DELETE FROM images WHERE id = ?').run(id);
    return { blobs: [rec.manifestDigest, rec.id, ...rec.layerDigests], chainIds: rec.chainIds };
  }

  /**
   * Delete those blobs and layers that no image references (any more). One IMMEDIATE transaction
   * rechecks the references while it deletes, so an image committed meanwhile keeps its files.
   * Returns the chain ids of the layers removed, top first.
   */
  release(candidates: { blobs: Iterable<string>; chainIds: Iterable<string> }): string[] {
    return immediate(this.db, () => {
      this.collectBlobs(candidates.blobs);
      return this.collectLayers(candidates.chainIds);
    });
  }

  /**
   * Remove what no image references and nothing is likely to be using: blobs and (when the
   * caller names the layers containers still overlay) layers older than minAgeMs, the age
   * protecting a pull or load in progress in another process. Collects what a crash or a forced
   * removal left behind.
   */
  collectGarbage(opts: { minAgeMs?: number; liveChainIds?: Iterable<string> } = {}): { blobs: string[]; layers: string[] } {
    const cutoff = Date.now() - (opts.minAgeMs ?? 60 * 60 * 1000);
    const old = (p: string) => {
      try {
        return fs.statSync(p).mtimeMs < cutoff;
      } catch {
        return false;
      }
    };
    return immediate(this.db, () => {
      const usedBlobs = this.referencedBlobs();
      const blobs = this.collectBlobs(this.content.list().filter((d) => !usedBlobs.has(d) && old(this.content.pathOf(d))));
      if (opts.liveChainIds === undefined) return { blobs, layers: [] };
      const live = new Set(opts.liveChainIds);
      const layers = this.layers.list();
      const parentOf = new Map(layers.map((l) => [l.chainId, l.parent]));
      const keep = new Set<string>();
      for (const l of layers) {
        if (!live.has(l.chainId) && Date.parse(l.created) < cutoff) continue;
        // a layer kept keeps the chain below it
        for (let c: string | null = l.chainId; c && !keep.has(c); c = parentOf.get(c) ?? null) keep.add(c);
      }
      return { blobs, layers: this.collectLayers(layers.map((l) => l.chainId).filter((c) => !keep.has(c))) };
    });
  }

  /**
   * Delete those of `digests` that no image references. Used after failed loads and by removal;
   * runs in its own IMMEDIATE transaction (or joins the caller's) so a concurrent commit that
   * checked a blob's presence cannot lose it.
   */
  collectBlobs(digests: Iterable<string>): string[] {
    return immediate(this.db, () => {
      const used = this.referencedBlobs();
      const deleted: string[] = [];
      for (const d of new Set(digests)) {
        if (!used.has(d) && this.content.delete(d)) deleted.push(d);
      }
      return deleted;
    });
  }

  /** Remove those of `chainIds` that no image references (after a failed load). */
  collectLayers(chainIds: Iterable<string>): string[] {
    return immediate(this.db, () => {
      const used = this.referencedChainIds();
      const removed: string[] = [];
      for (const c of [...new Set(chainIds)].reverse()) {
        if (!used.has(c) && this.layers.remove(c)) removed.push(c);
      }
      return removed;
    });
  }

  /** Digests of every manifest, config and layer blob some image needs. */
  referencedBlobs(): Set<string> {
    const used = new Set<string>();
    const rows = this.db.prepare('SELECT id, manifest_digest, layer_digests FROM images').all() as ImageRow[];
    for (const r of rows) {
      used.add(r.id);
      used.add(r.manifest_digest);
      for (const d of JSON.parse(r.layer_digests) as string[]) used.add(d);
    }
    return used;
  }

  /** Chain ids of every layer some image needs. */
  referencedChainIds(): Set<string> {
    const used = new Set<string>();
    for (const r of this.db.prepare('SELECT chain_ids FROM images').all() as ImageRow[]) {
      for (const c of JSON.parse(r.chain_ids) as string[]) used.add(c);
    }
    return used;
  }

  private setTag(name: string, id: string, now: string): void {
    this.db.prepare('INSERT OR REPLACE INTO image_tags (name, image_id) VALUES (?, ?)').run(name, id);
    this.db.prepare('UPDATE images SET last_tag_time = ? WHERE id = ?').run(now, id);
  }

  private allRefs(): Map<string, string[]> {
    const map = new Map<string, string[]>();
    const rows = this.db.prepare('SELECT name, image_id FROM image_tags ORDER BY name').all() as Array<{
      name: string;
      image_id: string;
    }>;
    for (const r of rows) {
      const list = map.get(r.image_id);
      if (list) list.push(r.name);
      else map.set(r.image_id, [r.name]);
    }
    return map;
  }

  private toRecord(r: ImageRow, names: string[]): ImageRecord {
    return {
      id: r.id,
      manifestDigest: r.manifest_digest,
      created: r.created,
      size: r.size,
      topChainId: r.top_chain_id,
      chainIds: JSON.parse(r.chain_ids) as string[],
      layerDigests: JSON.parse(r.layer_digests) as string[],
      tags: names.filter((n) => !n.includes('@')),
      digests: names.filter((n) => n.includes('@')),
      lastTagTime: r.last_tag_time,
    };
  }
}
