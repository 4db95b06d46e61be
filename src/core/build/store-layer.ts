import type { Readable } from 'node:stream';
import type { EngineContext } from '../engine-context.js';
import { MEDIA_TYPES } from '../oci/types.js';
import type { StepLayer } from './build-cache.js';

/**
 * Store an uncompressed layer tar as a blob and unpack it on top of parentChainId. The blob is
 * kept uncompressed (its digest is its diff id), as podman and buildah keep built layers
 * locally: compressing costs more than it saves on one machine; push may compress.
 */
export async function storeLayer(ctx: EngineContext, parentChainId: string | null, tar: Readable): Promise<StepLayer> {
  const blob = await ctx.content.ingest(tar);
  await ctx.layers.ensureLayer(parentChainId, () => ctx.content.openRead(blob.digest), blob.digest);
  return { digest: blob.digest, size: blob.size, mediaType: MEDIA_TYPES.ociLayer, diffId: blob.digest };
}
