import type { EngineContext } from '../engine-context.js';
import { MEDIA_TYPES, type Descriptor, type ImageConfig, type ImageManifest } from '../oci/types.js';

/** Store an image config as a blob and describe it with its layers in an OCI manifest. */
export async function writeConfigAndManifest(
  ctx: EngineContext,
  config: ImageConfig,
  layers: Descriptor[],
): Promise<{ configBytes: Buffer; digest: string; manifest: ImageManifest }> {
  const configBytes = Buffer.from(JSON.stringify(config));
  const { digest } = await ctx.content.putBytes(configBytes);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, digest, size: configBytes.length },
    layers,
  };
  return { configBytes, digest, manifest };
}
