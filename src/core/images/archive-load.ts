import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { BerthError, isErrno, wrap } from '../errors/index.js';
import type { Platform } from '../oci/types.js';
import { familiarString } from '../reference/reference.js';
import { dirArchiveFiles, readTarArchive, type ArchiveFiles } from './archive-files.js';
import type { ImageStore } from './image-store.js';
import { prepareDockerArchive } from './load-docker-archive.js';
import type { LoadContext, PreparedImage } from './load-layers.js';
import { prepareOciLayout } from './load-oci-layout.js';
import { hostPlatform } from './platform.js';

export interface LoadOptions {
  /** platform to pick from multi-platform OCI indexes; the host's by default */
  platform?: Platform;
}

export interface LoadResult {
  /** what docker load prints: `Loaded image: busybox:latest` or `Loaded image ID: sha256:…` */
  loaded: string[];
  images: Array<{ id: string; tags: string[] }>;
}

async function prepare(store: ImageStore, files: ArchiveFiles, ctx: LoadContext, opts: LoadOptions): Promise<PreparedImage[]> {
  const platform = opts.platform ?? hostPlatform();
  // docker 25+ writes both: the OCI index keeps manifest digests, so it wins
  if (files.has('index.json') && files.has('oci-layout')) return prepareOciLayout(store, files, ctx, platform);
  if (files.has('manifest.json')) return prepareDockerArchive(store, files, ctx);
  throw new BerthError('InvalidArgument', 'not an image archive: it has neither manifest.json nor index.json', {
    hint: 'docker save, podman save and skopeo write docker-archive or oci-archive tars',
  });
}

/** Commit only once every image of the archive is prepared, so a bad archive lists nothing. */
async function commitAll(store: ImageStore, prepared: PreparedImage[]): Promise<LoadResult> {
  const result: LoadResult = { loaded: [], images: [] };
  for (const p of prepared) {
    const { record, moved } = await store.commitImage(p);
    for (const m of moved) {
      result.loaded.push(`The image ${familiarString(m.name)} already exists, renaming the old one with ID ${m.previousId} to empty string`);
    }
    if (p.tags.length === 0) result.loaded.push(`Loaded image ID: ${record.id}`);
    for (const t of p.tags) result.loaded.push(`Loaded image: ${familiarString(t)}`);
    // docker's `load` event, one per name loaded (the id when it has none): from here, so every
    // caller (the CLI, the API server) reports it
    for (const name of p.tags.length ? p.tags.map((t) => familiarString(t)) : [record.id]) store.onEvent?.('load', name, {});
    result.images.push({ id: record.id, tags: p.tags });
  }
  return result;
}

async function run(store: ImageStore, what: string, open: (ingested: Set<string>) => Promise<ArchiveFiles>, opts: LoadOptions): Promise<LoadResult> {
  const ingested = new Set<string>();
  const ctx: LoadContext = { ownLayers: [] };
  try {
    const files = await open(ingested);
    return await commitAll(store, await prepare(store, files, ctx, opts));
  } catch (e) {
    throw wrap(e, what);
  } finally {
    // whatever no image ended up needing goes: other platforms, extra files, a failed load
    store.collectLayers(ctx.ownLayers);
    store.collectBlobs(ingested);
  }
}

/**
 * `docker load`: read a docker-archive or OCI archive (optionally gzip/zstd-compressed) from a
 * stream or a file path, store its images, and report them as docker does. The format is
 * detected from the files inside. Any corruption (a digest or diff id that does not match, a
 * truncated archive, a manifest naming a file that is missing) is InvalidArgument, and no image
 * or tag of the archive is stored; blobs and layers it brought are removed again.
 *
 * @example
 * const { loaded } = await loadArchive(images, '/tmp/busybox.tar'); // ['Loaded image: busybox:latest']
 */
export async function loadArchive(store: ImageStore, src: Readable | string, opts: LoadOptions = {}): Promise<LoadResult> {
  const what = typeof src === 'string' ? `loading "${src}"` : 'loading image archive';
  return run(
    store,
    what,
    async (ingested) => {
      const stream = typeof src === 'string' ? openFile(src) : src;
      return readTarArchive(store.content, stream, ingested);
    },
    opts,
  );
}

/** Load the images of an OCI image layout directory (skopeo's `oci:<dir>`). */
export async function loadOciLayoutDir(store: ImageStore, dir: string, opts: LoadOptions = {}): Promise<LoadResult> {
  return run(
    store,
    `loading "${dir}"`,
    async (ingested) => {
      const files = dirArchiveFiles(store.content, dir, ingested);
      if (!files.has('index.json') || !files.has('oci-layout')) {
        throw new BerthError('InvalidArgument', 'not an OCI image layout: index.json or oci-layout is missing');
      }
      return files;
    },
    opts,
  );
}

function openFile(p: string): Readable {
  try {
    const fd = fs.openSync(p, 'r');
    return fs.createReadStream(p, { fd });
  } catch (e) {
    if (isErrno(e, 'ENOENT')) throw new BerthError('NotFound', 'no such file or directory', { cause: e });
    throw e;
  }
}
