import { PassThrough, pipeline } from 'node:stream';
import { sha256Digest } from '../content/digest.js';
import { DigestMismatchError } from '../content/digest-mismatch-error.js';
import { BerthError, errorMessage } from '../errors/index.js';
import type { ImageStore } from '../images/image-store.js';
import { blobCompression } from '../images/layer-media.js';
import { asInputError, diffIdsOf, parseDocument, type LoadContext } from '../images/load-layers.js';
import { formatPlatform, hostPlatform, platformMatches } from '../images/platform.js';
import type { ImageConfig, ImageIndex, Platform } from '../oci/types.js';
import { familiarName, familiarString, parseReference, referenceString, repositoryName, type Reference } from '../reference/reference.js';
import { LayerStore } from '../snapshots/layer-store.js';
import { byteCounter, downloadBlob } from './blob-transfer.js';
import type { RegistryClient } from './client.js';
import { limiter } from './limit.js';
import { fetchManifest, noMatchingManifest, parseImageManifest, selectPlatform } from './manifest.js';
import { loadRegistriesConfig, type RegistriesConfig } from './registries-conf.js';
import { openClient, type RegistryOptions } from './session.js';
import { candidates } from './short-names.js';
import { readBody } from './transport.js';

export interface PullOptions extends RegistryOptions {
  /** `--platform`; the host's when absent (and then a single-platform image of another is accepted) */
  platform?: Platform | undefined;
}

export interface PullResult {
  /** image id (config digest) */
  id: string;
  /** the fully qualified reference pulled: `docker.io/library/busybox:latest` */
  reference: string;
  /** digest of the manifest (or index) the registry served for it */
  digest: string;
  upToDate: boolean;
}

/** An image config is small; more than this is refused rather than buffered. */
const MAX_CONFIG_BYTES = 32 * 1024 * 1024;

/**
 * `docker pull`: resolve a name (a short name through the search registries, in order), fetch
 * its manifest (choosing the platform from an index), download the layers in parallel into the
 * content store, verified while they stream, unpack each as soon as it and those below it are
 * there, and commit the image with its tag and `repo@digest`. Nothing is listed until all of it
 * is stored; a failure removes what this pull brought and no other image uses.
 *
 * @example
 * const r = await pullImage(engine.images, 'localhost:5000/app:1', { onProgress: render });
 */
export async function pullImage(store: ImageStore, name: string, opts: PullOptions = {}): Promise<PullResult> {
  const config = opts.config ?? loadRegistriesConfig();
  const refs = candidates(name, config.searchRegistries);
  const parsed = parseReference(name);
  if (parsed.tag === undefined && parsed.digest === undefined) opts.onProgress?.({ type: 'default-tag', tag: 'latest' });
  const failures: string[] = [];
  for (const ref of refs) {
    if (refs.length > 1) opts.onProgress?.({ type: 'trying', reference: referenceString(ref) });
    try {
      return await pullWithRetry(store, ref, { ...opts, config });
    } catch (e) {
      const soft = e instanceof BerthError && (e.kind === 'NotFound' || e.kind === 'PermissionDenied' || e.kind === 'Unavailable');
      if (refs.length === 1 || !soft) throw e;
      failures.push(`${ref.domain}: ${errorMessage(e)}`);
    }
  }
  throw new BerthError('NotFound', `short-name "${name}" did not resolve in any search registry (${failures.join('; ')})`, {
    hint: config.file ? `search registries are set in ${config.file}` : 'set unqualified-search-registries in /etc/berth/registries.conf',
  });
}

/** A concurrent pull or removal may take a shared blob away between our check and our commit: once more then. */
async function pullWithRetry(store: ImageStore, ref: Reference, opts: PullOptions & { config: RegistriesConfig }): Promise<PullResult> {
  try {
    return await pullReference(store, ref, opts);
  } catch (e) {
    if (e instanceof BerthError && e.kind === 'FailedPrecondition') return pullReference(store, ref, opts);
    throw e;
  }
}

async function pullReference(store: ImageStore, ref: Reference, opts: PullOptions & { config: RegistriesConfig }): Promise<PullResult> {
  const client = openClient(ref.domain, opts);
  try {
    return await pullFrom(store, client, ref, opts);
  } finally {
    client.close();
  }
}

