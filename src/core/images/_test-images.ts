import { Readable } from 'node:stream';
import tar from 'tar-stream';
import zlib from 'node:zlib';
import { sha256Digest } from '../content/digest.js';
import { MEDIA_TYPES, type HistoryEntry, type ImageConfig, type ImageManifest } from '../oci/types.js';
import type { ImageStore } from './image-store.js';
import type { ImageRecord } from './image-record.js';

/** A tar of small files, in memory: { 'etc/hello': 'hi' }. */
export async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, body] of Object.entries(files)) {
    pack.entry({ name, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }, body);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export interface SyntheticImage {
  /** one object of files per layer, bottom first */
  layers: Array<Record<string, string>>;
  tags?: string[];
  history?: HistoryEntry[];
  gzip?: boolean;
  /** makes otherwise equal configs differ */
  label?: string;
  created?: string;
}

/** Store an image made of tiny layers the way a pull would: blobs, then layers, then commit. */
export async function makeImage(store: ImageStore, spec: SyntheticImage): Promise<ImageRecord> {
  const diffIds: string[] = [];
  const descs: ImageManifest['layers'] = [];
  let parent: string | null = null;
  for (const files of spec.layers) {
    const plain = await tarOf(files);
    const blob = spec.gzip ? zlib.gzipSync(plain) : plain;
    const { digest, size } = await store.content.putBytes(blob);
    const diffId = sha256Digest(plain);
    parent = (await store.layers.ensureLayer(parent, () => Readable.from([blob]), diffId)).chainId;
    diffIds.push(diffId);
    descs.push({ mediaType: spec.gzip ? MEDIA_TYPES.ociLayerGzip : MEDIA_TYPES.ociLayer, digest, size });
  }
  const config: ImageConfig = {
    created: spec.created ?? '2024-01-02T03:04:05Z',
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ...(spec.label ? { Labels: { l: spec.label } } : {}) },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: spec.history ?? spec.layers.map((_, i) => ({ created: '2024-01-02T03:04:05Z', created_by: `step ${i}` })),
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, digest: sha256Digest(configBytes), size: configBytes.length },
    layers: descs,
  };
  return (await store.commitImage({ manifest, config: configBytes, tags: spec.tags ?? [] })).record;
}
