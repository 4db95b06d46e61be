import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
import { downloadBlob } from './blob-transfer.js';
import type { RegistryClient } from './client.js';
import type { LayerJobResult } from './layer-job.js';
import { LayerLanes } from './layer-lanes.js';
import { fetchManifest, noMatchingManifest, parseImageManifest, selectPlatform } from './manifest.js';
import { hostOfLocation, loadRegistriesConfig, type RegistriesConfig } from './registries-conf.js';
import { openClient, type RegistryOptions } from './session.js';
import { candidates } from './short-names.js';
import { listTags } from './tags.js';
import { readBody } from './transport.js';
import { trace } from '../trace.js';
import { holdTeardown } from '../host/teardown.js';

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

/**
 * The image store, or how to open it. `berth pull` gives the latter: the store is opened (a few
 * milliseconds of synchronous database work) while the registry sends the manifest.
 */
export type StoreSource = ImageStore | (() => Promise<ImageStore>);

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
export async function pullImage(source: StoreSource, name: string, opts: PullOptions = {}): Promise<PullResult> {
  const store = openOnce(source);
  const config = opts.config ?? loadRegistriesConfig();
  const refs = candidates(name, config.searchRegistries, config);
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

/**
 * `docker pull --all-tags NAME`: every tag of the repository (listed by the registry; a short
 * name through the search registries, the first that lists it), one after the other. The
 * per-tag `pulled` events are folded into one at the end, for the repository, as docker prints.
 */
export async function pullAllTags(store: ImageStore, name: string, opts: PullOptions = {}): Promise<{ repository: string; tags: string[] }> {
  const parsed = parseReference(name);
  if (parsed.tag !== undefined || parsed.digest !== undefined) {
    throw new BerthError('InvalidArgument', `tag can't be used with --all-tags/-a`);
  }
  const config = opts.config ?? loadRegistriesConfig();
  const refs = candidates(name, config.searchRegistries, config);
  const failures: string[] = [];
  for (const ref of refs) {
    const client = openClient(ref.domain, { ...opts, config });
    let tags: string[];
    try {
      tags = await listTags(client, ref.path);
    } catch (e) {
      const soft = e instanceof BerthError && (e.kind === 'NotFound' || e.kind === 'PermissionDenied' || e.kind === 'Unavailable');
      if (refs.length === 1 || !soft) throw e;
      failures.push(`${ref.domain}: ${errorMessage(e)}`);
      continue;
    } finally {
      client.close();
    }
    const repository = repositoryName(ref);
    if (tags.length === 0) throw new BerthError('NotFound', `repository ${familiarName(ref)} has no tags`);
    let upToDate = true;
    const emit = opts.onProgress;
    for (const tag of tags) {
      const r = await pullImage(store, `${repository}:${tag}`, {
        ...opts,
        config,
        onProgress: (e) => (e.type === 'pulled' ? undefined : emit?.(e)),
      });
      upToDate &&= r.upToDate;
    }
    emit?.({ type: 'pulled', reference: repository, familiar: familiarName(ref), upToDate });
    return { repository, tags };
  }
  throw new BerthError('NotFound', `short-name "${name}" did not resolve in any search registry (${failures.join('; ')})`);
}

/** A concurrent pull or removal may take a shared blob away between our check and our commit: once more then. */
async function pullWithRetry(store: () => Promise<ImageStore>, ref: Reference, opts: PullOptions & { config: RegistriesConfig }): Promise<PullResult> {
  try {
    return await pullReference(store, ref, opts);
  } catch (e) {
    if (e instanceof BerthError && e.kind === 'FailedPrecondition') return pullReference(store, ref, opts);
    throw e;
  }
}

/**
 * The registry's mirrors first (registries.conf `[[registry.mirror]]`, docker's `registry-mirrors`
 * for Docker Hub), each as `host[:port][/path prefix]`, then the registry itself: the image is
 * named as the user asked, wherever it came from (verified by digest all the same).
 */
async function pullReference(store: () => Promise<ImageStore>, ref: Reference, opts: PullOptions & { config: RegistriesConfig }): Promise<PullResult> {
  for (const location of opts.config.mirrors.get(ref.domain) ?? []) {
    const host = hostOfLocation(location);
    const prefix = location.slice(host.length).replace(/^\/+|\/+$/g, '');
    try {
      return await pullVia(store, host, prefix ? `${prefix}/${ref.path}` : ref.path, ref, opts);
    } catch (e) {
      trace(`pull: mirror ${location} of ${ref.domain}: ${errorMessage(e)}`);
    }
  }
  return pullVia(store, ref.domain, ref.path, ref, opts);
}

async function pullVia(
  store: () => Promise<ImageStore>,
  host: string,
  repo: string,
  ref: Reference,
  opts: PullOptions & { config: RegistriesConfig },
): Promise<PullResult> {
  const client = openClient(host, opts);
  try {
    return await pullFrom(store, client, ref, repo, opts);
  } finally {
    client.close();
  }
}

async function pullFrom(
  openStore: () => Promise<ImageStore>,
  client: RegistryClient,
  ref: Reference,
  repo: string,
  opts: PullOptions & { config: RegistriesConfig },
): Promise<PullResult> {
  const emit = opts.onProgress;
  const refStr = referenceString(ref);
  const platform = opts.platform ?? hostPlatform();
  const what = `manifest for ${familiarString(refStr)}`;
  const fetching = fetchManifest(client, repo, ref.digest ?? ref.tag ?? 'latest', what).catch((e: unknown) => {
    if (e instanceof BerthError && e.kind === 'NotFound') {
      throw new BerthError('NotFound', e.message.replace(`${what}: `, `${what} not found: `));
    }
    throw e;
  });
  fetching.catch(() => undefined); // awaited below, after the store is open
  // the store opens (milliseconds of synchronous work) once the manifest is asked for
  await client.ping().catch(() => undefined);
  const store = await openStore();
  const top = await fetching;
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
  // a lane per core (the pull command booted their workers), no more than the download limit or the blobs to fetch
  const missing = new Set(manifest.layers.map((l) => l.digest).filter((d) => !store.content.has(d))).size;
  const lanes = new LayerLanes(Math.min(opts.config.maxConcurrentDownloads, os.availableParallelism(), missing));
  try {
    return await pullManifest({ store, client, ref, repo, refStr, top, manifest, manifestBytes, lanes, opts });
  } finally {
    lanes.close();
  }
}

async function pullManifest(a: {
  store: ImageStore;
  client: RegistryClient;
  ref: Reference;
  /** where the repository is on the registry (or mirror) the client talks to */
  repo: string;
  refStr: string;
  top: { kind: string; digest: string };
  manifest: ReturnType<typeof parseImageManifest>;
  manifestBytes: Buffer;
  lanes: LayerLanes;
  opts: PullOptions & { config: RegistriesConfig };
}): Promise<PullResult> {
  const { store, client, ref, repo, refStr, top, manifest, manifestBytes, lanes, opts } = a;
  const emit = opts.onProgress;

  trace('pull: manifest');
  // the config comes while the layers the store lacks already stream in (fetchAndUnpack)
  const configIn = fetchConfig(client, repo, manifest.config.digest, manifest.config.size).then((bytes) => {
    const config = parseDocument<ImageConfig>(bytes, `config "${manifest.config.digest}"`);
    const diffIds = diffIdsOf(config, manifest.layers.length, `image ${manifest.config.digest}`);
    if (
      opts.platform &&
      top.kind === 'image' &&
      !platformMatches({ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) }, opts.platform)
    ) {
      throw new BerthError(
        'NotFound',
        `image with reference ${familiarString(refStr)} was found but does not match the specified platform: wanted ${formatPlatform(opts.platform)}, actual: ${config.os}/${config.architecture}${config.variant ? `/${config.variant}` : ''}`,
      );
    }
    return { bytes, diffIds };
  });
  configIn.catch(() => undefined); // awaited by fetchAndUnpack, once the early layers are started

  const id = manifest.config.digest;
  const tags = [`${repositoryName(ref)}@${top.digest}`];
  if (ref.tag !== undefined && ref.digest === undefined) tags.unshift(refStr);
  const before = store.find(ref.digest ? `${repositoryName(ref)}@${top.digest}` : refStr);
  const upToDate = before?.id === id;

  const ctx: LoadContext = { ownLayers: [] };
  const ingested = new Set<string>();
  try {
    await fetchAndUnpack({ store, client, repo, layers: manifest.layers, diffIds: configIn.then((c) => c.diffIds), ctx, ingested, lanes, opts });
    trace('pull: layers in');
    await store.commitImage({ manifest: manifestBytes, config: (await configIn).bytes, tags });
    trace('pull: committed');
  } catch (e) {
    // what this pull brought and no image needs goes again: a failed pull lists nothing
    store.collectLayers(ctx.ownLayers);
    store.collectBlobs(ingested);
    throw e;
  }
  emit?.({ type: 'digest', digest: top.digest });
  const reference = ref.tag !== undefined && ref.digest === undefined ? refStr : `${repositoryName(ref)}@${top.digest}`;
  store.onEvent?.('pull', familiarString(reference), { name: familiarName(ref) });
  emit?.({ type: 'pulled', reference, familiar: familiarString(reference), upToDate });
  return { id, reference, digest: top.digest, upToDate };
}

