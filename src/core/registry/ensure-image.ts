import { BerthError, errorMessage } from '../errors/index.js';
import type { ImageStore } from '../images/image-store.js';
import { formatPlatform, parsePlatform, platformMatches } from '../images/platform.js';
import type { Platform } from '../oci/types.js';
import { parseReference, referenceString } from '../reference/reference.js';
import { loadRegistriesConfig } from './registries-conf.js';
import type { RegistryOptions } from './session.js';
import { candidates } from './short-names.js';

export type PullPolicy = 'missing' | 'always' | 'never';

export interface EnsureImageOptions extends RegistryOptions {
  pull: PullPolicy;
  /** `--platform os/arch[/variant]` as typed */
  platform?: string | undefined;
}

/**
 * The image id `run`/`create` should use, pulling as `--pull` says: `missing` pulls when no stored
 * image matches (emitting `not-found-locally` first, which the CLI prints as docker's "Unable to
 * find image 'x' locally"), `always` pulls every time, `never` only looks locally. A short name
 * is also looked up under each search registry it may have been pulled from.
 *
 * With `--platform`, a stored image of another platform does not count: the platform asked for is
 * pulled, and if that fails, or what came is not of that platform either, the error says so
 * (docker's "was found but does not match the specified platform"); the image is never run as
 * another platform's.
 */
export async function ensureImage(store: ImageStore, name: string, opts: EnsureImageOptions): Promise<string> {
  const wanted = opts.platform ? parsePlatform(opts.platform) : undefined;
  let mismatch: BerthError | undefined;
  if (opts.pull !== 'always') {
    const local = findLocal(store, name, opts);
    if (local) {
      mismatch = wanted && platformMismatch(store, local, name, wanted);
      if (!mismatch) return local;
    }
    if (opts.pull === 'never') {
      throw mismatch ?? new BerthError('NotFound', `No such image: ${name}`, { hint: 'pull it first, or use --pull missing' });
    }
  }
  if (opts.pull === 'missing') {
    // docker's text names what the user typed, with the tag it defaults to
    let shown = name;
    try {
      const r = parseReference(name);
      if (r.tag === undefined && r.digest === undefined) shown = `${name}:latest`;
    } catch {
      // an invalid name fails in pullImage with the reference parser's message
    }
    opts.onProgress?.({ type: 'not-found-locally', name: shown });
  }
  // the registry client (http, tls, zlib) loads only when a pull happens: ~3 ms of every local `run`
  const { pullImage } = await import('./pull.js');
  let r;
  try {
    r = await pullImage(store, name, { ...opts, platform: wanted });
  } catch (e) {
    if (mismatch) throw new BerthError('NotFound', `${mismatch.message}; pulling it for that platform failed: ${errorMessage(e)}`, { cause: e });
    throw e;
  }
  const pulled = wanted && platformMismatch(store, r.id, name, wanted);
  if (pulled) throw pulled;
  return r.id;
}

/** The error when a stored image is not of the platform asked for, in docker's words. */
function platformMismatch(store: ImageStore, imageId: string, name: string, wanted: Platform): BerthError | undefined {
  const c = store.config(imageId);
  const actual: Platform = { os: c.os, architecture: c.architecture, ...(c.variant ? { variant: c.variant } : {}) };
  if (platformMatches(actual, wanted)) return undefined;
  return new BerthError(
    'NotFound',
    `image with reference ${name} was found but does not match the specified platform: wanted ${formatPlatform(wanted)}, actual: ${formatPlatform(actual)}`,
  );
}

function findLocal(store: ImageStore, name: string, opts: RegistryOptions): string | undefined {
  const direct = store.find(name);
  if (direct) return direct.id;
  let refs;
  try {
    const config = opts.config ?? loadRegistriesConfig();
    refs = candidates(name, config.searchRegistries, config);
  } catch {
    return undefined;
  }
  for (const r of refs) {
    const rec = store.find(referenceString(r));
    if (rec) return rec.id;
  }
  return undefined;
}
