import { digestHex } from '../content/digest.js';
import { BerthError } from '../errors/index.js';
import { MEDIA_TYPES, type Descriptor, type ImageConfig, type ImageIndex, type ImageManifest, type Platform } from '../oci/types.js';
import type { ArchiveFiles } from './archive-files.js';
import type { ImageStore } from './image-store.js';
import { diffIdsOf, normalizeTags, parseDocument, unpackLayers, type LoadContext, type PreparedImage } from './load-layers.js';
import { formatPlatform, platformMatches } from './platform.js';

const MANIFEST_TYPES = new Set<string>([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);
const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]);
/** Nested indexes deeper than this are refused (a loop of digests cannot exist, but be safe). */
const MAX_INDEX_DEPTH = 4;

export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';
export const ANNOTATION_IMAGE_NAME = 'io.containerd.image.name';

function invalid(message: string): BerthError {
  return new BerthError('InvalidArgument', message);
}

/** Where a blob lives in an OCI layout. */
export function blobName(digest: string): string {
  return `blobs/sha256/${digestHex(digest)}`;
}

/**
 * The names an index entry gives its image: containerd's full `io.containerd.image.name` (docker
 * 25+ saves), else `org.opencontainers.image.ref.name` read as a reference, as podman does: skopeo's
 * `oci-archive:x.tar:busybox:1.36` names busybox:1.36, a bare `mytag` names mytag:latest.
 */
export function namesFromAnnotations(annotations: Record<string, string> | undefined): string[] {
  const full = annotations?.[ANNOTATION_IMAGE_NAME];
  if (full) return normalizeTags([full], 'index.json');
  const ref = annotations?.[ANNOTATION_REF_NAME];
  if (ref) return normalizeTags([ref], 'index.json');
  return [];
}

/** The blob's bytes, verified against its digest on the way into the content store. */
async function readBlob(store: ImageStore, files: ArchiveFiles, desc: Descriptor, what: string): Promise<Buffer> {
  const name = blobName(desc.digest);
  if (!files.has(name)) throw invalid(`${what} "${desc.digest}" is not in the archive`);
  const blob = await files.blob(name);
  if (typeof desc.size === 'number' && desc.size !== blob.size) {
    throw invalid(`${what} "${desc.digest}" has size ${blob.size}, but its descriptor says ${desc.size}`);
  }
  return store.content.readBytes(blob.digest);
}

function kindOf(desc: Descriptor, doc?: { manifests?: unknown; config?: unknown }): 'manifest' | 'index' | 'other' {
  if (MANIFEST_TYPES.has(desc.mediaType)) return 'manifest';
  if (INDEX_TYPES.has(desc.mediaType)) return 'index';
  if (desc.mediaType === undefined && doc) return Array.isArray(doc.manifests) ? 'index' : doc.config ? 'manifest' : 'other';
  return 'other';
}

/**
 * The image manifest an index entry stands for on this platform: the entry itself when it is a
 * manifest, else the matching child of its (possibly nested) index. Entries that are neither
 * (attestations, artifacts) give undefined.
 */
async function chooseManifest(store: ImageStore, files: ArchiveFiles, desc: Descriptor, platform: Platform, depth: number): Promise<Descriptor | undefined> {
  let kind = kindOf(desc);
  let doc: ImageIndex | undefined;
  if (kind === 'other' && desc.mediaType === undefined && files.has(blobName(desc.digest))) {
    doc = parseDocument<ImageIndex>(await readBlob(store, files, desc, 'blob'), `blob "${desc.digest}"`);
    kind = kindOf(desc, doc);
  }
  if (kind === 'manifest') return desc;
  if (kind === 'other') return undefined;
  if (depth >= MAX_INDEX_DEPTH) throw invalid(`index "${desc.digest}" nests too deeply`);
  doc ??= parseDocument<ImageIndex>(await readBlob(store, files, desc, 'index'), `index "${desc.digest}"`);
  if (!Array.isArray(doc.manifests)) throw invalid(`index "${desc.digest}" has no manifests`);
  const matching = doc.manifests
    .filter((m) => platformMatches(m.platform, platform))
    .sort((a, b) => Number(b.platform?.variant === platform.variant) - Number(a.platform?.variant === platform.variant));
  // archives often carry only the host's platform: take the first whose blob is present
  for (const m of matching) {
    if (!files.has(blobName(m.digest))) continue;
    const chosen = await chooseManifest(store, files, m, platform, depth + 1);
    if (chosen) return chosen;
  }
  throw invalid(`index "${desc.digest}" has no image for ${formatPlatform(platform)} in the archive`);
}

