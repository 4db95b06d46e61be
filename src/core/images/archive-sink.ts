import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import tar from 'tar-stream';
import { BerthError } from '../errors/index.js';
import { cleanName } from './archive-files.js';

/** Where save writes files: a tar stream or a directory. Files are written one at a time. */
export interface ArchiveSink {
  dir(name: string): Promise<void>;
  /** body must yield exactly size bytes (a tar header states the size up front) */
  file(name: string, size: number, body: Buffer | Readable): Promise<void>;
  /** flush and end; must be called once, after the last file */
  close(): Promise<void>;
  /** stop after an error: the output is incomplete */
  abort(e: unknown): void;
}

/** Fixed timestamps make saving the same image twice give the same bytes. */
const EPOCH = new Date(0);

/**
 * A tar stream into out, with backpressure both ways: a layer is read only as fast as out takes
 * it, and never held whole.
 */
export function tarSink(out: Writable): ArchiveSink {
  const pack = tar.pack();
  let failure: unknown;
  out.on('error', (e) => (failure ??= e));
  const pump = (async () => {
    for await (const chunk of pack) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    if (!out.writableFinished) await once(out, 'finish');
  })();
  // the consumer failed (a closed pipe): stop the producer too, or it would wait forever
  pump.catch((e: unknown) => {
    failure ??= e;
    pack.destroy(e instanceof Error ? e : new Error(String(e)));
  });

  const entry = (header: Partial<tar.Header> & { name: string }, body?: Buffer | Readable) =>
    new Promise<void>((resolve, reject) => {
      const done = (err?: Error | null) => (err ? reject(failure ?? err) : resolve());
      // directories have no body: tar-stream completes them by itself
      if (body === undefined) return void pack.entry(header, done);
      if (Buffer.isBuffer(body)) return void pack.entry(header, body, done);
      const w = pack.entry(header, done);
      (async () => {
        for await (const chunk of body) {
          if (!w.write(chunk as Buffer)) {
            await new Promise<void>((r) => {
              // whichever comes first; the other listener goes, or they pile up per chunk
              const go = () => {
                w.off('drain', go);
                w.off('close', go);
                r();
              };
              w.on('drain', go);
              w.on('close', go);
            });
          }
          // leaving the loop closes body (and its file)
          if (w.destroyed) throw failure ?? new Error('archive output closed');
        }
        (w as unknown as { end(): void }).end();
      })().catch((e: unknown) => {
        w.destroy(e instanceof Error ? e : new Error(String(e)));
        reject(failure ?? e);
      });
    });

  return {
    dir: (name) => entry({ name: `${cleanName(name)}/`, type: 'directory', mode: 0o755, mtime: EPOCH }),
    file: (name, size, body) => entry({ name: cleanName(name), type: 'file', size, mode: 0o644, mtime: EPOCH }, body),
    close: async () => {
      pack.finalize();
      await pump;
    },
    abort: (e) => {
      pack.destroy(e instanceof Error ? e : new Error(String(e)));
    },
  };
}

/** The same layout written into a directory (an OCI layout dir, skopeo's `oci:`). */
export function dirSink(root: string): ArchiveSink {
  const full = (name: string) => path.join(root, cleanName(name));
  return {
    dir: async (name) => {
      fs.mkdirSync(full(name), { recursive: true });
    },
    file: async (name, size, body) => {
      const p = full(name);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      const w = fs.createWriteStream(p);
      let written = 0;
      const chunks: Iterable<Buffer> | AsyncIterable<Buffer> = Buffer.isBuffer(body) ? [body] : (body as AsyncIterable<Buffer>);
      for await (const c of chunks) {
        written += c.length;
        if (!w.write(c)) await once(w, 'drain');
      }
      w.end();
      await once(w, 'finish');
      if (written !== size) throw new BerthError('Internal', `writing "${name}": expected ${size} bytes, wrote ${written}`);
    },
    close: async () => undefined,
    abort: () => undefined,
  };
}
