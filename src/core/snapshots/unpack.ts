import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { extract, type Header } from 'tar-stream';
import { BerthError } from '../errors/index.js';
import { mknod, setXattr } from '../host/special-files.js';
import { SafeTree, normalizeEntryName } from './safe-path.js';
import { OPAQUE_MARKER, OPAQUE_XATTR, WHITEOUT_PREFIX } from './whiteouts.js';

// the reverse directions live in their own files; re-exported so callers find them with unpack
export { packDiff } from './pack-diff.js';
export { listChanges, type Change } from './list-changes.js';

/** The slice of a tar entry the unpacker reads (tar-stream's Header, streamed body). */
type Entry = AsyncIterable<unknown> & { header: Header; resume(): unknown };

/**
 * Unpack an uncompressed OCI layer tar into destDir (an existing, empty or partly filled real
 * directory), converting OCI whiteouts to overlayfs ones: `.wh.<name>` becomes a 0:0 character
 * device `<name>`, `.wh..wh..opq` sets `trusted.overlay.opaque=y` on its directory.
 *
 * This reads hostile input, and nothing is ever written outside destDir: names are normalised
 * and may not climb out; each parent is lstat-ed and must be a real directory, never a symlink;
 * files are created with O_EXCL|O_NOFOLLOW after removing what was there; symlinks are created
 * verbatim and never followed; hardlink targets obey the same rules and may not be symlinks.
 * Any violation rejects the whole layer (InvalidArgument); the caller discards destDir.
 *
 * Ownership, mode (setuid kept, as docker) and mtime are applied; directory mtimes last, after
 * their content. PAX xattrs (e.g. security.capability) are not applied yet.
 *
 * @example
 * const { size } = await unpackLayer(await openDecompressed(blob), '/var/lib/berth/layers/.tmp-1/diff');
 */
export async function unpackLayer(tarStream: Readable, destDir: string): Promise<{ size: number }> {
  // stat, not lstat: the destination is berth's own choice, and a running container's root is
  // /proc/PID/root, a link to a directory (what lies below it is checked link by link)
  const st = fs.statSync(destDir);
  if (!st.isDirectory()) throw new BerthError('InvalidArgument', `layer destination "${destDir}" is not a directory`);
  const tree = new SafeTree(destDir);
  const dirTimes: Array<[string, Date]> = [];
  let size = 0;
  const ex = extract();
  tarStream.on('error', (e) => ex.destroy(e));
  tarStream.pipe(ex);
  try {
    for await (const raw of ex) {
      const entry = raw as unknown as Entry;
      size += await unpackEntry(tree, entry, dirTimes);
    }
  } catch (e) {
    tarStream.unpipe(ex);
    tarStream.destroy();
    throw e;
  }
  // children changed their parents' mtimes: set directory times only now
  for (const [rel, t] of dirTimes) {
    // a later entry may have replaced the directory or one of its parents (even by a symlink)
    if (tree.isRealDir(rel)) fs.lutimesSync(tree.abs(rel), t, t);
  }
  return { size };
}