/**
 * The store a pull uses, opened once (whatever number of registries and retries it takes). An
 * opener runs after one turn of the event loop, by which time the request asked for is on its way.
 */
function openOnce(source: StoreSource): () => Promise<ImageStore> {
  if (typeof source !== 'function') return () => Promise.resolve(source);
  let opened: Promise<ImageStore> | undefined;
  return () => (opened ??= new Promise<void>((resolve) => setImmediate(resolve)).then(source));
}

export async function fetchConfig(client: RegistryClient, repo: string, digest: string, size: number): Promise<Buffer> {
  if (size > MAX_CONFIG_BYTES) throw new BerthError('InvalidArgument', `config "${digest}" is too large (${size} bytes)`);
  const res = await client.request({ method: 'GET', path: `/v2/${repo}/blobs/${digest}`, scopes: [`repository:${repo}:pull`], what: `config "${digest}"` });
  const bytes = await readBody(res.body, MAX_CONFIG_BYTES);
  const got = sha256Digest(bytes);
  if (got !== digest) throw new DigestMismatchError(`config`, digest, got);
  if (bytes.length !== size) throw new DigestMismatchError('config', String(size), String(bytes.length), 'size');
  return bytes;
}

/**
 * Layers go through lanes (this thread and worker threads: layer-lanes.ts), biggest first, each
 * in one pass over its bytes: hashed, written to the content store, inflated, hashed again and
 * unpacked (layer-job.ts), a diff dir not depending on its parent's; the image is committed only
 * once all are in. A blob the store lacks starts before the config has come (its layer is then
 * unpacked on the chance that the store lacks it too: the config's diff ids say, and are checked,
 * before anything is kept); the rest waits for the config. A layer whose fast pass failed for any
 * reason (an expired token, a cut connection, a tampered blob, a compression the sink does not
 * inflate) is done again the patient way: downloadBlob (auth challenges, retries) and unpackOne,
 * whose errors are the ones reported. After a failure no new layer starts, and the running ones
 * finish before the caller cleans up.
 */
