import type { BlobInfo } from '../content/content-store.js';
import { DigestMismatchError } from '../content/digest-mismatch-error.js';
import { BerthError, errorMessage, wrap } from '../errors/index.js';
import type { ImageConfig, ImageManifest } from '../oci/types.js';
import { normalize } from '../reference/reference.js';
import { LayerStore } from '../snapshots/layer-store.js';
import type { ImageStore } from './image-store.js';
import { blobCompression } from './layer-media.js';

/** An image read from an archive, with blobs stored and layers unpacked, ready to commit. */
export interface PreparedImage {
  manifest: ImageManifest | Buffer;
  config: Buffer;
  /** normalised references */
  tags: string[];
}

/** What a load accumulates for clean-up: layers it unpacked that did not exist before. */
export interface LoadContext {
  ownLayers: string[];
}

/** Parse a JSON document from an archive, or say which one is broken. */
export function parseDocument<T>(data: Buffer, what: string): T {
  try {
    return JSON.parse(data.toString('utf8')) as T;
  } catch (e) {
    throw new BerthError('InvalidArgument', `${what} is not valid json`, { cause: e });
  }
}

/** The config's diff ids, checked to be a list of digests as long as the layer list. */
export function diffIdsOf(config: ImageConfig, layerCount: number, what: string): string[] {
  const ids = config.rootfs?.diff_ids;
  if (!Array.isArray(ids) || ids.some((d) => typeof d !== 'string')) {
    throw new BerthError('InvalidArgument', `${what}: config has no rootfs.diff_ids`);
  }
  if (ids.length !== layerCount) {
    throw new BerthError('InvalidArgument', `${what}: invalid manifest, layers length mismatch: expected ${ids.length}, got ${layerCount}`);
  }
  return ids;
}

/** Normalise references from an archive; a bad one fails the load before anything is stored. */
export function normalizeTags(tags: readonly string[], what: string): string[] {
  return tags.map((t) => {
    try {
      return normalize(t);
    } catch (e) {
      throw wrap(e, `${what}: reference "${t}"`);
    }
  });
}

/**
 * An error met while reading archive data: a failing system call (disk full, permission) keeps
 * its kind, anything else (a corrupt tar or gzip stream) is the input's fault: InvalidArgument.
 */
export function asInputError(e: unknown, context: string): BerthError {
  if (e instanceof BerthError && e.kind !== 'Internal') return wrap(e, context);
  const cause = e instanceof BerthError && e.cause !== undefined ? e.cause : e;
  if (typeof cause === 'object' && cause !== null && 'syscall' in cause) return wrap(e, context);
  return new BerthError('InvalidArgument', `${context}: ${errorMessage(cause)}`, { cause: e });
}

/**
 * Unpack an image's layers bottom up, each verified against its diff id: an uncompressed blob
 * must itself hash to the diff id (checked before unpacking), a compressed one is checked by
 * the layer store while it unpacks.
 */
export async function unpackLayers(
  store: ImageStore,
  layers: ReadonlyArray<{ blob: BlobInfo; diffId: string; name: string }>,
  ctx: LoadContext,
): Promise<void> {
  let parent: string | null = null;
  for (const [i, l] of layers.entries()) {
    const what = `layer ${i + 1} ("${l.name}")`;
    if (blobCompression(store.content, l.blob.digest) === 'none' && l.blob.digest !== l.diffId) {
      throw new DigestMismatchError(`${what}: diff id`, l.diffId, l.blob.digest);
    }
    const chainId = LayerStore.chainId(parent, l.diffId);
    const existed = store.layers.has(chainId);
    try {
      await store.layers.ensureLayer(parent, () => store.content.openRead(l.blob.digest), l.diffId);
    } catch (e) {
      if (e instanceof DigestMismatchError) throw new DigestMismatchError(`${what}: diff id`, e.expected, e.actual);
      throw asInputError(e, `unpacking ${what}`);
    }
    if (!existed) ctx.ownLayers.push(chainId);
    parent = chainId;
  }
}
