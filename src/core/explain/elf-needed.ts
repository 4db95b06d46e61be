/**
 * A small reader of an ELF file's dynamic section: the libraries it asks the loader for
 * (DT_NEEDED), its RUNPATH/RPATH and its interpreter. Used for binaries that are not running
 * (runc between commands), where /proc/PID/maps has nothing to show; running ones are read from
 * /proc instead. Reads only headers: no code is executed, unlike `ldd`.
 */
export interface ElfDynamic {
  bits: 32 | 64;
  interpreter: string | null;
  needed: string[];
  runpath: string[];
  /** no PT_DYNAMIC: a static binary */
  isStatic: boolean;
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_RPATH = 15n;
const DT_RUNPATH = 29n;

/** Parse the ELF in buf; throws RangeError for anything that is not a well-formed ELF. */
export function readElfDynamic(buf: Buffer): ElfDynamic {
  if (buf.length < 52 || buf.readUInt32BE(0) !== 0x7f454c46) throw new RangeError('not an ELF file');
  const bits = buf[4] === 2 ? 64 : 32;
  const le = buf[5] === 1;
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const word = (o: number): bigint => (bits === 64 ? (le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o)) : BigInt(u32(o)));
  const phoff = Number(bits === 64 ? word(0x20) : BigInt(u32(0x1c)));
  const phentsize = u16(bits === 64 ? 0x36 : 0x2a);
  const phnum = u16(bits === 64 ? 0x38 : 0x2c);
  const loads: Array<{ vaddr: bigint; offset: bigint; filesz: bigint }> = [];
  let dyn: { offset: number; size: number } | null = null;
  let interpreter: string | null = null;
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (p + phentsize > buf.length) throw new RangeError('truncated program headers');
    const type = u32(p);
    // 64-bit: type flags offset vaddr paddr filesz; 32-bit: type offset vaddr paddr filesz
    const offset = bits === 64 ? word(p + 8) : BigInt(u32(p + 4));
    const vaddr = bits === 64 ? word(p + 16) : BigInt(u32(p + 8));
    const filesz = bits === 64 ? word(p + 32) : BigInt(u32(p + 16));
    if (type === PT_LOAD) loads.push({ vaddr, offset, filesz });
    else if (type === PT_DYNAMIC) dyn = { offset: Number(offset), size: Number(filesz) };
    else if (type === PT_INTERP) interpreter = cString(buf, Number(offset));
  }
  if (!dyn) return { bits, interpreter, needed: [], runpath: [], isStatic: true };
  const entry = bits === 64 ? 16 : 8;
  const tags: Array<[bigint, bigint]> = [];
  for (let o = dyn.offset; o + entry <= Math.min(buf.length, dyn.offset + dyn.size); o += entry) {
    const tag = word(o);
    if (tag === 0n) break;
    tags.push([tag, word(o + entry / 2)]);
  }
  const strtabAddr = tags.find(([t]) => t === DT_STRTAB)?.[1];
  // DT_STRTAB is an address in memory: find the loaded segment that holds it to get a file offset
  const seg = loads.find((l) => strtabAddr !== undefined && strtabAddr >= l.vaddr && strtabAddr < l.vaddr + l.filesz);
  if (strtabAddr === undefined || !seg) throw new RangeError('dynamic string table not found');
  const strtab = Number(strtabAddr - seg.vaddr + seg.offset);
  const str = (v: bigint) => cString(buf, strtab + Number(v));
  const runpath = tags
    .filter(([t]) => t === DT_RUNPATH || t === DT_RPATH)
    .flatMap(([, v]) => str(v).split(':'))
    .filter(Boolean);
  return { bits, interpreter, needed: tags.filter(([t]) => t === DT_NEEDED).map(([, v]) => str(v)), runpath, isStatic: false };
}

function cString(buf: Buffer, at: number): string {
  if (at < 0 || at >= buf.length) throw new RangeError('string outside the file');
  const end = buf.indexOf(0, at);
  return buf.toString('latin1', at, end < 0 ? buf.length : end);
}