/**
 * Prepare the images of an OCI image layout (`oci-archive:`, `oci:`, docker 25+ saves): every
 * index.json entry, nested indexes resolved to the wanted platform, each blob verified against
 * its digest and size, each layer against the config's diff id. Manifests keep their bytes, so
 * the image's manifest digest is the archive's.
 */
export async function prepareOciLayout(store: ImageStore, files: ArchiveFiles, ctx: LoadContext, platform: Platform): Promise<PreparedImage[]> {
  const layout = parseDocument<{ imageLayoutVersion?: unknown }>(files.read('oci-layout'), 'oci-layout');
  if (typeof layout.imageLayoutVersion !== 'string') throw invalid('oci-layout has no imageLayoutVersion');
  const index = parseDocument<ImageIndex>(files.read('index.json'), 'index.json');
  if (!Array.isArray(index.manifests)) throw invalid('index.json has no manifests');

  // First resolve every entry and check every blob is there: nothing is unpacked for an
  // archive that will fail anyway.
  const chosen = new Map<string, { desc: Descriptor; tags: string[] }>();
  for (const entry of index.manifests) {
    const tags = namesFromAnnotations(entry.annotations);
    const desc = await chooseManifest(store, files, entry, platform, 0);
    if (!desc) continue;
    const seen = chosen.get(desc.digest);
    if (seen) seen.tags.push(...tags.filter((t) => !seen.tags.includes(t)));
    else chosen.set(desc.digest, { desc, tags });
  }
  if (chosen.size === 0) throw invalid('index.json lists no image');
  const images: Array<{ manifestBytes: Buffer; manifest: ImageManifest; tags: string[] }> = [];
  for (const { desc, tags } of chosen.values()) {
    const manifestBytes = await readBlob(store, files, desc, 'manifest');
    const manifest = parseDocument<ImageManifest>(manifestBytes, `manifest "${desc.digest}"`);
    if (!manifest.config?.digest || !Array.isArray(manifest.layers)) {
      throw invalid(`manifest "${desc.digest}" lacks a config or layers`);
    }
    for (const d of [manifest.config, ...manifest.layers]) {
      if (!files.has(blobName(d.digest))) throw invalid(`manifest "${desc.digest}" names blob "${d.digest}", which is not in the archive`);
    }
    images.push({ manifestBytes, manifest, tags });
  }

  const prepared: PreparedImage[] = [];
  for (const { manifestBytes, manifest, tags } of images) {
    const configBytes = await readBlob(store, files, manifest.config, 'config');
    const config = parseDocument<ImageConfig>(configBytes, `config "${manifest.config.digest}"`);
    const diffIds = diffIdsOf(config, manifest.layers.length, `image ${manifest.config.digest}`);
    const layers = [];
    for (const [i, d] of manifest.layers.entries()) {
      const name = blobName(d.digest);
      const blob = await files.blob(name);
      if (typeof d.size === 'number' && d.size !== blob.size) {
        throw invalid(`layer "${d.digest}" has size ${blob.size}, but its descriptor says ${d.size}`);
      }
      layers.push({ blob, diffId: diffIds[i] as string, name });
    }
    await unpackLayers(store, layers, ctx);
    prepared.push({ manifest: manifestBytes, config: configBytes, tags });
  }
  return prepared;
}
