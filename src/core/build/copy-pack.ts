import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { pack, type Header, type Pack } from 'tar-stream';
import { BerthError, errorMessage } from '../errors/berth-error.js';
import { openDecompressed } from '../snapshots/decompress.js';
import { normalizeEntryName } from '../snapshots/safe-path.js';
import { readTarEntries } from '../snapshots/tar-entries.js';
import { FileDigestMemo } from './build-cache.js';
import type { CopyEntry } from './copy-plan.js';

type Headers = Partial<Header> & { name: string };

/**
 * The digest of what a COPY/ADD would write: names, types, modes, owners, link targets and file
 * contents; not modification times (docker's rule: touching a file does not bust the cache).
 */
export async function copyInputsDigest(entries: readonly CopyEntry[], memo?: FileDigestMemo): Promise<string> {
  const fileDigest = (p: string) => memoDigest(p, memo);
  const h = createHash('sha256');
  for (const e of entries) {
    h.update(`${e.type}\0${e.name}\0`);
    if (e.type === 'archive') h.update(await fileDigest(e.path));
    else {
      h.update(`${e.mode}\0${e.uid}:${e.gid}\0`);
      if (e.type === 'symlink') h.update(e.linkname);
      if (e.type === 'character-device' || e.type === 'block-device') h.update(`${e.devmajor},${e.devminor}`);
      if (e.type === 'file') h.update('data' in e.src ? createHash('sha256').update(e.src.data).digest('hex') : await fileDigest(e.src.path));
    }
    h.update('\n');
  }
  return `sha256:${h.digest('hex')}`;
}

async function memoDigest(p: string, memo: FileDigestMemo | undefined): Promise<string> {
  const key = memo ? FileDigestMemo.statKey(fs.statSync(p, { bigint: true })) : '';
  const known = memo?.get(p, key);
  if (known !== undefined) return known;
  const h = createHash('sha256');
  await pipeline(fs.createReadStream(p), h);
  const digest = h.digest('hex');
  // a file changed while it was read gets a new ctime: the next build hashes it again
  memo?.set(p, key, digest);
  return digest;
}

/** The layer tar of a COPY/ADD, entries in plan order (parents first). */
export function packCopy(entries: readonly CopyEntry[]): Readable {
  const p = pack();
  void (async () => {
    for (const e of entries) await addEntry(p, e);
  })().then(
    () => p.finalize(),
    (err: unknown) => p.destroy(err instanceof Error ? err : new Error(String(err))),
  );
  return Readable.from(p, { objectMode: false });
}

async function addEntry(p: Pack, e: CopyEntry): Promise<void> {
  if (e.type === 'archive') return addArchive(p, e.name, e.path);
  const base = { name: e.name, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime };
  if (e.type === 'directory') return write(p, { ...base, name: `${e.name}/`, type: 'directory' });
  if (e.type === 'symlink') return write(p, { ...base, type: 'symlink', linkname: e.linkname });
  if (e.type !== 'file') return write(p, { ...base, type: e.type, devmajor: e.devmajor, devminor: e.devminor });
  if ('data' in e.src) return write(p, { ...base, type: 'file', size: e.src.data.length }, e.src.data);
  return writeStream(p, { ...base, type: 'file', size: e.size }, fs.createReadStream(e.src.path));
}

function write(p: Pack, header: Headers, body?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const cb = (err?: Error | null) => (err ? reject(err) : resolve());
    if (header.type === 'file') p.entry(header, body ?? Buffer.alloc(0), cb);
    else p.entry(header, cb);
  });
}

async function writeStream(p: Pack, header: Headers, src: AsyncIterable<Buffer>): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const sink = p.entry(header, (err) => (err ? reject(err) : resolve()));
    (async () => {
      for await (const chunk of src) {
        if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', () => r()));
      }
      sink.end(undefined);
    })().catch((e: unknown) => {
      sink.destroy(e instanceof Error ? e : new Error(String(e)));
      reject(e);
    });
  });
}

/**
 * The archive's extended attributes, kept as docker's ADD keeps them (PAX SCHILY.xattr records).
 * tar-stream writes PAX values as UTF-8 text: a value that is not (a binary capability set) is left out
 * rather than written mangled.
 */
function xattrRecords(xattrs: Record<string, Buffer>): { pax?: Record<string, string> } {
  const pax: Record<string, string> = {};
  for (const [k, v] of Object.entries(xattrs)) {
    const text = v.toString('utf8');
    if (Buffer.from(text, 'utf8').equals(v)) pax[`SCHILY.xattr.${k}`] = text;
  }
  return Object.keys(pax).length > 0 ? { pax } : {};
}

/**
 * ADD of a local archive: its entries re-written under destDir, read by berth's tar reader. A name
 * or hard-link target that climbs out of the archive's root refuses the archive (docker: "is
 * outside of"); nothing of it is written.
 */
async function addArchive(p: Pack, destDir: string, file: string): Promise<void> {
  const shown = path.basename(file);
  const under = (rel: string) => (destDir === '' ? rel : `${destDir}/${rel}`);
  const safeName = (name: string): string => {
    try {
      return normalizeEntryName(name);
    } catch {
      throw new BerthError('InvalidArgument', `${shown}: archive entry ${JSON.stringify(name)} is outside of the destination`);
    }
  };
  try {
    for await (const { header: h, body } of readTarEntries(await openDecompressed(fs.createReadStream(file)))) {
      const rel = safeName(h.name);
      if (rel === '' || h.type === 'other') continue;
      const base = { name: under(rel), mode: h.mode, uid: h.uid, gid: h.gid, mtime: h.mtime, ...xattrRecords(h.xattrs) };
      if (h.type === 'file' || h.type === 'contiguous-file') await writeStream(p, { ...base, type: 'file', size: h.size }, body);
      else if (h.type === 'directory') await write(p, { ...base, name: `${base.name}/`, type: 'directory' });
      else if (h.type === 'symlink') await write(p, { ...base, type: 'symlink', linkname: h.linkname });
      else if (h.type === 'link') await write(p, { ...base, type: 'link', linkname: under(safeName(h.linkname)) });
      else await write(p, { ...base, type: h.type, devmajor: h.devmajor, devminor: h.devminor });
    }
  } catch (e) {
    if (e instanceof BerthError) throw e;
    throw new BerthError('InvalidArgument', `${shown}: reading archive: ${errorMessage(e)}`, { cause: e });
  }
}