async function fetchAndUnpack(a: {
  store: ImageStore;
  client: RegistryClient;
  repo: string;
  layers: ReadonlyArray<{ digest: string; size: number; mediaType: string }>;
  /** the config's diff ids, when it has come */
  diffIds: Promise<string[]>;
  ctx: LoadContext;
  ingested: Set<string>;
  lanes: LayerLanes;
  opts: PullOptions & { config: RegistriesConfig };
}): Promise<void> {
  const { store, client, repo, layers, ctx, ingested, lanes, opts } = a;
  const emit = opts.onProgress;
  let failure: { reason: unknown } | undefined;
  const cancelled = () => failure !== undefined;
  // progress is shown once the layers are listed, in their order, as docker lists them
  let listed = false;
  const lane = {
    store,
    client,
    repo,
    lanes,
    cancelled,
    onProgress: (digest: string, n: number, total: number) => listed && emit?.({ type: 'layer', digest, status: 'downloading', current: n, total }),
  };

  const early = new Map<string, LanePass>();
  const missing = [...new Map(layers.filter((l) => !store.content.has(l.digest)).map((l) => [l.digest, l])).values()];
  for (const desc of missing.sort((x, y) => y.size - x.size)) {
    const pass = startPass(lane, desc, true, true);
    if (pass) early.set(desc.digest, pass);
  }
  let diffIds: string[];
  try {
    diffIds = await a.diffIds;
  } catch (e) {
    failure = { reason: e };
    await Promise.allSettled([...early.values()].map((p) => p.result));
    for (const p of early.values()) p.dispose();
    throw e;
  }

  const work: LayerWork[] = [];
  const fetching = new Map<string, LayerWork>();
  let parent: string | null = null;
  for (const [i, desc] of layers.entries()) {
    const diffId = diffIds[i] as string;
    const chainId = LayerStore.chainId(parent, diffId);
    const w: LayerWork = { index: i, desc, diffId, parent, chainId, needBlob: false, needLayer: !store.layers.has(chainId), done: Promise.resolve() };
    parent = chainId;
    const first = fetching.get(desc.digest);
    if (first) {
      // a blob listed twice is fetched once; the second listing unpacks it from the store
      if (w.needLayer) work.push({ ...w, after: first.done });
      continue;
    }
    const pass = early.get(desc.digest);
    if (pass === undefined && store.content.has(desc.digest)) {
      emit?.({ type: 'layer', digest: desc.digest, status: w.needLayer ? 'downloaded' : 'exists' });
      if (w.needLayer) work.push(w);
      continue;
    }
    emit?.({ type: 'layer', digest: desc.digest, status: 'waiting' });
    w.needBlob = true;
    if (pass) w.pass = pass;
    fetching.set(desc.digest, w);
    work.push(w);
  }
  listed = true;

  work.sort((x, y) => y.desc.size - x.desc.size);
  for (const w of work) {
    w.done = (async () => {
      await w.after;
      if (cancelled()) {
        // an early pass may be writing its files still: they go once it has stopped
        await w.pass?.result;
        return w.pass?.dispose();
      }
      await fetchLayer({ ...lane, w, ctx, ingested, emit });
    })();
    w.done.catch((e: unknown) => (failure ??= { reason: e }));
  }
  await Promise.allSettled(work.map((w) => w.done));
  if (failure) throw failure.reason;
}

