import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pack, type Header, type Pack } from 'tar-stream';
import { findXattrs } from '../host/special-files.js';
import { devMajorMinor, walkTree, type TreeEntry } from './tree-walk.js';
import { OPAQUE_MARKER, opaqueXattr, WHITEOUT_PREFIX, isWhiteoutDevice } from './whiteouts.js';

/**
 * An overlay upper dir as an uncompressed OCI layer tar (what commit and build store): 0:0
 * character devices become `.wh.<name>` entries, opaque directories get a `.wh..wh..opq` entry,
 * files with several links inside the dir become hardlink entries. Sockets are skipped (docker
 * does too). Names carry no leading `./`, as in docker's layers. `skip` leaves entries out by
 * their relative name (commit leaves out the runtime's mount-point stubs).
 *
 * @example
 * const { digest } = await contentStore.ingest(packDiff(upper).pipe(zlib.createGzip()));
 */
export function packDiff(
  upperDir: string,
  opts: { skip?: ReadonlySet<string>; owners?: ((uid: number, gid: number) => [number, number]) | undefined } = {},
): Readable {
  const p = pack();
  void produce(p, upperDir, opts.skip ?? new Set(), opts.owners).then(
    () => p.finalize(),
    (e: unknown) => p.destroy(e instanceof Error ? e : new Error(String(e))),
  );
  return Readable.from(p, { objectMode: false });
}

async function produce(p: Pack, upperDir: string, skip: ReadonlySet<string>, owners?: (uid: number, gid: number) => [number, number]): Promise<void> {
  const opaque = new Set<string>();
  for (const [abs, value] of findXattrs(upperDir, opaqueXattr())) {
    if (value === 'y') opaque.add(path.relative(upperDir, abs));
  }
  const firstLink = new Map<string, string>();
  for (const e of walkTree(upperDir)) {
    if (skip.has(e.rel)) continue;
    await addEntry(p, e, firstLink, owners);
    if (e.st.isDirectory() && opaque.has(e.rel)) {
      await write(p, { name: `${e.rel}/${OPAQUE_MARKER}`, type: 'file', mode: 0o100000, mtime: e.st.mtime });
    }
  }
}

async function addEntry(p: Pack, e: TreeEntry, firstLink: Map<string, string>, owners?: (uid: number, gid: number) => [number, number]): Promise<void> {
  const st = e.st;
  // the owners as the container sees them (a keep-id container's differ from its store's)
  const [uid, gid] = owners ? owners(Number(st.uid), Number(st.gid)) : [Number(st.uid), Number(st.gid)];
  // tar-stream replaces a mode of 0 by 0644: passing the type bits too keeps 0000 files 0000
  const base = { mode: Number(st.mode), uid, gid, mtime: st.mtime };
  if (isWhiteoutDevice(st)) {
    const name = path.posix.join(path.posix.dirname(e.rel), `${WHITEOUT_PREFIX}${path.posix.basename(e.rel)}`);
    await write(p, { name, type: 'file', mode: 0o100000, mtime: st.mtime });
    return;
  }
  if (st.isDirectory()) return write(p, { ...base, name: `${e.rel}/`, type: 'directory' });
  if (st.isSymbolicLink()) return write(p, { ...base, name: e.rel, type: 'symlink', linkname: fs.readlinkSync(e.abs) });
  if (st.isFIFO()) return write(p, { ...base, name: e.rel, type: 'fifo' });
  if (st.isCharacterDevice() || st.isBlockDevice()) {
    const { major, minor } = devMajorMinor(st.rdev);
    const type = st.isCharacterDevice() ? 'character-device' : 'block-device';
    return write(p, { ...base, name: e.rel, type, devmajor: major, devminor: minor });
  }
  if (!st.isFile()) return; // sockets
  if (st.nlink > 1n) {
    const key = `${st.dev}:${st.ino}`;
    const first = firstLink.get(key);
    if (first !== undefined) return write(p, { ...base, name: e.rel, type: 'link', linkname: first });
    firstLink.set(key, e.rel);
  }
  await writeFile(p, { ...base, name: e.rel, type: 'file', size: Number(st.size) }, e.abs);
}

/** An entry without content (an empty body for files: a file sink otherwise waits for end()). */
function write(p: Pack, header: Partial<Header> & { name: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const cb = (err?: Error | null) => (err ? reject(err) : resolve());
    if (header.type === 'file') p.entry(header, Buffer.alloc(0), cb);
    else p.entry(header, cb);
  });
}

async function writeFile(p: Pack, header: Partial<Header> & { name: string }, abs: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const sink = p.entry(header, (err) => (err ? reject(err) : resolve()));
    (async () => {
      for await (const chunk of fs.createReadStream(abs)) {
        if (!sink.write(chunk as Buffer)) await new Promise<void>((r) => sink.once('drain', () => r()));
      }
      sink.end(undefined);
    })().catch((e: unknown) => sink.destroy(e instanceof Error ? e : new Error(String(e))));
  });
}
