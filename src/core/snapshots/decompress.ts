import { spawn } from 'node:child_process';
import { PassThrough, Readable, pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { BerthError } from '../errors/index.js';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/**
 * The uncompressed tar inside a layer blob, whatever its media type says: the magic bytes decide
 * (registries and tools mislabel). gzip via zlib; zstd via the `zstd` command, since Node 20 has
 * no zstd (Debian package zstd); anything else is taken as a plain tar. Errors of the source or
 * the decompressor surface as an error of the returned stream.
 *
 * @example
 * await unpackLayer(await openDecompressed(store.openRead(layer.digest)), dir);
 */
export async function openDecompressed(src: Readable): Promise<Readable> {
  const { head, rest } = await peek(src, 4);
  if (head.subarray(0, 2).equals(GZIP_MAGIC)) {
    const gunzip = zlib.createGunzip();
    pipeline(rest, gunzip, () => undefined); // an error destroys gunzip with it
    return gunzip;
  }
  if (head.subarray(0, 4).equals(ZSTD_MAGIC)) return unzstd(rest);
  return rest;
}

/** Read at least n bytes (fewer at end of stream) and give back a stream that still starts with them. */
async function peek(src: Readable, n: number): Promise<{ head: Buffer; rest: Readable }> {
  const it = src[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let len = 0;
  let done = false;
  while (len < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const buf = typeof r.value === 'string' ? Buffer.from(r.value) : (r.value as Buffer);
    chunks.push(buf);
    len += buf.length;
  }
  const head = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      if (done) return;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield typeof r.value === 'string' ? Buffer.from(r.value) : (r.value as Buffer);
      }
    } finally {
      // early destroy of the consumer releases the source too
      await it.return?.();
    }
  }
  return { head, rest: Readable.from(replay(), { objectMode: false }) };
}

/** `zstd -dc` as a stream: its output ends only after zstd exited 0, otherwise it errors. */
function unzstd(input: Readable): Readable {
  const child = spawn('zstd', ['-dcq'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = new PassThrough();
  let stderr = '';
  let failed = false;
  const fail = (e: Error) => {
    if (failed) return;
    failed = true;
    child.kill('SIGKILL');
    out.destroy(e);
  };
  child.on('error', (e) =>
    fail(new BerthError('FailedPrecondition', `decompressing zstd layer: running "zstd": ${e.message}`, {
      cause: e,
      hint: 'install the Debian package "zstd"',
    })),
  );
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdout.pipe(out, { end: false });
  child.on('close', (code, signal) => {
    if (failed) return;
    if (code === 0) out.end();
    else fail(new BerthError('InvalidArgument', `decompressing zstd layer: ${stderr.trim() || `zstd exited with ${code ?? signal}`}`));
  });
  // zstd may exit before reading all input (corrupt data): EPIPE then is reported by the exit status
  child.stdin.on('error', () => undefined);
  input.on('error', (e) => fail(e));
  input.pipe(child.stdin);
  out.on('close', () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    input.destroy();
  });
  return out;
}
