import type { EngineContext } from '../engine-context.js';
import { BerthError, wrap } from '../errors/berth-error.js';
import type { ImageRecord } from '../images/image-record.js';
import type { Platform } from '../oci/types.js';

export interface BaseImageOptions {
  /** --pull: 'always' re-fetches, 'missing' fetches only when absent, 'never' stays local */
  pull: 'always' | 'missing' | 'never';
  platform?: Platform;
}

/**
 * The image a FROM or COPY --from names, pulled when the registry service can. Until the
 * registry issue lands, images are resolved locally only; the one line below is the seam.
 */
export async function resolveBaseImage(ctx: EngineContext, ref: string, opts: BaseImageOptions): Promise<ImageRecord> {
  // SEAM(registry): return await ensureImage(ctx, ref, { pull: opts.pull, platform: opts.platform, quiet: true });
  void opts;
  try {
    return ctx.images.resolve(ref);
  } catch (e) {
    if (e instanceof BerthError && e.kind === 'NotFound') {
      throw new BerthError('NotFound', `image "${ref}" is not stored here and pulling is not available yet`, {
        cause: e,
        hint: 'import or load the image first (berth import, berth load)',
      });
    }
    throw wrap(e, `resolving image "${ref}"`);
  }
}
