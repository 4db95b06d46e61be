import { pipeline, Transform, type Readable } from 'node:stream';
import { DigestMismatchError } from '../content/digest-mismatch-error.js';
import type { ContentStore } from '../content/content-store.js';
import { BerthError } from '../errors/index.js';
import type { Descriptor } from '../oci/types.js';
import type { RegistryClient } from './client.js';
import { PROGRESS_INTERVAL_MS, type LayerStatus, type ProgressSink } from './progress.js';
import { isRetryableError } from './retry.js';

/** Tries of one blob download: a connection cut mid-stream starts the blob again. */
const BLOB_ATTEMPTS = 3;

/** A pass-through that counts bytes and reports them, at most every PROGRESS_INTERVAL_MS. */
export function byteCounter(report: (n: number) => void): Transform {
  let n = 0;
  let last = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      const now = Date.now();
      if (now - last >= PROGRESS_INTERVAL_MS) {
        last = now;
        report(n);
      }
      cb(null, chunk);
    },
    flush(cb) {
      report(n);
      cb();
    },
  });
}

/** Whether an error (or what it wraps) is a broken transfer worth starting again. */
function isCut(e: unknown): boolean {
  for (let x: unknown = e, i = 0; x !== undefined && i < 5; x = (x as { cause?: unknown }).cause, i++) {
    if (x instanceof DigestMismatchError) return false;
    if (isRetryableError(x)) return true;
  }
  return false;
}

/**
 * Download a blob into the content store, verified against its digest and size while it streams
 * (the store never makes a mismatching blob visible). Retries a cut transfer from the start.
 */
export async function downloadBlob(a: {
  client: RegistryClient;
  repo: string;
  desc: Descriptor;
  content: ContentStore;
  onProgress?: ProgressSink | undefined;
  status?: LayerStatus;
}): Promise<void> {
  const { client, repo, desc, content } = a;
  const emit = (status: LayerStatus, current?: number) =>
    a.onProgress?.({ type: 'layer', digest: desc.digest, status, ...(current !== undefined ? { current, total: desc.size } : {}) });
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await client.request({
        method: 'GET',
        path: `/v2/${repo}/blobs/${desc.digest}`,
        scopes: [`repository:${repo}:pull`],
        what: `blob "${desc.digest}"`,
      });
      const counter = byteCounter((n) => emit(a.status ?? 'downloading', n));
      const stream: Readable = pipeline(res.body, counter, () => undefined);
      await content.ingest(stream, { digest: desc.digest, size: desc.size });
      return;
    } catch (e) {
      if (attempt >= BLOB_ATTEMPTS || !isCut(e)) {
        if (e instanceof DigestMismatchError) {
          throw new BerthError('InvalidArgument', `blob "${desc.digest}" from ${client.registry}/${repo}: ${e.message}`, { cause: e });
        }
        throw e;
      }
    }
  }
}