/** Apply one entry; returns the bytes of regular file content written. */
async function unpackEntry(tree: SafeTree, entry: Entry, dirTimes: Array<[string, Date]>): Promise<number> {
  const h = entry.header;
  const rel = normalizeEntryName(h.name);
  const base = path.posix.basename(rel);
  const isWhiteout = base.startsWith(WHITEOUT_PREFIX);
  // only regular file bodies are read; anything else (markers included) is drained
  if (isWhiteout || (h.type !== 'file' && h.type !== 'contiguous-file')) entry.resume();

  if (isWhiteout) {
    whiteout(tree, rel, base);
    return 0;
  }
  if (rel === '' && h.type !== 'directory') {
    throw new BerthError('InvalidArgument', `unsafe path in layer: ${JSON.stringify(h.name)} is the layer root`);
  }
  tree.ensureParents(rel);
  const p = tree.abs(rel);
  const mode = (h.mode ?? 0o644) & 0o7777;

  switch (h.type) {
    case 'directory': {
      const cur = tree.lstat(rel);
      if (cur === undefined) fs.mkdirSync(p, { mode: 0o700 });
      else if (!cur.isDirectory()) {
        tree.clear(rel);
        fs.mkdirSync(p, { mode: 0o700 });
      }
      tree.markDir(rel);
      setOwnerAndMode(p, h, mode);
      dirTimes.push([rel, h.mtime ?? new Date(0)]);
      return 0;
    }
    case 'file':
    case 'contiguous-file': {
      tree.clear(rel);
      const written = await writeFile(p, entry);
      setOwnerAndMode(p, h, mode);
      setTimes(p, h);
      return written;
    }
    case 'symlink': {
      tree.clear(rel);
      if (!h.linkname) throw new BerthError('InvalidArgument', `symlink "${rel}" in layer has no target`);
      fs.symlinkSync(h.linkname, p);
      fs.lchownSync(p, h.uid ?? 0, h.gid ?? 0);
      setTimes(p, h);
      return 0;
    }
    case 'link': {
      const target = hardlinkTarget(tree, h.linkname ?? '');
      if (target === rel) return 0; // a link to itself: nothing to do
      tree.clear(rel);
      fs.linkSync(tree.abs(target), p);
      return 0;
    }
    case 'character-device':
    case 'block-device':
    case 'fifo': {
      tree.clear(rel);
      const kind = h.type === 'fifo' ? 'fifo' : h.type === 'block-device' ? 'block' : 'char';
      mknod(p, kind, mode, h.devmajor ?? 0, h.devminor ?? 0);
      setOwnerAndMode(p, h, mode);
      setTimes(p, h);
      return 0;
    }
    default:
      // sparse files, GNU volume headers and such: not produced by image builders
      return 0;
  }
}

/** `.wh.<name>` hides <name> of lower layers; `.wh..wh..opq` hides all of its directory's. */
function whiteout(tree: SafeTree, rel: string, base: string): void {
  const dir = path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel);
  tree.ensureParents(rel);
  if (base === OPAQUE_MARKER) {
    setXattr(tree.abs(dir), OPAQUE_XATTR, 'y');
    return;
  }
  // other .wh..wh.* names are aufs bookkeeping (hardlink dirs), meaningless here
  if (base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) return;
  const name = base.slice(WHITEOUT_PREFIX.length);
  if (name === '' || name === '.' || name === '..') {
    throw new BerthError('InvalidArgument', `unsafe path in layer: ${JSON.stringify(rel)} is not a valid whiteout`);
  }
  const target = dir === '' ? name : `${dir}/${name}`;
  tree.clear(target);
  mknod(tree.abs(target), 'char', 0, 0, 0);
}

/**
 * The normalised, existing, non-symlink target of a hardlink. link(2) does not follow a final
 * symlink on Linux, but such links have no use in images and are refused to keep the rule simple.
 */
function hardlinkTarget(tree: SafeTree, linkname: string): string {
  const target = normalizeEntryName(linkname);
  if (target === '') throw new BerthError('InvalidArgument', `unsafe hardlink in layer: target ${JSON.stringify(linkname)} is the layer root`);
  tree.ensureParents(target, false);
  const st = tree.lstat(target);
  if (st === undefined) {
    throw new BerthError('InvalidArgument', `hardlink target ${JSON.stringify(linkname)} does not exist in layer`);
  }
  if (st.isSymbolicLink()) {
    throw new BerthError('InvalidArgument', `unsafe hardlink in layer: target ${JSON.stringify(linkname)} is a symlink`);
  }
  if (st.isDirectory()) {
    throw new BerthError('InvalidArgument', `hardlink target ${JSON.stringify(linkname)} in layer is a directory`);
  }
  return target;
}

/**
 * Written synchronously, chunk by chunk: page-cache writes cost ~0.25 ms per MiB, less than
 * handing each chunk to libuv's pool and back (measured 4x the main-thread time), and the main
 * thread is what limits an unpack.
 */
async function writeFile(p: string, entry: Entry): Promise<number> {
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
  const fd = fs.openSync(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  let written = 0;
  try {
    for await (const chunk of entry) {
      const buf = chunk as Buffer;
      let off = 0;
      while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
      written += buf.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

/** chown first: it clears setuid/setgid bits, which chmod then restores. */
function setOwnerAndMode(p: string, h: Header, mode: number): void {
  fs.lchownSync(p, h.uid ?? 0, h.gid ?? 0);
  fs.chmodSync(p, mode);
}

function setTimes(p: string, h: Header): void {
  const t = h.mtime ?? new Date(0);
  fs.lutimesSync(p, t, t);
}
