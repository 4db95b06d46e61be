import { sha256Digest } from '../content/digest.js';
import { BerthError } from '../errors/index.js';
import { MEDIA_TYPES, type ImageConfig, type ImageManifest } from '../oci/types.js';
import type { ArchiveFiles } from './archive-files.js';
import type { ImageStore } from './image-store.js';
import { blobCompression, ociLayerMediaType } from './layer-media.js';
import { diffIdsOf, normalizeTags, parseDocument, unpackLayers, type LoadContext, type PreparedImage } from './load-layers.js';

/** One entry of a docker-archive's manifest.json. */
export interface DockerArchiveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

const CONFIG_NAME_RE = /(?:^|\/)([a-f0-9]{64})(?:\.json)?$/;

function invalid(message: string): BerthError {
  return new BerthError('InvalidArgument', message);
}

/** manifest.json, checked for the shape docker writes before anything else is touched. */
export function readDockerManifest(files: ArchiveFiles): DockerArchiveEntry[] {
  const entries = parseDocument<unknown>(files.read('manifest.json'), 'manifest.json');
  if (!Array.isArray(entries)) throw invalid('manifest.json is not a list of images');
  for (const e of entries as Array<Partial<DockerArchiveEntry>>) {
    if (typeof e?.Config !== 'string' || !Array.isArray(e.Layers) || e.Layers.some((l) => typeof l !== 'string')) {
      throw invalid('manifest.json: an entry lacks Config or Layers');
    }
    if (e.RepoTags != null && (!Array.isArray(e.RepoTags) || e.RepoTags.some((t) => typeof t !== 'string'))) {
      throw invalid('manifest.json: RepoTags is not a list of strings');
    }
  }
  return entries as DockerArchiveEntry[];
}

/**
 * Prepare the images of a docker-archive (`docker save`, `podman save`, skopeo
 * `docker-archive:`): the config names the image, each layer file (`<id>/layer.tar` in classic
 * saves, `blobs/sha256/<hex>` in docker 25+, plain or compressed) must match the config's
 * diff id in order. The manifest berth records is an OCI manifest over the stored files.
 */
export async function prepareDockerArchive(store: ImageStore, files: ArchiveFiles, ctx: LoadContext): Promise<PreparedImage[]> {
  const entries = readDockerManifest(files);
  // every reference and every file name is checked before a layer is unpacked
  const tagsOf = entries.map((e) => normalizeTags(e.RepoTags ?? [], 'manifest.json'));
  for (const e of entries) {
    for (const name of [e.Config, ...e.Layers]) {
      if (!files.has(name)) throw invalid(`manifest.json names "${name}", which is not in the archive`);
    }
  }
  const prepared: PreparedImage[] = [];
  for (const [i, e] of entries.entries()) {
    const configBytes = files.read(e.Config);
    const configDigest = sha256Digest(configBytes);
    const named = CONFIG_NAME_RE.exec(e.Config)?.[1];
    if (named !== undefined && `sha256:${named}` !== configDigest) {
      throw invalid(`config "${e.Config}" does not match its name: its digest is "${configDigest}"`);
    }
    const config = parseDocument<ImageConfig>(configBytes, `config "${e.Config}"`);
    const diffIds = diffIdsOf(config, e.Layers.length, `image ${configDigest}`);
    const layers = [];
    for (const [j, name] of e.Layers.entries()) {
      layers.push({ blob: await files.blob(name), diffId: diffIds[j] as string, name });
    }
    await unpackLayers(store, layers, ctx);
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: MEDIA_TYPES.ociConfig, digest: configDigest, size: configBytes.length },
      layers: layers.map((l) => ({
        mediaType: ociLayerMediaType(blobCompression(store.content, l.blob.digest)),
        digest: l.blob.digest,
        size: l.blob.size,
      })),
    };
    prepared.push({ manifest, config: configBytes, tags: tagsOf[i] ?? [] });
  }
  return prepared;
}
