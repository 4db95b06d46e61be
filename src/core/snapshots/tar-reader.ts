/**
 * A tar reader that is fed bytes and answers synchronously: each entry's header, then its body
 * in the pieces it arrived in, then its end, all before write() returns. A layer's bytes can then
 * go from the inflater's one reused buffer to the files without a stream, a queue or a copy
 * between them (the unpacker writes each piece out before the next is inflated over it).
 *
 * The formats are those Go's archive/tar reads, as docker and containerd unpack with it: ustar
 * (with its name prefix), GNU (long names and link names in 'L'/'K' entries, base-256 numbers),
 * PAX extended headers (path, linkpath, size, uid, gid, mtime, SCHILY.xattr.*; global ones as
 * defaults) and old V7 headers. As in Go, links, symlinks, devices, directories and FIFOs have
 * no body whatever their size field says. Two zero blocks end the archive (what follows is not read); a single
 * one is skipped; anything malformed throws.
 */

export type TarEntryType =
  | 'file'
  | 'link'
  | 'symlink'
  | 'character-device'
  | 'block-device'
  | 'directory'
  | 'fifo'
  | 'contiguous-file'
  /** sparse files, GNU volume headers and other types no image builder writes: bodies skipped */
  | 'other';

export interface TarHeader {
  name: string;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: Date;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** extended attributes from PAX `SCHILY.xattr.NAME` records (global ones included), as bytes */
  xattrs: Record<string, Buffer>;
}

export interface TarEntryHandler {
  /** An entry begins: a function for its body's pieces (each valid only during the call), or none to skip them. */
  entry(header: TarHeader): ((piece: Buffer) => void) | undefined;
  /** The entry's body has all come (right after entry() for one without a body). */
  entryEnd(): void;
}

const BLOCK = 512;
/** PAX and GNU long-name records are held whole; a bigger one is refused rather than buffered. */
const MAX_META = 1 << 20;
const XATTR_PREFIX = 'SCHILY.xattr.';
const HEADER_ONLY: ReadonlySet<TarEntryType> = new Set(['link', 'symlink', 'character-device', 'block-device', 'directory', 'fifo']);

type Meta = 'pax' | 'pax-global' | 'gnu-long-name' | 'gnu-long-link';

export class TarReader {
  private readonly block = Buffer.alloc(BLOCK);
  private blockLen = 0;
  /** body bytes still to come for the current entry (or meta record), then padding to skip */
  private remaining = 0;
  private padding = 0;
  private sink: ((piece: Buffer) => void) | undefined;
  private inEntry = false;
  private meta: { kind: Meta; parts: Buffer[]; size: number } | undefined;
  private pax: Record<string, string> | undefined;
  private paxGlobal: Record<string, string> = {};
  private longName: string | undefined;
  private longLink: string | undefined;
  private zeroBlocks = 0;
  private ended = false;

  constructor(private readonly handler: TarEntryHandler) {}

  write(buf: Buffer): void {
    if (this.ended) return;
    let off = 0;
    while (off < buf.length) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, buf.length - off);
        const piece = buf.subarray(off, off + n);
        if (this.meta) this.meta.parts.push(Buffer.from(piece));
        else this.sink?.(piece);
        this.remaining -= n;
        off += n;
        if (this.remaining === 0) this.bodyDone();
        continue;
      }
      if (this.padding > 0) {
        const n = Math.min(this.padding, buf.length - off);
        this.padding -= n;
        off += n;
        continue;
      }
      const n = Math.min(BLOCK - this.blockLen, buf.length - off);
      buf.copy(this.block, this.blockLen, off, off + n);
      this.blockLen += n;
      off += n;
      if (this.blockLen === BLOCK) {
        this.blockLen = 0;
        this.header(this.block);
        if (this.ended) return;
      }
    }
  }

  /** The tar has ended: throws when it stopped inside a header or a body. */
  finish(): void {
    if (this.blockLen > 0 || this.remaining > 0 || this.padding > 0 || this.meta) {
      throw new Error('unexpected end of tar data');
    }
  }

  private header(b: Buffer): void {
    if (b.every((x) => x === 0)) {
      // two zero blocks end the archive; what follows (a record's padding, or anything) is
      // not read, as Go's archive/tar stops there
      if (++this.zeroBlocks === 2) this.ended = true;
      return;
    }
    this.zeroBlocks = 0;
    const sum = readNumber(b, 148, 8, 'checksum');
    let unsigned = 8 * 32;
    let signed = 8 * 32;
    for (let i = 0; i < BLOCK; i++) {
      if (i >= 148 && i < 156) continue;
      unsigned += b[i] as number;
      signed += ((b[i] as number) << 24) >> 24;
    }
    if (sum !== unsigned && sum !== signed) throw new Error('invalid tar header checksum');

    const flag = String.fromCharCode(b[156] as number);
    const size = readNumber(b, 124, 12, 'size');
    const meta = metaKind(flag);
    if (meta) {
      if (size > MAX_META) throw new Error(`tar ${meta} record of ${size} bytes is too large`);
      this.meta = { kind: meta, parts: [], size };
      this.startBody(size);
      return;
    }

    const magic = b.toString('latin1', 257, 263);
    const ustar = magic === 'ustar\0';
    // V7 headers end at the link name: what follows is padding, whatever it holds
    const devices = ustar || magic === 'ustar ';
    let name = cString(b, 0, 100);
    if (ustar && b[345] !== 0) name = `${cString(b, 345, 155)}/${name}`;
    let type = entryType(flag);
    // old tars mark directories by a trailing slash alone
    if ((flag === '0' || flag === '\0') && name.endsWith('/')) type = 'directory';
    const h: TarHeader = {
      name,
      type,
      mode: readNumber(b, 100, 8, 'mode'),
      uid: readNumber(b, 108, 8, 'uid'),
      gid: readNumber(b, 116, 8, 'gid'),
      size,
      mtime: new Date(readNumber(b, 136, 12, 'mtime') * 1000),
      linkname: cString(b, 157, 100),
      devmajor: devices ? readNumber(b, 329, 8, 'devmajor') : 0,
      devminor: devices ? readNumber(b, 337, 8, 'devminor') : 0,
      xattrs: {},
    };
    if (this.longName !== undefined) h.name = this.longName;
    if (this.longLink !== undefined) h.linkname = this.longLink;
    const pax = { ...this.paxGlobal, ...this.pax };
    applyPax(h, pax);
    this.longName = this.longLink = this.pax = undefined;

    const body = HEADER_ONLY.has(h.type) ? 0 : h.size;
    this.inEntry = true;
    this.sink = this.handler.entry(h);
    this.startBody(body);
  }

  private startBody(size: number): void {
    this.remaining = size;
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (size === 0) this.bodyDone();
  }

  private bodyDone(): void {
    if (this.meta) {
      const { kind, parts } = this.meta;
      this.meta = undefined;
      const data = Buffer.concat(parts);
      if (kind === 'pax') this.pax = { ...this.pax, ...parsePax(data) };
      else if (kind === 'pax-global') this.paxGlobal = { ...this.paxGlobal, ...parsePax(data) };
      else if (kind === 'gnu-long-name') this.longName = cString(data, 0, data.length);
      else this.longLink = cString(data, 0, data.length);
      return;
    }
    if (!this.inEntry) return;
    this.inEntry = false;
    this.sink = undefined;
    this.handler.entryEnd();
  }
}

