import { pipeline, type Readable } from 'node:stream';
import { BerthError } from '../errors/index.js';
import type { ImageStore } from '../images/image-store.js';
import { MEDIA_TYPES, type Descriptor, type ImageManifest } from '../oci/types.js';
import { familiarName, normalize, normalizeReference, parseReference, repositoryName, type Reference, familiarString } from '../reference/reference.js';
import { byteCounter } from './blob-transfer.js';
import type { RegistryClient } from './client.js';
import { limiter } from './limit.js';
import { loadRegistriesConfig } from './registries-conf.js';
import { openClient, type RegistryOptions } from './session.js';
import { discard } from './transport.js';

export interface PushResult {
  /** fully qualified destination: `localhost:5000/app:1` */
  reference: string;
  /** the manifest digest the registry stored */
  digest: string;
  size: number;
}

/**
 * `docker push SOURCE [DESTINATION]` (DESTINATION is podman's form): upload the image's blobs
 * (HEAD first: what the registry has is not sent again; a blob the image also has in another
 * repository of the same registry is mounted from there), then its manifest, byte for byte, so
 * the pushed digest is the stored one. The image then carries `repo@digest` as a RepoDigest.
 *
 * @example
 * const { digest } = await pushImage(engine.images, 'localhost:5000/app:1');
 */
export async function pushImage(store: ImageStore, source: string, dest?: string, opts: RegistryOptions = {}): Promise<PushResult> {
  const rec = store.resolve(source);
  const target = dest ?? source;
  let ref: Reference;
  try {
    ref = normalizeReference(target);
  } catch (e) {
    throw e instanceof BerthError ? e : new BerthError('InvalidArgument', 'invalid reference format');
  }
  if (dest === undefined && !rec.tags.includes(normalize(source)) && !rec.digests.includes(normalize(source))) {
    throw new BerthError('NotFound', `An image does not exist locally with the tag: ${source}`);
  }
  const config = opts.config ?? loadRegistriesConfig();
  const client = openClient(ref.domain, { ...opts, config });
  try {
    const manifestBytes = store.content.readBytes(rec.manifestDigest);
    const manifest = JSON.parse(manifestBytes.toString('utf8')) as ImageManifest;
    opts.onProgress?.({ type: 'push-start', repository: repositoryName(ref) });
    const mountFrom = [...rec.tags, ...rec.digests]
      .map((t) => parseReference(t))
      .filter((r) => r.domain === ref.domain && r.path !== ref.path)
      .map((r) => r.path);
    const pool = limiter(config.maxConcurrentUploads);
    const blobs = [...manifest.layers, manifest.config];
    const seen = new Set<string>();
    const uploads = blobs
      .filter((b) => !seen.has(b.digest) && seen.add(b.digest))
      .map((b) =>
        pool.run(() => pushBlob({ store, client, repo: ref.path, desc: b, mountFrom: [...new Set(mountFrom)], opts, isConfig: b === manifest.config })),
      );
    const settled = await Promise.allSettled(uploads);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;

    const tag = ref.digest ?? ref.tag ?? 'latest';
    const mediaType = manifest.mediaType ?? MEDIA_TYPES.ociManifest;
    const served = await putManifest(client, ref.path, tag, mediaType, manifestBytes, `pushing manifest for ${familiarName(ref)}:${tag}`);
    if (typeof served === 'string' && served !== rec.manifestDigest) {
      throw new BerthError('Unavailable', `registry stored the manifest as "${served}", expected "${rec.manifestDigest}"`);
    }
    opts.onProgress?.({ type: 'pushed', tag, digest: rec.manifestDigest, size: manifestBytes.length });
    // docker records what a push made addressable as a RepoDigest
    const configBytes = store.content.readBytes(rec.id);
    await store.commitImage({ manifest: manifestBytes, config: configBytes, tags: [`${repositoryName(ref)}@${rec.manifestDigest}`] });
    const reference = `${repositoryName(ref)}${ref.digest ? `@${ref.digest}` : `:${tag}`}`;
    store.onEvent?.('push', familiarString(reference), { name: familiarName(ref) });
    return { reference, digest: rec.manifestDigest, size: manifestBytes.length };
  } finally {
    client.close();
  }
}

