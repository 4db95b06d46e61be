import { pack, type Header } from 'tar-stream';

/** A tar entry for tests: a header and, for files, the content. */
export interface FixtureEntry {
  header: Partial<Header> & { name: string };
  body?: string | Buffer;
}

/**
 * Build a tar in memory with tar-stream, exactly as given: no name cleaning, so tests can make
 * the hostile archives (`../x`, links out of the tree) that the unpacker must refuse.
 */
export async function makeTar(entries: FixtureEntry[]): Promise<Buffer> {
  const p = pack();
  for (const e of entries) {
    const type = e.header.type ?? 'file';
    const mode = e.header.mode ?? (type === 'directory' ? 0o755 : 0o644);
    // mode 0 would be replaced by tar-stream's default; type bits keep it non-zero
    const h = { mtime: new Date(1_600_000_000_000), ...e.header, type, mode: mode | 0o100000 };
    if (type === 'file') p.entry(h, e.body ?? '');
    else p.entry(h);
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