function metaKind(flag: string): Meta | undefined {
  switch (flag) {
    case 'x':
      return 'pax';
    case 'g':
      return 'pax-global';
    case 'L':
      return 'gnu-long-name';
    case 'K':
      return 'gnu-long-link';
    default:
      return undefined;
  }
}

function entryType(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '\0':
      return 'file';
    case '1':
      return 'link';
    case '2':
      return 'symlink';
    case '3':
      return 'character-device';
    case '4':
      return 'block-device';
    case '5':
      return 'directory';
    case '6':
      return 'fifo';
    case '7':
      return 'contiguous-file';
    default:
      return 'other';
  }
}

/**
 * PAX records override the header's fields (the ones a layer's files use). Values are held as
 * bytes (latin1 strings, one char a byte: an xattr's value is binary); text ones are UTF-8.
 */
function applyPax(h: TarHeader, pax: Record<string, string>): void {
  const text = (key: string): string | undefined => {
    const v = pax[key];
    return v === undefined ? undefined : Buffer.from(v, 'latin1').toString('utf8');
  };
  for (const [key, value] of Object.entries(pax)) {
    if (key.startsWith(XATTR_PREFIX) && key.length > XATTR_PREFIX.length) h.xattrs[key.slice(XATTR_PREFIX.length)] = Buffer.from(value, 'latin1');
  }
  const int = (key: string): number | undefined => {
    const v = pax[key];
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new Error(`invalid tar PAX record ${key}=${JSON.stringify(v)}`);
    return Number(v);
  };
  h.name = text('path') ?? h.name;
  h.linkname = text('linkpath') ?? h.linkname;
  h.size = int('size') ?? h.size;
  h.uid = int('uid') ?? h.uid;
  h.gid = int('gid') ?? h.gid;
  const mtime = pax['mtime'];
  if (mtime !== undefined) {
    if (!/^-?\d+(\.\d+)?$/.test(mtime)) throw new Error(`invalid tar PAX record mtime=${JSON.stringify(mtime)}`);
    h.mtime = new Date(Math.round(Number(mtime) * 1000));
  }
}

/** `LEN key=value\n` records, as bytes (latin1); an empty value unsets a global one (kept here as ''). */
function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let off = 0;
  while (off < data.length) {
    const sp = data.indexOf(0x20, off);
    const len = sp < 0 ? NaN : Number(data.toString('latin1', off, sp));
    if (!Number.isInteger(len) || len <= sp - off + 1 || off + len > data.length || data[off + len - 1] !== 0x0a) {
      throw new Error('invalid tar PAX header');
    }
    const rec = data.toString('latin1', sp + 1, off + len - 1);
    const eq = rec.indexOf('=');
    if (eq <= 0) throw new Error('invalid tar PAX header');
    out[rec.slice(0, eq)] = rec.slice(eq + 1);
    off += len;
  }
  return out;
}

/** A NUL-terminated field, as UTF-8. */
function cString(b: Buffer, off: number, len: number): string {
  const end = b.indexOf(0, off);
  return b.toString('utf8', off, end < 0 || end > off + len ? off + len : end);
}

/** An octal field (spaces and NULs around it), or GNU's base-256 when its top bit is set. */
function readNumber(b: Buffer, off: number, len: number, what: string): number {
  const first = b[off] as number;
  if (first & 0x80) {
    // base-256, two's complement; a negative number has no use in a layer
    if (first === 0xff) throw new Error(`invalid tar header: negative ${what}`);
    let v = first & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + (b[off + i] as number);
    if (!Number.isSafeInteger(v)) throw new Error(`invalid tar header: ${what} too large`);
    return v;
  }
  const s = b.toString('latin1', off, off + len).replace(/^[ \0]+|[ \0]+$/g, '');
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new Error(`invalid tar header: ${what} ${JSON.stringify(s)} is not octal`);
  return parseInt(s, 8);
}