async function pullFrom(store: ImageStore, client: RegistryClient, ref: Reference, opts: PullOptions & { config: RegistriesConfig }): Promise<PullResult> {
  const emit = opts.onProgress;
  const repo = ref.path;
  const refStr = referenceString(ref);
  const platform = opts.platform ?? hostPlatform();
  const what = `manifest for ${familiarString(refStr)}`;
  const top = await fetchManifest(client, repo, ref.digest ?? ref.tag ?? 'latest', what).catch((e: unknown) => {
    if (e instanceof BerthError && e.kind === 'NotFound') {
      throw new BerthError('NotFound', e.message.replace(`${what}: `, `${what} not found: `));
    }
    throw e;
  });
  emit?.({ type: 'pulling', tag: ref.tag ?? ref.digest ?? 'latest', repository: familiarName(ref) });

  let manifestBytes = top.bytes;
  if (top.kind === 'index') {
    const index = parseDocument<ImageIndex>(top.bytes, what);
    const desc = selectPlatform(index, platform);
    if (!desc) throw noMatchingManifest(platform);
    const child = await fetchManifest(client, repo, desc.digest, `manifest "${desc.digest}"`);
    if (child.kind !== 'image') throw new BerthError('NotImplemented', `${what}: nested image indexes are not supported`);
    manifestBytes = child.bytes;
  }
  const manifest = parseImageManifest(manifestBytes, what);

  const configBytes = await fetchConfig(client, repo, manifest.config.digest, manifest.config.size);
  const config = parseDocument<ImageConfig>(configBytes, `config "${manifest.config.digest}"`);
  const diffIds = diffIdsOf(config, manifest.layers.length, `image ${manifest.config.digest}`);
  if (opts.platform && top.kind === 'image' && !platformMatches({ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) }, opts.platform)) {
    throw new BerthError(
      'NotFound',
      `image with reference ${familiarString(refStr)} was found but does not match the specified platform: wanted ${formatPlatform(opts.platform)}, actual: ${config.os}/${config.architecture}${config.variant ? `/${config.variant}` : ''}`,
    );
  }

  const id = manifest.config.digest;
  const tags = [`${repositoryName(ref)}@${top.digest}`];
  if (ref.tag !== undefined && ref.digest === undefined) tags.unshift(refStr);
  const before = store.find(ref.digest ? `${repositoryName(ref)}@${top.digest}` : refStr);
  const upToDate = before?.id === id;

  const ctx: LoadContext = { ownLayers: [] };
  const ingested = new Set<string>();
  try {
    await fetchAndUnpack({ store, client, repo, layers: manifest.layers, diffIds, ctx, ingested, opts });
    await store.commitImage({ manifest: manifestBytes, config: configBytes, tags });
  } catch (e) {
    // what this pull brought and no image needs goes again: a failed pull lists nothing
    store.collectLayers(ctx.ownLayers);
    store.collectBlobs(ingested);
    throw e;
  }
  emit?.({ type: 'digest', digest: top.digest });
  const reference = ref.tag !== undefined && ref.digest === undefined ? refStr : `${repositoryName(ref)}@${top.digest}`;
  emit?.({ type: 'pulled', reference, familiar: familiarString(reference), upToDate });
  return { id, reference, digest: top.digest, upToDate };
}

async function fetchConfig(client: RegistryClient, repo: string, digest: string, size: number): Promise<Buffer> {
  if (size > MAX_CONFIG_BYTES) throw new BerthError('InvalidArgument', `config "${digest}" is too large (${size} bytes)`);
  const res = await client.request({ method: 'GET', path: `/v2/${repo}/blobs/${digest}`, scopes: [`repository:${repo}:pull`], what: `config "${digest}"` });
  const bytes = await readBody(res.body, MAX_CONFIG_BYTES);
  const got = sha256Digest(bytes);
  if (got !== digest) throw new DigestMismatchError(`config`, digest, got);
  if (bytes.length !== size) throw new DigestMismatchError('config', String(size), String(bytes.length), 'size');
  return bytes;
}

/**
 * Downloads run in parallel (max-concurrent-downloads in all). The next layer to unpack, when its
 * download has not started yet, is streamed: the response goes at once into the content store
 * (verifying its digest) and into the unpacker (verifying its diff id), so unpacking overlaps
 * the network instead of waiting for it. Later layers are prefetched into the content store
 * and unpacked from there, bottom up, as each one's turn comes. On a failure no new download
 * starts and the running ones finish before the caller cleans up.
 */
