import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { holdTeardown } from '../host/teardown.js';
import { BerthError } from '../errors/berth-error.js';
import { loadIgnoreRules, type IgnoreMatcher } from './ignore-rules.js';
import { makeOwnedTempDir } from '../host/owned-temp.js';

/** Where a build's files come from, ready to read: a directory, perhaps unpacked from a tar. */
export interface BuildContext {
  dir: string;
  ignore: IgnoreMatcher;
  /** the user's own directory (not a temporary unpacking): its file digests are worth remembering */
  persistent: boolean;
  /** the Containerfile's text and the name errors report */
  containerfile: { text: string; name: string };
  /** removes what preparing the context unpacked (a no-op for a plain directory) */
  cleanup(): void;
}

export interface ContextSource {
  /** a directory, a tar archive (plain, gzip or zstd), or '-' for stdin */
  context: string;
  /**
   * -f: a path (relative to the working directory for a directory context, to the archive's
   * root for a tar context), or '-' for stdin; default Containerfile, then Dockerfile
   */
  file?: string;
  stdin: Readable;
  /** where a tar context is unpacked (berth's tmp dir: same filesystem as the storage) */
  tmpDir: string;
}

/**
 * Open a build context as docker and podman accept it: a directory; a tar archive (a file, or
 * stdin with `-`); or, with `-` and stdin holding no archive, a Containerfile alone and an
 * empty context (`docker build - < Dockerfile`). `-f -` reads the Containerfile from stdin.
 */
export async function openBuildContext(src: ContextSource): Promise<BuildContext> {
  if (src.context === '-' && src.file === '-') throw new BerthError('InvalidArgument', 'cannot read both the context and the Containerfile from stdin');
  let dir: string;
  let owned = false;
  let stdinFile: string | undefined;
  if (src.context === '-') {
    const data = await readAll(src.stdin);
    dir = makeOwnedTempDir(src.tmpDir, 'build-context-');
    owned = true;
    if (await isArchive(data)) await unpackArchive(Readable.from([data]), dir);
    else stdinFile = data.toString('utf8');
  } else {
    let st: fs.Stats;
    try {
      st = fs.statSync(src.context);
    } catch {
      throw new BerthError('NotFound', `context "${src.context}" does not exist`);
    }
    if (st.isDirectory()) dir = path.resolve(src.context);
    else {
      dir = makeOwnedTempDir(src.tmpDir, 'build-context-');
      owned = true;
      await unpackArchive(fs.createReadStream(src.context), dir).catch((e: unknown) => {
        fs.rmSync(dir, { recursive: true, force: true });
        throw e instanceof BerthError
          ? e
          : new BerthError('InvalidArgument', `context "${src.context}" is neither a directory nor a tar archive`, { cause: e });
      });
    }
  }
  // an unpacked context goes when the build ends, or when it is interrupted
  const release = owned ? holdTeardown(() => fs.rmSync(dir, { recursive: true, force: true })) : () => undefined;
  const cleanup = () => {
    if (owned) fs.rmSync(dir, { recursive: true, force: true });
    release();
  };
  try {
    const { text, name, filePath } = await readContainerfile(src, dir, stdinFile, owned);
    return { dir, ignore: loadIgnoreRules(dir, filePath), persistent: !owned, containerfile: { text, name }, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

async function readContainerfile(
  src: ContextSource,
  dir: string,
  stdinFile: string | undefined,
  unpacked: boolean,
): Promise<{ text: string; name: string; filePath?: string }> {
  if (stdinFile !== undefined) return { text: stdinFile, name: 'Containerfile' };
  if (src.file === '-') return { text: (await readAll(src.stdin)).toString('utf8'), name: 'Containerfile' };
  const candidates =
    src.file !== undefined ? [unpacked ? path.join(dir, src.file) : path.resolve(src.file)] : [path.join(dir, 'Containerfile'), path.join(dir, 'Dockerfile')];
  for (const c of candidates) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) {
      return { text: fs.readFileSync(c, 'utf8'), name: src.file ?? path.basename(c), filePath: c };
    }
  }
  if (src.file !== undefined) throw new BerthError('NotFound', `the Containerfile "${src.file}" does not exist`);
  throw new BerthError('NotFound', `no Containerfile or Dockerfile found in context "${src.context}"`);
}

async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks);
}

/** gzip, zstd, or a ustar header ("ustar" at offset 257). */
async function isArchive(data: Buffer): Promise<boolean> {
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) return true;
  if (data.length >= 4 && data.readUInt32LE(0) === 0xfd2fb528) return true;
  return data.length >= 262 && data.subarray(257, 262).toString('latin1') === 'ustar';
}

/** The layer unpacker is the one place that reads hostile tars safely; a context is one. */
async function unpackArchive(src: Readable, dir: string): Promise<void> {
  const { openDecompressed } = await import('../snapshots/decompress.js');
  const { unpackLayer } = await import('../snapshots/unpack.js');
  await unpackLayer(await openDecompressed(src), dir);
}
