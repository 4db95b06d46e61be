import { sha256Digest } from '../content/digest.js';
import { BerthError } from '../errors/index.js';
import { formatPlatform, platformMatches } from '../images/platform.js';
import { MEDIA_TYPES, type Descriptor, type ImageIndex, type ImageManifest, type Platform } from '../oci/types.js';
import type { RegistryClient } from './client.js';
import { readBody } from './transport.js';

/** What a registry may answer for a manifest: the four types berth understands. */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest].join(', ');

/** Manifests are small; a bigger answer is refused rather than buffered (containerd's limit). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]);
const IMAGE_TYPES = new Set<string>([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);
const CONFIG_TYPES = new Set<string>([MEDIA_TYPES.ociConfig, MEDIA_TYPES.dockerConfig]);
/** gzip, zstd and plain tars, docker's and OCI's names (the layer's bytes decide the decompressor) */
const LAYER_TYPES = new Set<string>([
  MEDIA_TYPES.ociLayer,
  MEDIA_TYPES.ociLayerGzip,
  MEDIA_TYPES.ociLayerZstd,
  MEDIA_TYPES.dockerLayer,
  MEDIA_TYPES.dockerLayerGzip,
  'application/vnd.docker.image.rootfs.diff.tar.zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
]);

export interface FetchedManifest {
  bytes: Buffer;
  digest: string;
  mediaType: string;
  kind: 'index' | 'image';
}

/**
 * GET a manifest by tag or digest; its digest is computed from the bytes (and must equal the
 * one asked for, when it is a digest). Schema 1 and unknown types are refused.
 */
export async function fetchManifest(client: RegistryClient, repo: string, reference: string, what: string): Promise<FetchedManifest> {
  const res = await client.request({
    method: 'GET',
    path: `/v2/${repo}/manifests/${reference}`,
    scopes: [`repository:${repo}:pull`],
    headers: { Accept: MANIFEST_ACCEPT },
    what,
  });
  let bytes: Buffer;
  try {
    bytes = await readBody(res.body, MAX_MANIFEST_BYTES);
  } catch (e) {
    throw new BerthError('InvalidArgument', `${what}: ${(e as Error).message}`);
  }
  const digest = sha256Digest(bytes);
  if (reference.startsWith('sha256:') && digest !== reference) {
    throw new BerthError('InvalidArgument', `${what}: manifest digest mismatch: expected "${reference}", got "${digest}"`);
  }
  return { bytes, digest, ...classify(bytes, String(res.headers['content-type'] ?? ''), what) };
}

/** The media type and kind of a manifest, from its mediaType field or else the Content-Type. */
export function classify(bytes: Buffer, contentType: string, what: string): { mediaType: string; kind: 'index' | 'image' } {
  let doc: { mediaType?: unknown; manifests?: unknown; config?: unknown; schemaVersion?: unknown };
  try {
    doc = JSON.parse(bytes.toString('utf8')) as typeof doc;
  } catch {
    throw new BerthError('InvalidArgument', `${what}: manifest is not valid json`);
  }
  const header = contentType.split(';')[0]?.trim() ?? '';
  if (doc.schemaVersion === 1 || header.startsWith('application/vnd.docker.distribution.manifest.v1')) {
    throw new BerthError('NotImplemented', `${what}: unsupported manifest media type: docker image manifest schema 1 is deprecated`);
  }
  const mediaType = typeof doc.mediaType === 'string' && doc.mediaType !== '' ? doc.mediaType : header;
  if (INDEX_TYPES.has(mediaType) || (!IMAGE_TYPES.has(mediaType) && Array.isArray(doc.manifests))) {
    return { mediaType: INDEX_TYPES.has(mediaType) ? mediaType : MEDIA_TYPES.ociIndex, kind: 'index' };
  }
  if (IMAGE_TYPES.has(mediaType) || ((mediaType === '' || mediaType === 'application/json') && doc.config !== undefined)) {
    return { mediaType: IMAGE_TYPES.has(mediaType) ? mediaType : MEDIA_TYPES.ociManifest, kind: 'image' };
  }
  throw new BerthError('NotImplemented', `${what}: unsupported manifest media type "${mediaType}"`);
}

/**
 * The entry of an index for a platform: the ones that match (os, architecture, variant when
 * both name one); an exact variant first; attestations (`unknown/unknown`) never match.
 */
export function selectPlatform(index: ImageIndex, platform: Platform): Descriptor | undefined {
  const matching = (index.manifests ?? []).filter((m) => platformMatches(m.platform, platform));
  matching.sort((a, b) => Number(b.platform?.variant === platform.variant) - Number(a.platform?.variant === platform.variant));
  return matching[0];
}

/** docker's words when no entry fits. */
export function noMatchingManifest(platform: Platform): BerthError {
  return new BerthError('NotFound', `no matching manifest for ${formatPlatform(platform)} in the manifest list entries`);
}

/** Parse an image manifest, checking the fields a pull needs. */
export function parseImageManifest(bytes: Buffer, what: string): ImageManifest {
  const m = JSON.parse(bytes.toString('utf8')) as ImageManifest;
  if (!m.config?.digest || !Array.isArray(m.layers)) throw new BerthError('InvalidArgument', `${what}: manifest lacks a config or layers`);
  for (const d of [m.config, ...m.layers]) {
    if (typeof d.digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(d.digest) || typeof d.size !== 'number' || d.size < 0) {
      throw new BerthError('InvalidArgument', `${what}: manifest has an invalid descriptor`);
    }
  }
  if (m.config.mediaType && !CONFIG_TYPES.has(m.config.mediaType)) {
    throw new BerthError('NotImplemented', `${what}: unsupported media type "${m.config.mediaType}": not a container image`);
  }
  for (const l of m.layers) {
    if (l.mediaType && !LAYER_TYPES.has(l.mediaType)) {
      throw new BerthError('NotImplemented', `${what}: unsupported layer media type "${l.mediaType}"`);
    }
  }
  return m;
}
