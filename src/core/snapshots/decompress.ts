import { spawn } from 'node:child_process';
import { PassThrough, Readable, pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { BerthError } from '../errors/index.js';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);

/**
 * The uncompressed tar inside a layer blob, whatever its media type says: the magic bytes decide
 * (registries and tools mislabel). gzip via zlib; zstd, bzip2 and xz through their commands
 * (Node 20 has none of them; Debian packages zstd, bzip2, xz-utils); anything else is taken as a
 * plain tar. Errors of the source or
 * the decompressor surface as an error of the returned stream.
 *
 * @example
 * await unpackLayer(await openDecompressed(store.openRead(layer.digest)), dir);
 */
export async function openDecompressed(src: Readable): Promise<Readable> {
  const { head, rest } = await peek(src, 6);
  if (head.subarray(0, 2).equals(GZIP_MAGIC)) {
    // bigger output chunks: fewer callbacks on the main thread, which is what limits a pull
    const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 });
    pipeline(rest, gunzip, () => undefined); // an error destroys gunzip with it
    return gunzip;
  }
  const tool = compressionTool(head);
  return tool ? viaCommand(tool, rest) : rest;
}

interface Tool {
  name: string;
  command: string;
  debianPackage: string;
}

/**
 * Formats Node cannot decompress itself, by magic bytes: zstd (layers), and bzip2 and xz, which
 * docker's ADD also unpacks.
 */
export function compressionTool(head: Buffer): Tool | undefined {
  if (head.subarray(0, 4).equals(ZSTD_MAGIC)) return { name: 'zstd', command: 'zstd', debianPackage: 'zstd' };
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return { name: 'bzip2', command: 'bzip2', debianPackage: 'bzip2' };
  if (head.subarray(0, 6).equals(XZ_MAGIC)) return { name: 'xz', command: 'xz', debianPackage: 'xz-utils' };
  return undefined;
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

/** `<tool> -dc` as a stream: its output ends only after the tool exited 0, otherwise it errors. */
function viaCommand(tool: Tool, input: Readable): Readable {
  const child = spawn(tool.command, ['-dcq'], { stdio: ['pipe', 'pipe', 'pipe'] });
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
    fail(
      new BerthError('FailedPrecondition', `decompressing ${tool.name} layer: running "${tool.command}": ${e.message}`, {
        cause: e,
        hint: `install the Debian package "${tool.debianPackage}"`,
      }),
    ),
  );
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdout.pipe(out, { end: false });
  child.on('close', (code, signal) => {
    if (failed) return;
    if (code === 0) out.end();
    else fail(new BerthError('InvalidArgument', `decompressing ${tool.name} layer: ${stderr.trim() || `${tool.command} exited with ${code ?? signal}`}`));
  });
  // the tool may exit before reading all input (corrupt data): EPIPE then is reported by the exit status
  child.stdin.on('error', () => undefined);
  input.on('error', (e) => fail(e));
  input.pipe(child.stdin);
  out.on('close', () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    input.destroy();
  });
  return out;
}
