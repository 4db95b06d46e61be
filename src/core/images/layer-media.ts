import fs from 'node:fs';
import type { ContentStore } from '../content/content-store.js';
import { MEDIA_TYPES } from '../oci/types.js';

export type Compression = 'none' | 'gzip' | 'zstd';

/** What the first bytes of a layer say about its compression (tools mislabel; bytes do not). */
export function compressionOf(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x28b52ffd) return 'zstd';
  return 'none';
}

/** The compression of a stored blob, from its first four bytes. */
export function blobCompression(content: ContentStore, digest: string): Compression {
  const fd = fs.openSync(content.pathOf(digest), 'r');
  try {
    const head = Buffer.alloc(4);
    const n = fs.readSync(fd, head, 0, 4, 0);
    return compressionOf(head.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
}

/** The OCI layer media type for a compression. */
export function ociLayerMediaType(c: Compression): string {
  if (c === 'gzip') return MEDIA_TYPES.ociLayerGzip;
  if (c === 'zstd') return MEDIA_TYPES.ociLayerZstd;
  return MEDIA_TYPES.ociLayer;
}