async function fetchAndUnpack(a: {
  store: ImageStore;
  client: RegistryClient;
  repo: string;
  layers: ReadonlyArray<{ digest: string; size: number; mediaType: string }>;
  diffIds: string[];
  ctx: LoadContext;
  ingested: Set<string>;
  opts: PullOptions & { config: RegistriesConfig };
}): Promise<void> {
  const { store, client, repo, layers, diffIds, ctx, ingested, opts } = a;
  const emit = opts.onProgress;
  const chainIds: string[] = [];
  let parent: string | null = null;
  for (const d of diffIds) chainIds.push((parent = LayerStore.chainId(parent, d)));

  // one connection streams the layer being unpacked; the others prefetch
  const pool = limiter(Math.max(1, opts.config.maxConcurrentDownloads - 1));
  const slots = new Map<string, Slot>();
  let firstMissing = true;
  let streamDigest: string | undefined;
  for (const [i, l] of layers.entries()) {
    if (slots.has(l.digest)) continue; // a blob listed twice is fetched once
    if (store.content.has(l.digest)) {
      emit?.({ type: 'layer', digest: l.digest, status: store.layers.has(chainIds[i] as string) ? 'exists' : 'downloaded' });
      slots.set(l.digest, { started: true, claimed: false, done: Promise.resolve() });
      continue;
    }
    emit?.({ type: 'layer', digest: l.digest, status: 'waiting' });
    const slot: Slot = { started: false, claimed: false, done: Promise.resolve() };
    slots.set(l.digest, slot);
    if (firstMissing && !store.layers.has(chainIds[i] as string)) {
      firstMissing = false; // left for the streamer
      streamDigest = l.digest;
      continue;
    }
    slot.done = pool.run(async () => {
      if (slot.claimed) return;
      slot.started = true;
      await downloadBlob({ client, repo, desc: l, content: store.content, onProgress: emit });
      ingested.add(l.digest);
      emit?.({ type: 'layer', digest: l.digest, status: 'downloaded' });
    });
    slot.done.catch(() => undefined); // awaited below; this keeps an early failure from being "unhandled"
  }

  // layers unpack side by side (two at a time: this machine's cores), each as soon as its blob is
  // in: a diff dir does not depend on its parent's, and the image is committed only at the end
  const unpackPool = limiter(2);
  const tasks: Array<Promise<void>> = [];
  parent = null;
  for (const [i, l] of layers.entries()) {
    const chainId = chainIds[i] as string;
    const diffId = diffIds[i] as string;
    const layerParent = parent;
    const slot = slots.get(l.digest) as Slot;
    if (l.digest === streamDigest && !slot.claimed && !store.layers.has(chainId)) {
      // the first layer to fetch streams: downloaded and unpacked from the same bytes
      slot.claimed = true;
      slot.done = streamLayer({ store, client, repo, desc: l, diffId, parent: layerParent, index: i, ctx, ingested, emit });
      tasks.push(slot.done);
    } else {
      tasks.push(
        unpackPool.run(async () => {
          await slot.done;
          if (!slot.started && !slot.claimed && !store.content.has(l.digest)) {
            // a layer already unpacked whose blob nobody fetched yet: the commit needs the blob
            slot.claimed = true;
            await downloadBlob({ client, repo, desc: l, content: store.content, onProgress: emit });
            ingested.add(l.digest);
          }
          if (!store.layers.has(chainId)) {
            emit?.({ type: 'layer', digest: l.digest, status: 'extracting' });
            await unpackOne(store, l.digest, diffId, layerParent, i, ctx);
            emit?.({ type: 'layer', digest: l.digest, status: 'pulled' });
          }
        }),
      );
    }
    parent = chainId;
  }
  const settled = await Promise.allSettled(tasks);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    pool.stop(new BerthError('Unavailable', 'pull cancelled'));
    unpackPool.stop(new BerthError('Unavailable', 'pull cancelled'));
    await Promise.allSettled([...slots.values()].map((s) => s.done));
    throw failed.reason;
  }
}

