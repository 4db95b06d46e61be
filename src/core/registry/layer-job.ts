import linux, { type LayerSink } from 'berth-linux';
import fs from 'node:fs';
import type http from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { errorMessage } from '../errors/index.js';
import { PROGRESS_INTERVAL_MS } from './progress.js';
import { discard, makeAgent, send, type TlsFiles } from './transport.js';
import { RawGet } from './raw-get.js';

/**
 * One layer of a pull, as a worker thread (or the main thread) does it: the blob from the
 * registry (or from the content store) through the native layer sink, which hashes it, writes
 * it and inflates it, and the tar into the unpacker. Everything here is plain data, so it
 * crosses to a worker by postMessage; the caller prepared the request (auth) and the paths, and
 * commits or discards them after checking the digests this reports.
 */
export interface LayerJob {
  /** GET the blob; without it the blob is read from blobPath */
  request?: BlobRequest | undefined;
  blobPath?: string | undefined;
  /** the blob is written here (a new file), with request; not fsynced: commitTemp does that, while the lane goes on */
  blobTemp?: string | undefined;
  /** the layer's tar is unpacked into this (existing, empty) directory; absent: not unpacked */
  unpackDir?: string | undefined;
  /** the descriptor's size: a longer body is cut off */
  size: number;
}

/** A blob GET as the registry client resolved it: the URL on the registry, with its auth. */
export interface BlobRequest {
  url: string;
  headers: Record<string, string>;
  scheme: 'https' | 'http';
  tls: TlsFiles;
  verify: boolean;
}

export type LayerJobResult =
  | { ok: true; digest: string; diffId: string; size: number; unpackedSize: number }
  /** why the fast way failed: the caller does that layer again the patient way, which reports */
  | { ok: false; message: string };

const MAX_REDIRECTS = 5;

/**
 * Every socket read and every tar buffer is a fresh ArrayBuffer, freed only when V8 collects it,
 * and V8 waits for tens of MiB of them per thread before it does: two lanes of a 100 MB pull
 * peaked at ~150 MiB. A minor collection every few MiB (~0.2 ms: almost nothing survives) keeps
 * it near 130.
 */
const GC_EVERY = 4 << 20;
let gc: ((opts: { type: 'minor' }) => void) | undefined;

/**
 * Turning on --expose-gc changes V8's flags for the whole process, and V8 refuses a code cache
 * made under other flags than its own: bin/berth writes none after this (each later command
 * would refuse it and write it again). Called on the main thread for any thread's lane.
 */
export function markV8FlagsChanged(): void {
  (globalThis as { __berthV8FlagsChanged?: boolean }).__berthV8FlagsChanged = true;
}

function collectYoung(): void {
  if (gc === undefined) {
    markV8FlagsChanged();
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as typeof gc;
  }
  gc?.({ type: 'minor' });
}

