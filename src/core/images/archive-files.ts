import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { BlobInfo, ContentStore } from '../content/content-store.js';
import { DigestMismatchError } from '../content/digest-mismatch-error.js';
import { BerthError, errorMessage, isErrno } from '../errors/index.js';
import { openDecompressed } from '../snapshots/decompress.js';
import { readTarEntries } from '../snapshots/tar-entries.js';
import { asInputError } from './load-layers.js';

/**
 * The files of an image archive or layout, as the loaders need them: small JSON documents by
 * name, and everything else as blobs already in the content store. Names are relative to the
 * archive root, without `./`.
 */
export interface ArchiveFiles {
  has(name: string): boolean;
  /** a document's bytes (manifest.json, index.json, a config): read fully into memory */
  read(name: string): Buffer;
  /** the file as a stored blob; a name `blobs/sha256/<hex>` is verified against its hex */
  blob(name: string): Promise<BlobInfo>;
  /** digests this archive put into the content store (the caller's set), to collect what no image kept */
  readonly ingested: Set<string>;
}

/** Largest document kept in memory; bigger files (layers) always go to the content store. */
const MAX_DOCUMENT = 16 * 1024 * 1024;
const DOCUMENT_NAMES = new Set(['json', 'VERSION', 'repositories', 'oci-layout']);
const MAX_LINK_HOPS = 16;
const BLOB_RE = /^blobs\/sha256\/([a-f0-9]{64})$/;

function invalid(message: string, cause?: unknown): BerthError {
  return new BerthError('InvalidArgument', message, cause === undefined ? {} : { cause });
}

/** `./a//b/` → `a/b`; names that climb out of the root are clamped at it. */
export function cleanName(name: string): string {
  return path.posix.normalize(`/${name}`).replace(/^\/+/, '').replace(/\/+$/, '');
}

/** The digest a blob-store path names, if it is one. */
export function digestOfName(name: string): string | undefined {
  const m = BLOB_RE.exec(name);
  return m ? `sha256:${m[1]}` : undefined;
}

function isDocument(name: string, size: number): boolean {
  if (name.startsWith('blobs/') || size > MAX_DOCUMENT) return false;
  return name.endsWith('.json') || DOCUMENT_NAMES.has(path.posix.basename(name));
}

type TarFile = { kind: 'doc'; data: Buffer } | { kind: 'blob'; blob: BlobInfo };

/**
 * Read an image archive (tar, gzip- or zstd-compressed tar) in one pass. Documents stay in
 * memory; every other file streams straight into the content store, verified on the way when
 * its name is `blobs/sha256/<hex>`, so a layer of any size is never held in memory nor copied
 * to a second temp file. Symlinks and hard links (older `docker save` links shared layers) are
 * resolved by name only: nothing from the archive is ever written to a path it chose.
 * Read by berth's one tar reader, the one that unpacks pulled layers (Go's archive/tar rules).
 * A truncated or corrupt archive is InvalidArgument.
 */
export async function readTarArchive(content: ContentStore, src: Readable, ingested: Set<string>): Promise<ArchiveFiles> {
  const files = new Map<string, TarFile>();
  const links = new Map<string, string>();
  try {
    for await (const { header: h, body } of readTarEntries(await openDecompressed(src))) {
      const name = cleanName(h.name);
      if (h.type === 'file' || h.type === 'contiguous-file') {
        if (isDocument(name, h.size)) {
          const chunks: Buffer[] = [];
          for await (const c of body) chunks.push(c);
          files.set(name, { kind: 'doc', data: Buffer.concat(chunks) });
        } else {
          const digest = digestOfName(name);
          const fresh = digest === undefined || !content.has(digest);
          const blob = await content.ingest(Readable.from(body), { size: h.size, ...(digest ? { digest } : {}) }).catch((e: unknown) => {
            if (e instanceof DigestMismatchError) throw invalid(`archive file "${name}": ${e.message}`, e);
            throw asInputError(e, 'reading archive');
          });
          if (fresh) ingested.add(blob.digest);
          files.set(name, { kind: 'blob', blob });
        }
      } else if ((h.type === 'symlink' || h.type === 'link') && h.linkname) {
        const target = h.type === 'link' || h.linkname.startsWith('/') ? h.linkname : path.posix.join(path.posix.dirname(name), h.linkname);
        links.set(name, cleanName(target));
      }
    }
  } catch (e) {
    if (e instanceof BerthError) throw e;
    throw invalid(`reading archive: ${errorMessage(e)}`, e);
  }
  return new TarArchiveFiles(content, files, links, ingested);
}

class TarArchiveFiles implements ArchiveFiles {
  constructor(
    private readonly content: ContentStore,
    private readonly files: Map<string, TarFile>,
    private readonly links: Map<string, string>,
    readonly ingested: Set<string>,
  ) {}

  has(name: string): boolean {
    return this.lookup(name) !== undefined;
  }

  read(name: string): Buffer {
    const f = this.get(name);
    if (f.kind === 'doc') return f.data;
    // a hostile archive could name a huge file as its manifest
    if (f.blob.size > MAX_DOCUMENT) throw invalid(`archive file "${cleanName(name)}" is too large for a document`);
    return this.content.readBytes(f.blob.digest);
  }

  async blob(name: string): Promise<BlobInfo> {
    const f = this.get(name);
    if (f.kind === 'blob') return f.blob;
    const blob = await this.content.putBytes(f.data);
    this.ingested.add(blob.digest);
    return blob;
  }

  private get(name: string): TarFile {
    const f = this.lookup(name);
    if (!f) throw invalid(`archive has no file "${cleanName(name)}"`);
    return f;
  }

  private lookup(name: string): TarFile | undefined {
    let n = cleanName(name);
    for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
      const f = this.files.get(n);
      if (f) return f;
      const next = this.links.get(n);
      if (next === undefined) return undefined;
      n = next;
    }
    return undefined;
  }
}

/**
 * An OCI image layout on disk (`oci:` in skopeo's terms). Blobs are ingested, and verified,
 * only when a loader asks for them.
 */
export function dirArchiveFiles(content: ContentStore, dir: string, ingested: Set<string>): ArchiveFiles {
  const root = path.resolve(dir);
  const full = (name: string) => path.join(root, cleanName(name));
  const has = (name: string): boolean => {
    try {
      return fs.statSync(full(name)).isFile();
    } catch (e) {
      if (isErrno(e, 'ENOENT') || isErrno(e, 'ENOTDIR')) return false;
      throw e;
    }
  };
  return {
    ingested,
    has,
    read: (name) => {
      if (has(name) && fs.statSync(full(name)).size > MAX_DOCUMENT) {
        throw invalid(`layout file "${cleanName(name)}" is too large for a document`);
      }
      try {
        return fs.readFileSync(full(name));
      } catch (e) {
        if (isErrno(e, 'ENOENT')) throw invalid(`layout has no file "${cleanName(name)}"`, e);
        throw e;
      }
    },
    blob: async (name) => {
      if (!has(name)) throw invalid(`layout has no file "${cleanName(name)}"`);
      const digest = digestOfName(cleanName(name));
      const fresh = digest === undefined || !content.has(digest);
      const blob = await content.ingest(fs.createReadStream(full(name)), digest ? { digest } : {}).catch((e: unknown) => {
        if (e instanceof DigestMismatchError) throw invalid(`layout file "${cleanName(name)}": ${e.message}`, e);
        throw e;
      });
      if (fresh) ingested.add(blob.digest);
      return blob;
    },
  };
}
