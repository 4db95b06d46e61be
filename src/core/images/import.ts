import type { Readable } from 'node:stream';
import { wrap } from '../errors/index.js';
import { MEDIA_TYPES, type ImageConfig, type ImageManifest, type Platform } from '../oci/types.js';
import { normalize } from '../reference/reference.js';
import { applyChanges } from './changes.js';
import type { ImageStore } from './image-store.js';
import { blobCompression, ociLayerMediaType } from './layer-media.js';
import { hostPlatform } from './platform.js';

export interface ImportOptions {
  /** reference to tag the image with */
  tag?: string;
  /** Dockerfile instructions (`--change`): CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR… */
  changes?: readonly string[];
  /** commit message (`--message`); docker's default is `Imported from <source>` */
  message?: string;
  /** what the tar came from, for the default message: a path, a URL, or `-` for stdin */
  source?: string;
  platform?: Platform;
}

/**
 * `docker import`: make a one-layer image from a root filesystem tar (plain, gzip or zstd).
 * The tar is stored as the layer blob exactly as given and unpacked once; the config has the
 * host's (or the given) platform and no default command, as docker's. Returns the image id.
 * Nothing is listed if any step fails; a stored blob nobody needs is removed again.
 *
 * @example
 * const id = await importRootfs(images, fs.createReadStream('rootfs.tar'), { tag: 'mybox', changes: ['CMD ["sh"]'] });
 */
export async function importRootfs(store: ImageStore, src: Readable, opts: ImportOptions = {}): Promise<string> {
  // validate everything the user typed before reading a byte
  const tags = opts.tag === undefined ? [] : [normalize(opts.tag)];
  const runtime = applyChanges({}, opts.changes ?? []);
  const platform = opts.platform ?? hostPlatform();

  const blob = await store.content.ingest(src).catch((e: unknown) => {
    throw wrap(e, 'importing root filesystem');
  });
  const stored = [blob.digest];
  const startedAt = new Date().toISOString();
  let ownLayer: string | undefined;
  try {
    const compression = blobCompression(store.content, blob.digest);
    const layer = await store.layers.ensureLayer(null, () => store.content.openRead(blob.digest));
    // a layer created after we started is ours to remove if the import fails
    if (layer.created >= startedAt) ownLayer = layer.chainId;
    const created = new Date().toISOString();
    const comment = opts.message ?? `Imported from ${opts.source ?? '-'}`;
    // docker writes the message both as the image comment and in its one history entry
    const config: ImageConfig & { comment: string } = {
      created,
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      config: runtime,
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
      history: [{ created, comment }],
      comment,
    };
    const configBytes = Buffer.from(JSON.stringify(config));
    const { digest: configDigest } = await store.content.putBytes(configBytes);
    stored.push(configDigest);
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: MEDIA_TYPES.ociConfig, digest: configDigest, size: configBytes.length },
      layers: [{ mediaType: ociLayerMediaType(compression), digest: blob.digest, size: blob.size }],
    };
    const { record } = await store.commitImage({ manifest, config: configBytes, tags });
    return record.id;
  } catch (e) {
    store.collectBlobs(stored);
    if (ownLayer !== undefined) store.collectLayers([ownLayer]);
    throw wrap(e, 'importing root filesystem');
  }
}
