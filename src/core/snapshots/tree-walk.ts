import fs from 'node:fs';
import path from 'node:path';

export interface TreeEntry {
  /** path relative to the walked root, '/'-separated, no leading slash */
  rel: string;
  abs: string;
  st: fs.BigIntStats;
}

/**
 * Every entry under root (root itself excluded), parents before children and siblings sorted by
 * name: the order of Go's filepath.Walk, which `docker diff` and docker's layer tars follow.
 * Symlinks are reported, never followed.
 */
export function* walkTree(root: string, rel = ''): Generator<TreeEntry> {
  const dir = rel === '' ? root : path.join(root, rel);
  const names = fs.readdirSync(dir).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const childRel = rel === '' ? name : `${rel}/${name}`;
    const abs = path.join(root, childRel);
    const st = fs.lstatSync(abs, { bigint: true });
    yield { rel: childRel, abs, st };
    if (st.isDirectory()) yield* walkTree(root, childRel);
  }
}

/** Linux's dev_t encoding (glibc gnu_dev_major / gnu_dev_minor). */
export function devMajorMinor(rdev: bigint): { major: number; minor: number } {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return { major: Number(major), minor: Number(minor) };
}