interface LayerWork {
  index: number;
  desc: { digest: string; size: number; mediaType: string };
  diffId: string;
  parent: string | null;
  chainId: string;
  needBlob: boolean;
  needLayer: boolean;
  /** the fast pass, when it started before the config came */
  pass?: LanePass;
  /** another listing of the same blob, fetching it */
  after?: Promise<void>;
  done: Promise<void>;
}

/** What a layer's pass through a lane needs from the pull. */
interface LaneContext {
  store: ImageStore;
  client: RegistryClient;
  repo: string;
  lanes: LayerLanes;
  cancelled: () => boolean;
  onProgress: (digest: string, bytes: number, total: number) => void;
}

/** A layer's fast pass through a lane: the temporary blob and diff dir it fills, and its outcome. */
interface LanePass {
  blobTemp: string | undefined;
  unpackTmp: string | undefined;
  result: Promise<LayerJobResult>;
  /** remove what the pass left that was not committed */
  dispose(): void;
}

/** Start a layer's fast pass; undefined for zstd, which only the patient way (decompress.ts) inflates. */
function startPass(c: LaneContext, desc: { digest: string; size: number; mediaType: string }, needBlob: boolean, needLayer: boolean): LanePass | undefined {
  if (desc.mediaType.includes('zstd')) return undefined;
  const { store, repo } = c;
  const blobTemp = needBlob ? store.content.tempPath() : undefined;
  const unpackTmp = needLayer ? store.layers.newUnpackDir() : undefined;
  const run = async (): Promise<LayerJobResult> => {
    const request = needBlob ? await c.client.plainGet(`/v2/${repo}/blobs/${desc.digest}`, [`repository:${repo}:pull`]) : undefined;
    return c.lanes.run(
      {
        request,
        blobPath: request ? undefined : store.content.pathOf(desc.digest),
        blobTemp,
        unpackDir: unpackTmp && path.join(unpackTmp, 'diff'),
        size: desc.size,
      },
      (n) => c.onProgress(desc.digest, n, desc.size),
      c.cancelled,
    );
  };
  const discard = () => {
    if (blobTemp !== undefined) fs.rmSync(blobTemp, { force: true });
    if (unpackTmp !== undefined) store.layers.discardUnpacked(unpackTmp);
  };
  // an interrupted pull removes them too
  const release = holdTeardown(discard);
  return {
    blobTemp,
    unpackTmp,
    result: run().catch((e: unknown) => ({ ok: false, message: errorMessage(e) })),
    dispose() {
      discard();
      release();
    },
  };
}

