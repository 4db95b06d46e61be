import tar from 'tar-stream';
import { readTarEntries } from '../snapshots/tar-entries.js';

export interface TarFileEntry {
  name: string;
  type: string;
  data: Buffer;
  linkname?: string;
}

/** All entries of a (small, test-made) tar in memory, read by berth's tar reader. */
export async function readTar(buf: Buffer): Promise<TarFileEntry[]> {
  const out: TarFileEntry[] = [];
  for await (const e of readTarEntries([buf])) {
    const chunks: Buffer[] = [];
    for await (const c of e.body) chunks.push(c);
    out.push({ name: e.header.name, type: e.header.type, data: Buffer.concat(chunks), ...(e.header.linkname ? { linkname: e.header.linkname } : {}) });
  }
  return out;
}

/** Write entries back as a tar. */
export async function writeTar(entries: readonly TarFileEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.type === 'file') pack.entry({ name: e.name, size: e.data.length, mode: 0o644 }, e.data);
    else if (e.type === 'symlink' || e.type === 'link') pack.entry({ name: e.name, type: e.type, linkname: e.linkname ?? '' });
    else pack.entry({ name: e.name, type: 'directory', mode: 0o755 });
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Rewrite a tar: fn returns new data for an entry, null to drop it, undefined to keep it. */
export async function rewriteTar(buf: Buffer, fn: (e: TarFileEntry) => Buffer | null | undefined): Promise<Buffer> {
  const out: TarFileEntry[] = [];
  for (const e of await readTar(buf)) {
    const r = fn(e);
    if (r === null) continue;
    out.push(r === undefined ? e : { ...e, data: r });
  }
  return writeTar(out);
}
