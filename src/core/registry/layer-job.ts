import linux, { type LayerSink } from 'berth-linux';
import fs from 'node:fs';
import type http from 'node:http';
import type { Readable } from 'node:stream';
import { errorMessage } from '../errors/index.js';
import { PROGRESS_INTERVAL_MS } from './progress.js';
import { discard, makeAgent, send, type TlsFiles } from './transport.js';
import { RawGet } from './raw-get.js';
import type { LayerUnpacker } from '../snapshots/unpack.js';

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

/** The tar comes out of the sink in one buffer of this size per job, overwritten as it goes. */
const TAR_BUFFER = 256 << 10;

/** Runs a job to its end; never throws (a failure is a result the caller acts on). */
export async function runLayerJob(job: LayerJob, onProgress?: (bytes: number) => void): Promise<LayerJobResult> {
  let fd: number | undefined;
  let sink: LayerSink | undefined;
  let source: Readable | undefined;
  let raw: RawGet | undefined;
  let unpacker: LayerUnpacker | undefined;
  try {
    if (job.blobTemp !== undefined) fd = fs.openSync(job.blobTemp, 'wx', 0o444);
    const out = Buffer.allocUnsafeSlow(TAR_BUFFER);
    const s = (sink = linux.layerSinkOpen(fd ?? -1, out));
    if (job.unpackDir !== undefined) {
      const { LayerUnpacker } = await import('../snapshots/unpack.js');
      unpacker = new LayerUnpacker(job.unpackDir);
    }
    // each buffer-full of tar is unpacked before the sink inflates the next over it
    const u = unpacker;
    const onTar = u ? (n: number) => u.write(out.subarray(0, n)) : () => undefined;
    const feed = new Feed(s, onTar, job.size, onProgress);
    let fed = false;
    if (job.request?.scheme === 'http') {
      // plain HTTP: the bare-socket GET; anything but a plain 200 goes through the HTTP client
      const r = await RawGet.run(new URL(job.request.url), job.request.headers, feed, (g) => {
        raw = g;
      });
      fed = r.handled;
    }
    if (!fed) {
      const src = (source = job.request ? await get(job.request) : fs.createReadStream(job.blobPath as string, { highWaterMark: 1 << 20 }));
      for await (const chunk of src) feed.data(chunk as Buffer);
    }
    const end = linux.layerSinkEnd(s, onTar);
    sink = undefined;
    const unpackedSize = unpacker ? unpacker.finish().size : 0;
    onProgress?.(end.size);
    return { ok: true, digest: end.digest, diffId: end.diffId, size: end.size, unpackedSize };
  } catch (e) {
    raw?.abort();
    source?.destroy();
    unpacker?.abort();
    return { ok: false, message: errorMessage(e) };
  } finally {
    if (sink !== undefined) linux.layerSinkClose(sink);
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * The body's bytes, each chunk once and synchronously: size limit, progress, and the native sink
 * (hash, blob file, inflate, hash of the tar), whose tar goes to the unpacker before it returns.
 */
class Feed {
  private n = 0;
  private last = 0;

  constructor(
    private readonly sink: LayerSink,
    private readonly onTar: (n: number) => void,
    private readonly limit: number,
    private readonly onProgress: ((bytes: number) => void) | undefined,
  ) {}

  data(chunk: Buffer): void {
    this.n += chunk.length;
    if (this.n > this.limit) throw new Error(`blob is larger than the ${this.limit} bytes its descriptor says`);
    const now = Date.now();
    if (this.onProgress && now - this.last >= PROGRESS_INTERVAL_MS) {
      this.last = now;
      this.onProgress(this.n);
    }
    linux.layerSinkWrite(this.sink, chunk, this.onTar);
  }
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
