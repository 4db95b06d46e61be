import type { Engine } from '../core/engine.js';
import { BerthError } from '../core/errors/berth-error.js';

/**
 * berth keeps one platform per image, so `--platform` selects nothing: an image of another
 * platform is refused with docker's message rather than acted on.
 */
export async function checkPlatform(engine: Engine, refs: readonly string[], platform: string | undefined): Promise<void> {
  if (platform === undefined || platform === '') return;
  const { parsePlatform } = await import('../core/images/platform.js');
  const want = parsePlatform(platform);
  for (const ref of refs) {
    const img = engine.images.resolve(ref);
    const c = engine.images.config(img.id);
    const actual = `${c.os}/${c.architecture}${c.variant ? `/${c.variant}` : ''}`;
    if (c.os !== want.os || c.architecture !== want.architecture || (want.variant !== undefined && c.variant !== want.variant)) {
      throw new BerthError(
        'NotFound',
        `image with reference ${ref} was found but does not match the specified platform: wanted ${platform}, actual: ${actual}`,
      );
    }
  }
}