async function pushBlob(a: {
  store: ImageStore;
  client: RegistryClient;
  repo: string;
  desc: Descriptor;
  mountFrom: string[];
  opts: RegistryOptions;
  isConfig: boolean;
}): Promise<void> {
  const { store, client, repo, desc } = a;
  const emit = a.isConfig ? undefined : a.opts.onProgress;
  const pushScope = `repository:${repo}:pull,push`;
  emit?.({ type: 'layer', digest: desc.digest, status: 'preparing' });
  const head = await client.request({
    method: 'HEAD',
    path: `/v2/${repo}/blobs/${desc.digest}`,
    scopes: [pushScope],
    accept: [404],
    what: `blob "${desc.digest}"`,
  });
  discard(head.body);
  if (head.status === 200) {
    emit?.({ type: 'layer', digest: desc.digest, status: 'exists' });
    return;
  }
  let location: string | undefined;
  for (const from of a.mountFrom) {
    const mount = await mountBlob(client, repo, desc.digest, from);
    if (mount.mounted) {
      emit?.({ type: 'layer', digest: desc.digest, status: 'mounted', from });
      return;
    }
    // the registry could not mount and opened an upload instead; use it
    if (mount.location !== undefined) {
      location = mount.location;
      break;
    }
  }
  if (location === undefined) {
    const res = await client.request({
      method: 'POST',
      path: `/v2/${repo}/blobs/uploads/`,
      scopes: [pushScope],
      headers: { 'Content-Length': '0' },
      accept: [202],
      what: `starting upload of blob "${desc.digest}"`,
    });
    discard(res.body);
    if (typeof res.headers.location !== 'string') throw new BerthError('Unavailable', `registry ${client.registry} gave no upload location`);
    location = res.headers.location;
  }
  const url = new URL(location, 'http://placeholder');
  url.searchParams.set('digest', desc.digest);
  const put = location.startsWith('/') ? `${url.pathname}${url.search}` : url.toString();
  const open = (): Readable => {
    const counter = byteCounter((n) => emit?.({ type: 'layer', digest: desc.digest, status: 'pushing', current: n, total: desc.size }));
    return pipeline(store.content.openRead(desc.digest), counter, () => undefined);
  };
  const res = await client.request({
    method: 'PUT',
    path: put,
    scopes: [pushScope],
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(desc.size) },
    body: open,
    what: `uploading blob "${desc.digest}"`,
  });
  discard(res.body);
  emit?.({ type: 'layer', digest: desc.digest, status: 'pushed' });
}

/**
 * Ask the registry to mount a blob of another repository (`from`) on it into repo: mounted (201),
 * or not, with the upload the registry opened instead (202 and its Location), if it did.
 */
export async function mountBlob(
  client: RegistryClient,
  repo: string,
  digest: string,
  from: string,
): Promise<{ mounted: true } | { mounted: false; location: string | undefined }> {
  const res = await client.request({
    method: 'POST',
    path: `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
    scopes: [`repository:${repo}:pull,push`, `repository:${from}:pull`],
    headers: { 'Content-Length': '0' },
    accept: [201, 202],
    what: `mounting blob "${digest}" from ${from}`,
  });
  discard(res.body);
  if (res.status === 201) return { mounted: true };
  return { mounted: false, location: typeof res.headers.location === 'string' ? res.headers.location : undefined };
}

/** PUT a manifest (or index) into repo under a tag or its digest; the digest the registry says it stored. */
export async function putManifest(
  client: RegistryClient,
  repo: string,
  reference: string,
  mediaType: string,
  bytes: Buffer,
  what: string,
): Promise<string | undefined> {
  const res = await client.request({
    method: 'PUT',
    path: `/v2/${repo}/manifests/${reference}`,
    scopes: [`repository:${repo}:pull,push`],
    headers: { 'Content-Type': mediaType, 'Content-Length': String(bytes.length) },
    body: bytes,
    what,
  });
  discard(res.body);
  const served = res.headers['docker-content-digest'];
  return typeof served === 'string' ? served : undefined;
}