/** One layer: the fast pass in a lane, and the patient way when that did not work out. */
async function fetchLayer(a: LaneContext & { w: LayerWork; ctx: LoadContext; ingested: Set<string>; emit: PullOptions['onProgress'] }): Promise<void> {
  const { store, client, repo, w, ctx, emit } = a;
  const { digest, size } = w.desc;
  const what = `layer ${w.index + 1} ("${digest}")`;
  const pass = w.pass ?? startPass(a, w.desc, w.needBlob, w.needLayer);
  if (pass) {
    try {
      if (!w.needBlob) emit?.({ type: 'layer', digest, status: 'extracting' });
      trace(`${what}: queued`);
      const r = await pass.result;
      trace(`${what}: passed through a lane`);
      if (a.cancelled()) return;
      if (r.ok && r.digest === digest && r.size === size) {
        if (pass.blobTemp !== undefined) {
          await store.content.commitTemp(pass.blobTemp, digest);
          a.ingested.add(digest);
          emit?.({ type: 'layer', digest, status: 'downloaded' });
        }
        // an early pass unpacked on the chance; a layer already stored is not replaced
        if (pass.unpackTmp !== undefined && w.needLayer) {
          if (r.diffId !== w.diffId) throw new DigestMismatchError(`${what}: diff id`, w.diffId, r.diffId);
          const existed = store.layers.has(w.chainId);
          store.layers.commitUnpacked(pass.unpackTmp, w.parent, w.diffId, r.unpackedSize);
          if (!existed) ctx.ownLayers.push(w.chainId);
        }
        emit?.({ type: 'layer', digest, status: 'pulled' });
        return;
      }
      trace(`${what}: fast pass failed (${r.ok ? 'digest or size differ' : r.message}); again the patient way`);
    } finally {
      pass.dispose();
    }
  }
  if (w.needBlob) {
    await downloadBlob({ client, repo, desc: w.desc, content: store.content, onProgress: emit });
    a.ingested.add(digest);
    emit?.({ type: 'layer', digest, status: 'downloaded' });
  }
  if (w.needLayer) {
    emit?.({ type: 'layer', digest, status: 'extracting' });
    await unpackOne(store, digest, w.diffId, w.parent, w.index, ctx);
  }
  emit?.({ type: 'layer', digest, status: 'pulled' });
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
