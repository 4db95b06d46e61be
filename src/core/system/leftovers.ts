import fs from 'node:fs';
import path from 'node:path';
import type { Paths } from '../config/paths.js';
import { parseMountinfo } from '../host/mountinfo.js';
import { unmount } from '../host/mount.js';
import { ownerAlive, ownerOf } from '../host/owned-temp.js';

/** What left a temporary behind: a pull or load (blobs, unpacked layers), a build, an exec. */
export type LeftoverKind = 'pull' | 'build' | 'exec';

/** Every kind of temporary berth makes, where, and which operation owns it. */
const TEMPS: ReadonlyArray<{ dir: (p: Paths) => string; prefix: string; kind: LeftoverKind }> = [
  { dir: (p) => p.tmp, prefix: 'blob-', kind: 'pull' },
  { dir: (p) => p.layers, prefix: '.tmp-', kind: 'pull' },
  { dir: (p) => p.layers, prefix: '.trash-', kind: 'pull' },
  { dir: (p) => p.tmp, prefix: 'build-view-', kind: 'build' },
  { dir: (p) => p.tmp, prefix: 'build-add-', kind: 'build' },
  { dir: (p) => p.tmp, prefix: 'build-mounts-', kind: 'build' },
  { dir: (p) => p.tmp, prefix: 'build-context-', kind: 'build' },
  { dir: (p) => p.tmp, prefix: 'berth-exec-', kind: 'exec' },
];

/** Temporaries whose names record no owner (made by an older berth) go once this old. */
const UNOWNED_MAX_AGE_MS = 60 * 60 * 1000;

export interface Leftover {
  path: string;
  kind: LeftoverKind;
  /** bytes of the files in it (what removing it frees); mounts inside are not counted */
  bytes: number;
}

/**
 * Temporaries that nothing will clean up any more: their owning process is gone (a kill -9 or
 * a crash ran no clean-up). A temp whose owner still runs is never listed, however old.
 */
export function findLeftovers(paths: Paths, kinds?: readonly LeftoverKind[]): Leftover[] {
  const out: Leftover[] = [];
  const now = Date.now();
  for (const t of TEMPS) {
    if (kinds && !kinds.includes(t.kind)) continue;
    const dir = t.dir(paths);
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.startsWith(t.prefix)) continue;
      const p = path.join(dir, name);
      const owner = ownerOf(name, t.prefix);
      try {
        if (owner ? ownerAlive(owner) : now - fs.lstatSync(p).mtimeMs < UNOWNED_MAX_AGE_MS) continue;
      } catch {
        continue; // removed meanwhile
      }
      out.push({ path: p, kind: t.kind, bytes: bytesIn(p) });
    }
  }
  return out;
}

/**
 * Remove what findLeftovers finds (mounts inside it first: a killed build leaves its overlay
 * views mounted), and say how many bytes that freed.
 */
export function reclaimLeftovers(paths: Paths, kinds?: readonly LeftoverKind[]): { removed: Leftover[]; reclaimed: number } {
  const removed: Leftover[] = [];
  let reclaimed = 0;
  for (const l of findLeftovers(paths, kinds)) {
    try {
      for (const m of mountsUnder(l.path)) unmount(m);
      fs.rmSync(l.path, { recursive: true, force: true });
    } catch {
      continue; // left for the next prune: what one leftover does must not stop the others
    }
    removed.push(l);
    reclaimed += l.bytes;
  }
  return { removed, reclaimed };
}

/** Bytes of the leftovers of each kind, for `system df`. */
export function leftoverBytes(paths: Paths): Record<LeftoverKind, number> {
  const out: Record<LeftoverKind, number> = { pull: 0, build: 0, exec: 0 };
  for (const l of findLeftovers(paths)) out[l.kind] += l.bytes;
  return out;
}

/** Mount points at or below dir, deepest first. */
function mountsUnder(dir: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  return parseMountinfo(text)
    .map((m) => m.target)
    .filter((t) => t === dir || t.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** Bytes of the files under p, each inode once, not crossing into other filesystems (mounts). */
function bytesIn(p: string): number {
  let top: fs.Stats;
  try {
    top = fs.lstatSync(p);
  } catch {
    return 0;
  }
  if (!top.isDirectory()) return top.isFile() ? top.size : 0;
  const seen = new Set<number>();
  let total = 0;
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const q = path.join(dir, e.name);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(q);
      } catch {
        continue;
      }
      if (st.dev !== top.dev) continue; // a mount inside (an overlay view): not this temp's bytes
      if (st.isDirectory()) walk(q);
      else if (st.isFile() && !seen.has(st.ino)) {
        seen.add(st.ino);
        total += st.size;
      }
    }
  };
  walk(p);
  return total;
}
