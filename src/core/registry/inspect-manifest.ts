import { BerthError } from '../errors/index.js';
import { familiarString, normalizeReference, referenceString, type Reference } from '../reference/reference.js';
import type { RegistryClient } from './client.js';
import { fetchManifest, type FetchedManifest } from './manifest.js';
import { openClient, type RegistryOptions } from './session.js';

/**
 * `docker manifest inspect REF`: the manifest or index the registry serves for it, as its JSON
 * document (with its digest and media type for callers that want them).
 */
export async function inspectManifest(name: string, opts: RegistryOptions = {}): Promise<{ digest: string; mediaType: string; document: unknown }> {
  const ref = normalizeReference(name);
  const client = openClient(ref.domain, opts);
  try {
    const m = await fetchNamedManifest(client, ref);
    return { digest: m.digest, mediaType: m.mediaType, document: JSON.parse(m.bytes.toString('utf8')) as unknown };
  } finally {
    client.close();
  }
}

/** The manifest a reference names, with docker's "no such manifest" when the registry has none. */
export async function fetchNamedManifest(client: RegistryClient, ref: Reference): Promise<FetchedManifest> {
  const what = `manifest for ${familiarString(referenceString(ref))}`;
  return fetchManifest(client, ref.path, ref.digest ?? ref.tag ?? 'latest', what).catch((e: unknown) => {
    if (e instanceof BerthError && e.kind === 'NotFound') throw new BerthError('NotFound', `no such manifest: ${familiarString(referenceString(ref))}`);
    throw e;
  });
}