/** Runs a job to its end; never throws (a failure is a result the caller acts on). */
export async function runLayerJob(job: LayerJob, onProgress?: (bytes: number) => void): Promise<LayerJobResult> {
  let fd: number | undefined;
  let sink: LayerSink | undefined;
  let source: Readable | undefined;
  let raw: RawGet | undefined;
  const tar = job.unpackDir !== undefined ? new PassThrough({ highWaterMark: 1 << 20 }) : undefined;
  tar?.on('error', () => undefined); // the unpacker reports it
  try {
    if (job.blobTemp !== undefined) fd = fs.openSync(job.blobTemp, 'wx', 0o444);
    const s = (sink = linux.layerSinkOpen(fd ?? -1));
    const { unpackLayer } = await import('../snapshots/unpack.js');
    const unpacked = tar ? unpackLayer(tar, job.unpackDir as string) : undefined;
    const feed = new Feed(s, tar, job.size, onProgress);
    let fed = false;
    if (job.request?.scheme === 'http') {
      // plain HTTP: the bare-socket GET; anything but a plain 200 goes through the HTTP client
      const r = await Promise.race([
        RawGet.run(new URL(job.request.url), job.request.headers, feed, (g) => {
          raw = g;
          feed.onPause = () => tar?.once('drain', () => g.resume());
        }),
        failureOf(unpacked),
      ]);
      fed = r.handled;
    }
    if (!fed) {
      source = job.request ? await get(job.request) : fs.createReadStream(job.blobPath as string, { highWaterMark: 1 << 20 });
      await pump(source, feed, tar, unpacked);
    }
    sink = undefined;
    const end = linux.layerSinkEnd(s);
    if (tar) {
      for (const b of end.tail) tar.write(b);
      tar.end();
    }
    const unpackedSize = unpacked ? (await unpacked).size : 0;
    onProgress?.(end.size);
    return { ok: true, digest: end.digest, diffId: end.diffId, size: end.size, unpackedSize };
  } catch (e) {
    raw?.abort();
    source?.destroy();
    tar?.destroy();
    return { ok: false, message: errorMessage(e) };
  } finally {
    if (sink !== undefined) linux.layerSinkClose(sink);
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** A promise that only ever rejects: with the unpacker's refusal, to stop a download early. */
function failureOf(p: Promise<unknown> | undefined): Promise<never> {
  return new Promise<never>((_, reject) => {
    p?.catch(reject);
  });
}

/**
 * The body's bytes, each chunk once and synchronously: size limit, progress, a minor GC every
 * few MiB, the native sink (hash, blob file, inflate, hash of the tar) and the tar to the
 * unpacker. Returns false when the unpacker has enough buffered (the source pauses).
 */
class Feed {
  private n = 0;
  private last = 0;
  /** called when data() returned false, to arrange the resume */
  onPause: (() => void) | undefined;

  constructor(
    private readonly sink: LayerSink,
    private readonly tar: PassThrough | undefined,
    private readonly limit: number,
    private readonly onProgress: ((bytes: number) => void) | undefined,
  ) {}

  data(chunk: Buffer): boolean {
    this.n += chunk.length;
    if (this.n > this.limit) throw new Error(`blob is larger than the ${this.limit} bytes its descriptor says`);
    if (this.n % GC_EVERY < chunk.length) collectYoung();
    const now = Date.now();
    if (this.onProgress && now - this.last >= PROGRESS_INTERVAL_MS) {
      this.last = now;
      this.onProgress(this.n);
    }
    const tarBytes = linux.layerSinkWrite(this.sink, chunk);
    if (!this.tar) return true;
    let full = false;
    for (const b of tarBytes) full = !this.tar.write(b) || full;
    if (full) this.onPause?.();
    return !full;
  }
}

/** Feed a stream's body through, with back-pressure from the unpacker. */
function pump(source: Readable, feed: Feed, tar: PassThrough | undefined, unpacked: Promise<unknown> | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (e: unknown) => {
      source.destroy();
      reject(e);
    };
    feed.onPause = () => {
      if (source.isPaused()) return;
      source.pause();
      tar?.once('drain', () => source.resume());
    };
    source.on('data', (chunk: Buffer) => {
      try {
        feed.data(chunk);
      } catch (e) {
        fail(e);
      }
    });
    source.on('end', resolve);
    source.on('error', reject);
    // the unpacker refused the layer: stop reading
    unpacked?.catch(fail);
  });
}

/** Keep-alive agents of this thread, by registry and TLS settings: a lane's jobs share a connection. */
const agents = new Map<string, http.Agent>();

function agentFor(r: BlobRequest, url: URL): http.Agent {
  const registry = url.host === new URL(r.url).host;
  const key = registry ? `${url.host} ${r.scheme} ${r.verify}` : url.protocol;
  let a = agents.get(key);
  if (!a) {
    // storage a registry redirects to is checked against the system's CAs
    a = registry ? makeAgent(r.scheme, r.tls, r.verify, 1) : makeAgent(url.protocol === 'http:' ? 'http' : 'https', { ca: [] }, true, 1);
    agents.set(key, a);
  }
  return a;
}

/** Close this thread's idle connections (the main thread's lane, when a pull ends). */
export function closeJobConnections(): void {
  for (const a of agents.values()) a.destroy();
  agents.clear();
}

/** GET the blob, following redirects (to storage elsewhere: without the registry's credentials). */
async function get(r: BlobRequest): Promise<http.IncomingMessage> {
  const registryHost = new URL(r.url).host;
  let url = new URL(r.url);
  for (let hops = 0; ; hops++) {
    const headers = url.host === registryHost ? r.headers : { 'User-Agent': r.headers['User-Agent'] ?? 'berth' };
    const res = await send({ method: 'GET', url, headers, agent: agentFor(r, url) });
    const loc = res.headers.location;
    if ([301, 302, 303, 307, 308].includes(res.status) && loc && hops < MAX_REDIRECTS) {
      discard(res.body);
      url = new URL(loc, url);
      continue;
    }
    if (res.status !== 200) {
      discard(res.body);
      throw new Error(`GET ${url.pathname}: HTTP ${res.status}`);
    }
    return res.body;
  }
}
