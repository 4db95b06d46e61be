import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BerthError } from '../errors/index.js';
import { mknod, setXattr } from '../host/special-files.js';
import { SafeTree, normalizeEntryName } from './safe-path.js';
import { TarReader, type TarHeader } from './tar-reader.js';
import { rootlessMode } from '../rootless/mode.js';
import { OPAQUE_MARKER, opaqueXattr, WHITEOUT_PREFIX } from './whiteouts.js';

// the reverse directions live in their own files; re-exported so callers find them with unpack
export { packDiff } from './pack-diff.js';
export { listChanges, type Change } from './list-changes.js';

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
 * Ownership, mode (setuid kept, as docker), file capabilities and user.* xattrs (PAX
 * SCHILY.xattr records) and mtime are applied; directory mtimes last, after their content. `tap`
 * sees every byte of the tar on its way (how a layer's diff id is hashed).
 *
 * @example
 * const { size } = await unpackLayer(await openDecompressed(blob), '/var/lib/berth/layers/.tmp-1/diff');
 */
export async function unpackLayer(tarStream: Readable, destDir: string, tap?: (chunk: Buffer) => void, opts: UnpackOptions = {}): Promise<{ size: number }> {
  const unpacker = new LayerUnpacker(destDir, opts);
  try {
    for await (const chunk of tarStream) {
      tap?.(chunk as Buffer);
      unpacker.write(chunk as Buffer);
    }
    return unpacker.finish();
  } catch (e) {
    unpacker.abort();
    tarStream.destroy();
    throw e;
  }
}

export interface UnpackOptions {
  /** every entry gets this owner instead of the tar's (docker cp into a container) */
  owner?: { uid: number; gid: number };
}

/**
 * unpackLayer's work, fed synchronously: write() applies every entry its bytes complete before
 * it returns, so a caller may reuse its buffer at once (a pull inflates each layer into one).
 * finish() checks the tar ended cleanly and sets directory times; after a failure, abort().
 */
export class LayerUnpacker {
  private readonly tree: SafeTree;
  private readonly reader: TarReader;
  private readonly dirTimes: Array<[string, Date]> = [];
  private size = 0;
  /** the regular file being written, applied its owner, mode and times at its end */
  private file: { fd: number; path: string; header: TarHeader } | undefined;

  private readonly owner: { uid: number; gid: number } | undefined;

  constructor(destDir: string, opts: UnpackOptions = {}) {
    this.owner = opts.owner;
    // stat, not lstat: the destination is berth's own choice, and a running container's root is
    // /proc/PID/root, a link to a directory (what lies below it is checked link by link)
    const st = fs.statSync(destDir);
    if (!st.isDirectory()) throw new BerthError('InvalidArgument', `layer destination "${destDir}" is not a directory`);
    this.tree = new SafeTree(destDir);
    this.reader = new TarReader({ entry: (h) => this.entry(h), entryEnd: () => this.entryEnd() });
  }

  write(buf: Buffer): void {
    this.reader.write(buf);
  }

  finish(): { size: number } {
    this.reader.finish();
    // children changed their parents' mtimes: set directory times only now
    for (const [rel, t] of this.dirTimes) {
      // a later entry may have replaced the directory or one of its parents (even by a symlink)
      if (this.tree.isRealDir(rel)) fs.lutimesSync(this.tree.abs(rel), t, t);
    }
    return { size: this.size };
  }

  /** Close the file being written, if any (the caller discards the directory). */
  abort(): void {
    if (this.file) fs.closeSync(this.file.fd);
    this.file = undefined;
  }

  private entry(header: TarHeader): ((piece: Buffer) => void) | undefined {
    const h = this.owner ? { ...header, uid: this.owner.uid, gid: this.owner.gid } : header;
    const p = applyEntry(this.tree, h, this.dirTimes);
    if (p === undefined) return undefined;
    const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
    const fd = fs.openSync(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    this.file = { fd, path: p, header: h };
    // written synchronously: page-cache writes cost ~0.25 ms per MiB, less than handing each
    // piece to libuv's pool and back, and this thread is what limits an unpack
    return (piece) => {
      let off = 0;
      while (off < piece.length) off += fs.writeSync(fd, piece, off, piece.length - off);
      this.size += piece.length;
    };
  }

  private entryEnd(): void {
    const f = this.file;
    if (f === undefined) return;
    this.file = undefined;
    fs.closeSync(f.fd);
    setMetadata(f.path, f.header, f.header.mode & 0o7777);
    setTimes(f.path, f.header);
  }
}

/**
 * Apply one entry but a regular file's content: returns the path of a regular file to write
 * (created by the caller), or undefined when the entry is complete.
 */
function applyEntry(tree: SafeTree, h: TarHeader, dirTimes: Array<[string, Date]>): string | undefined {
  const rel = normalizeEntryName(h.name);
  const base = path.posix.basename(rel);
  if (base.startsWith(WHITEOUT_PREFIX)) {
    // markers have no content: a body, if any, is skipped
    whiteout(tree, rel, base);
    return undefined;
  }
  if (rel === '' && h.type !== 'directory') {
    throw new BerthError('InvalidArgument', `unsafe path in layer: ${JSON.stringify(h.name)} is the layer root`);
  }
  tree.ensureParents(rel);
  const p = tree.abs(rel);
  const mode = h.mode & 0o7777;

  switch (h.type) {
    case 'directory': {
      const cur = tree.lstat(rel);
      if (cur === undefined) fs.mkdirSync(p, { mode: 0o700 });
      else if (!cur.isDirectory()) {
        tree.clear(rel);
        fs.mkdirSync(p, { mode: 0o700 });
      }
      tree.markDir(rel);
      setMetadata(p, h, mode);
      dirTimes.push([rel, h.mtime]);
      return undefined;
    }
    case 'file':
    case 'contiguous-file':
      tree.clear(rel);
      return p;
    case 'symlink': {
      tree.clear(rel);
      if (!h.linkname) throw new BerthError('InvalidArgument', `symlink "${rel}" in layer has no target`);
      fs.symlinkSync(h.linkname, p);
      chownEntry(p, h);
      setTimes(p, h);
      return undefined;
    }
    case 'link': {
      const target = hardlinkTarget(tree, h.linkname);
      if (target === rel) return undefined; // a link to itself: nothing to do
      tree.clear(rel);
      fs.linkSync(tree.abs(target), p);
      return undefined;
    }
    case 'character-device':
    case 'block-device':
    case 'fifo': {
      tree.clear(rel);
      const kind = h.type === 'fifo' ? 'fifo' : h.type === 'block-device' ? 'block' : 'char';
      // rootless: a user namespace may not make devices (runc binds the standard ones in)
      if (kind !== 'fifo' && rootlessMode()) return undefined;
      mknod(p, kind, mode, h.devmajor, h.devminor);
      setMetadata(p, h, mode);
      setTimes(p, h);
      return undefined;
    }
    default:
      // sparse files, GNU volume headers and such: not produced by image builders
      return undefined;
  }
}

/** `.wh.<name>` hides <name> of lower layers; `.wh..wh..opq` hides all of its directory's. */
function whiteout(tree: SafeTree, rel: string, base: string): void {
  const dir = path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel);
  tree.ensureParents(rel);
  if (base === OPAQUE_MARKER) {
    setXattr(tree.abs(dir), opaqueXattr(), 'y');
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
 * Owner, mode and extended attributes. chown first: it clears setuid/setgid bits and a file
 * capability, which chmod and the xattrs then restore.
 */
function setMetadata(p: string, h: TarHeader, mode: number): void {
  // an owner the namespace cannot hold keeps root's, without setuid/setgid on its behalf
  fs.chmodSync(p, chownEntry(p, h) ? mode : mode & ~0o6000);
  setLayerXattrs(p, h);
}

/**
 * A layer's extended attributes, as docker applies them: security.capability (ping's
 * cap_net_raw, say) and user.* ones, passed over where the filesystem refuses them (ENOTSUP,
 * EPERM). trusted.* (overlayfs' own: a layer says opaque with a whiteout marker, and redirects
 * are no layer's to set) and security.selinux (the host's labels) are never taken from a layer.
 */
function setLayerXattrs(p: string, h: TarHeader): void {
  for (const [name, value] of Object.entries(h.xattrs)) {
    if (name !== 'security.capability' && !name.startsWith('user.')) continue;
    try {
      setXattr(p, name, value);
    } catch (e) {
      const code = (e as { cause?: { code?: unknown } }).cause?.code;
      if (code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EPERM') throw e;
    }
  }
}

/**
 * The entry's owner, as root gets it. Rootless berth unpacks as root of the user's namespace, so
 * the kernel shifts every id into the user's subordinate range (container 0 → the user, 1 → the
 * first subordinate id…); an id the namespace does not map (beyond 65536, or any but 0 with the
 * single-id mapping) fails with EINVAL there: false, and the file stays root's.
 */
function chownEntry(p: string, h: TarHeader): boolean {
  try {
    fs.lchownSync(p, h.uid, h.gid);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EINVAL' && rootlessMode()) return false;
    throw e;
  }
}

function setTimes(p: string, h: TarHeader): void {
  fs.lutimesSync(p, h.mtime, h.mtime);
}