interface Slot {
  /** a prefetch began downloading it */
  started: boolean;
  /** the unpack loop took it over (streamed, or fetched itself) */
  claimed: boolean;
  done: Promise<void>;
}

/**
 * Download one layer and unpack it from the same bytes: the response is split between the
 * content store (digest and size checked) and the layer store (diff id checked). A cut
 * transfer falls back to a plain, retried download and an unpack from the store.
 */
async function streamLayer(a: {
  store: ImageStore;
  client: RegistryClient;
  repo: string;
  desc: { digest: string; size: number; mediaType: string };
  diffId: string;
  parent: string | null;
  index: number;
  ctx: LoadContext;
  ingested: Set<string>;
  emit: PullOptions['onProgress'];
}): Promise<void> {
  const { store, client, repo, desc, diffId, parent, index, ctx, emit } = a;
  const chainId = LayerStore.chainId(parent, diffId);
  const what = `layer ${index + 1} ("${desc.digest}")`;
  try {
    const res = await client.request({ method: 'GET', path: `/v2/${repo}/blobs/${desc.digest}`, scopes: [`repository:${repo}:pull`], what: `blob "${desc.digest}"` });
    const counter = byteCounter((n) => emit?.({ type: 'layer', digest: desc.digest, status: 'downloading', current: n, total: desc.size }));
    const toStore = new PassThrough();
    const toLayer = new PassThrough();
    const source = pipeline(res.body, counter, () => undefined);
    source.pipe(toStore);
    source.pipe(toLayer);
    source.on('error', (e) => {
      toStore.destroy(e);
      toLayer.destroy(e);
    });
    const existed = store.layers.has(chainId);
    const ingest = store.content.ingest(toStore, { digest: desc.digest, size: desc.size }).then(() => {
      a.ingested.add(desc.digest);
      emit?.({ type: 'layer', digest: desc.digest, status: 'downloaded' });
    });
    const unpack = store.layers.ensureLayer(parent, () => toLayer, diffId, { parentMayFollow: true }).finally(() => toLayer.resume());
    const [ig, up] = await Promise.allSettled([ingest, unpack]);
    if (ig.status === 'rejected') {
      source.destroy();
      throw ig.reason;
    }
    if (up.status === 'rejected') {
      const e: unknown = up.reason;
      if (e instanceof DigestMismatchError) throw new DigestMismatchError(`${what}: diff id`, e.expected, e.actual);
      throw asInputError(e, `unpacking ${what}`);
    }
    if (!existed) ctx.ownLayers.push(chainId);
    if (blobCompression(store.content, desc.digest) === 'none' && desc.digest !== diffId) {
      throw new DigestMismatchError(`${what}: diff id`, diffId, desc.digest);
    }
    emit?.({ type: 'layer', digest: desc.digest, status: 'pulled' });
  } catch (e) {
    if (!(e instanceof BerthError) || e instanceof DigestMismatchError || e.kind !== 'Internal') throw e;
    // a cut connection ("writing blob: aborted"): fetch it the patient way
    await downloadBlob({ client, repo, desc, content: store.content, onProgress: emit });
    a.ingested.add(desc.digest);
    emit?.({ type: 'layer', digest: desc.digest, status: 'extracting' });
    await unpackOne(store, desc.digest, diffId, parent, index, ctx);
    emit?.({ type: 'layer', digest: desc.digest, status: 'pulled' });
  }
}

/** The same checks as a load's unpackLayers (load-layers.ts), for one layer at a time. */
async function unpackOne(store: ImageStore, digest: string, diffId: string, parent: string | null, i: number, ctx: LoadContext): Promise<void> {
  const what = `layer ${i + 1} ("${digest}")`;
  if (blobCompression(store.content, digest) === 'none' && digest !== diffId) {
    throw new DigestMismatchError(`${what}: diff id`, diffId, digest);
  }
  const chainId = LayerStore.chainId(parent, diffId);
  const existed = store.layers.has(chainId);
  try {
    await store.layers.ensureLayer(parent, () => store.content.openRead(digest), diffId, { parentMayFollow: true });
  } catch (e) {
    if (e instanceof DigestMismatchError) throw new DigestMismatchError(`${what}: diff id`, e.expected, e.actual);
    throw asInputError(e, `unpacking ${what}`);
  }
  if (!existed) ctx.ownLayers.push(chainId);
}
