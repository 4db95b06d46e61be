import { rawClimbs } from '../snapshots/safe-path.js';
import { compressionTool } from '../snapshots/decompress.js';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import { resolveInRoot } from '../host/resolve-in-root.js';
import { readRootfsFile } from '../spec/rootfs-file.js';
import { splitDev } from '../spec/host-facts.js';
import { globRegExp, hasWildcard } from './glob.js';
import type { IgnoreMatcher } from './ignore-rules.js';

/** One entry of the layer a COPY or ADD writes; names are relative to the image root. */
export type CopyEntry =
  | { type: 'file'; name: string; mode: number; uid: number; gid: number; mtime: Date; size: number; src: { path: string } | { data: Buffer } }
  | { type: 'directory'; name: string; mode: number; uid: number; gid: number; mtime: Date }
  | { type: 'symlink'; name: string; mode: number; uid: number; gid: number; mtime: Date; linkname: string }
  /** a FIFO or a device node of the source: copied as such (never opened), as docker's tar of the context does */
  | {
      type: 'fifo' | 'character-device' | 'block-device';
      name: string;
      mode: number;
      uid: number;
      gid: number;
      mtime: Date;
      devmajor: number;
      devminor: number;
    }
  /** ADD of a local archive: its entries land under destDir */
  | { type: 'archive'; name: string; path: string };

/** Where COPY reads from: the build context (with its ignore rules) or another stage or image. */
export interface CopySourceRoot {
  root: string;
  ignore?: IgnoreMatcher;
  /** keep the files' owners (COPY --from) instead of docker's 0:0 for context files */
  keepOwners: boolean;
  /** what error messages call it: "build context" or `stage "builder"` */
  label: string;
}

export interface CopyRequest {
  kind: 'COPY' | 'ADD';
  /** expanded source words (heredoc words `<<EOF` stand for the inline files) */
  sources: string[];
  /** inline files by heredoc name, content expanded */
  inline: Map<string, string>;
  /** downloaded ADD URLs by URL: a local temp file and the file name to use */
  downloads: Map<string, { path: string; name: string; mtime: Date }>;
  /** expanded destination as written */
  dest: string;
  workingDir: string;
  chown?: string;
  chmod?: string;
  from: CopySourceRoot;
  /** the merged root filesystem of the stage being built (symlinks, users, existing dirs) */
  target: string;
}

const TAR_MAGIC_OFFSET = 257;

/**
 * Work out what COPY/ADD writes: every source matched (Go filepath.Match globs, ignore rules
 * applied), docker's destination rules (a trailing `/`, several sources, or an existing directory
 * make the destination a directory; a directory source copies its contents), the destination
 * resolved through the image's symlinks, missing parent directories created, --chown resolved
 * against the image's /etc/passwd and /etc/group, --chmod applied.
 */
export function planCopy(r: CopyRequest): CopyEntry[] {
  const owner = r.chown !== undefined ? resolveChown(r.chown, r.target) : undefined;
  const mode = r.chmod !== undefined ? parseChmod(r.chmod) : undefined;
  const matches: Array<{ kind: 'path'; rel: string; abs: string; st: fs.Stats } | { kind: 'inline'; name: string } | { kind: 'url'; url: string }> = [];
  for (const s of r.sources) {
    const heredoc = /^<<-?["']?([^"']+)["']?$/.exec(s);
    if (heredoc && r.inline.has(heredoc[1] as string)) matches.push({ kind: 'inline', name: heredoc[1] as string });
    else if (r.downloads.has(s)) matches.push({ kind: 'url', url: s });
    else for (const m of matchSources(r.from, s)) matches.push({ kind: 'path', ...m });
  }
  let destAbs = path.posix.isAbsolute(r.dest) ? r.dest : path.posix.join(r.workingDir || '/', r.dest);
  const trailing = r.dest.endsWith('/') || r.dest === '.' || r.dest.endsWith('/.');
  destAbs = path.posix.normalize(destAbs);
  const destHost = resolveInRoot(r.target, destAbs);
  const destIsExistingDir = fs.statSync(destHost, { throwIfNoEntry: false })?.isDirectory() === true;
  const destIsDir = trailing || destIsExistingDir || matches.length > 1;
  if (matches.length > 1 && !trailing && !destIsExistingDir) {
    throw new BerthError('InvalidArgument', `when using ${r.kind} with more than one source file, the destination must be a directory and end with a /`);
  }
  const entries: CopyEntry[] = [];
  const dirsSeen = new Set<string>();
  const uid = (st: fs.Stats) => owner?.uid ?? (r.from.keepOwners ? st.uid : 0);
  const gid = (st: fs.Stats) => owner?.gid ?? (r.from.keepOwners ? st.gid : 0);
  const ensureParents = (name: string) => {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) ensureDir(parts.slice(0, i).join('/'));
  };
  const ensureDir = (name: string) => {
    if (name === '' || dirsSeen.has(name)) return;
    dirsSeen.add(name);
    if (fs.lstatSync(path.join(r.target, name), { throwIfNoEntry: false })) return;
    ensureParents(name);
    // a directory COPY has to create gets 0755 (BuildKit's mkdir), --chmod is for what is copied
    entries.push({ type: 'directory', name, mode: 0o755, uid: owner?.uid ?? 0, gid: owner?.gid ?? 0, mtime: new Date() });
  };
  const targetRel = (hostPath: string) => path.relative(r.target, hostPath).split(path.sep).join('/');
  const dirRel = destIsDir ? targetRel(destHost) : '';
  const fileTarget = (base: string) =>
    destIsDir ? join(dirRel, base) : join(targetRel(resolveInRoot(r.target, path.posix.dirname(destAbs))), path.posix.basename(destAbs));

  for (const m of matches) {
    if (m.kind === 'inline') {
      const name = fileTarget(m.name);
      ensureParents(name);
      const data = Buffer.from(r.inline.get(m.name) ?? '');
      entries.push({
        type: 'file',
        name,
        mode: mode ?? 0o644,
        uid: owner?.uid ?? 0,
        gid: owner?.gid ?? 0,
        mtime: new Date(0),
        size: data.length,
        src: { data },
      });
      continue;
    }
    if (m.kind === 'url') {
      const d = r.downloads.get(m.url) as { path: string; name: string; mtime: Date };
      const name = fileTarget(d.name);
      ensureParents(name);
      const size = fs.statSync(d.path).size;
      entries.push({ type: 'file', name, mode: mode ?? 0o600, uid: owner?.uid ?? 0, gid: owner?.gid ?? 0, mtime: d.mtime, size, src: { path: d.path } });
      continue;
    }
    if (m.st.isDirectory()) {
      const base = destIsDir ? dirRel : fileTarget('');
      if (base !== '') ensureDir(base);
      for (const e of walkSource(r.from, m.rel, m.abs)) {
        // docker's context tar skips sockets ("archive: skipping … since it is a socket")
        if (e.st.isSocket()) continue;
        const name = join(base, e.rel);
        ensureParents(name);
        entries.push(toEntry(name, e.abs, e.st, mode, uid(e.st), gid(e.st)));
      }
      continue;
    }
    if (m.st.isSocket()) continue;
    if (r.kind === 'ADD' && r.from.ignore && m.st.isFile() && isLocalArchive(m.abs)) {
      const base = destIsDir ? dirRel : targetRel(destHost);
      if (base !== '') ensureDir(base);
      entries.push({ type: 'archive', name: base, path: m.abs });
      continue;
    }
    const name = fileTarget(path.posix.basename(m.rel));
    ensureParents(name);
    entries.push(toEntry(name, m.abs, m.st, mode, uid(m.st), gid(m.st)));
  }
  return entries;
}

function join(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a}/${b}`;
}

function toEntry(name: string, abs: string, st: fs.Stats, chmod: number | undefined, uid: number, gid: number): CopyEntry {
  const perm = chmod ?? st.mode & 0o7777;
  if (st.isSymbolicLink()) return { type: 'symlink', name, mode: 0o777, uid, gid, mtime: st.mtime, linkname: fs.readlinkSync(abs) };
  if (st.isDirectory()) return { type: 'directory', name, mode: perm, uid, gid, mtime: st.mtime };
  if (st.isFIFO() || st.isCharacterDevice() || st.isBlockDevice()) {
    const type = st.isFIFO() ? 'fifo' : st.isCharacterDevice() ? 'character-device' : 'block-device';
    const dev = splitDev(BigInt(st.rdev));
    return { type, name, mode: perm, uid, gid, mtime: st.mtime, devmajor: dev.major, devminor: dev.minor };
  }
  return { type: 'file', name, mode: perm, uid, gid, mtime: st.mtime, size: st.size, src: { path: abs } };
}

/** The paths a source word names, relative to the source root; globs match per component. */
function matchSources(from: CopySourceRoot, word: string): Array<{ rel: string; abs: string; st: fs.Stats }> {
  const norm = path.posix.normalize(word.replace(/^\/+/, ''));
  if (norm === '..' || norm.startsWith('../') || rawClimbs(word)) {
    throw new BerthError('InvalidArgument', `forbidden path outside the build context: ${word}`);
  }
  const rel = norm === '.' ? '' : norm.replace(/\/+$/, '');
  if (!hasWildcard(rel)) {
    const abs = resolveInRoot(from.root, rel);
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    if (!st || (from.ignore?.ignores(rel) ?? false)) {
      throw new BerthError(
        'NotFound',
        `file not found in ${from.label}${from.ignore ? ' or excluded by .dockerignore' : ''}: stat ${word}: file does not exist`,
      );
    }
    return [{ rel, abs, st }];
  }
  const parts = rel.split('/');
  let found: string[] = [''];
  for (const [i, part] of parts.entries()) {
    const re = globRegExp(part);
    const next: string[] = [];
    for (const dir of found) {
      if (!re) {
        next.push(join(dir, part));
        continue;
      }
      const abs = dir === '' ? from.root : path.join(from.root, dir);
      let names: string[];
      try {
        names = fs.readdirSync(abs).sort();
      } catch {
        continue;
      }
      for (const n of names) if (re.test(n)) next.push(join(dir, n));
    }
    found = next.filter((p) => (i < parts.length - 1 ? true : !(from.ignore?.ignores(p) ?? false)));
  }
  const out = found.flatMap((p) => {
    const abs = path.join(from.root, p);
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    return st ? [{ rel: p, abs, st }] : [];
  });
  if (out.length === 0) throw new BerthError('NotFound', `no source files were specified: "${word}" matches nothing in ${from.label}`);
  return out;
}

/** Everything under a directory source, parents first, ignored paths left out. */
function* walkSource(from: CopySourceRoot, baseRel: string, baseAbs: string, sub = ''): Generator<{ rel: string; abs: string; st: fs.Stats }> {
  const dir = sub === '' ? baseAbs : path.join(baseAbs, sub);
  const hasExceptions = from.ignore?.patterns.some((p) => p.startsWith('!')) ?? false;
  for (const name of fs.readdirSync(dir).sort()) {
    const rel = sub === '' ? name : `${sub}/${name}`;
    const abs = path.join(baseAbs, rel);
    const st = fs.lstatSync(abs);
    const ignored = from.ignore?.ignores(join(baseRel, rel)) ?? false;
    if (!ignored) yield { rel, abs, st };
    // an excluded directory is only entered when a `!` pattern may re-include something in it
    if (st.isDirectory() && (!ignored || hasExceptions)) yield* walkSource(from, baseRel, baseAbs, rel);
  }
}

/** ADD unpacks local tar archives (plain, gzip, bzip2, xz, zstd), as docker; any other file is copied as is. */
function isLocalArchive(abs: string): boolean {
  const fd = fs.openSync(abs, 'r');
  try {
    const head = Buffer.alloc(TAR_MAGIC_OFFSET + 5);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true;
    if (compressionTool(head.subarray(0, n)) !== undefined) return true;
    return n >= head.length && head.subarray(TAR_MAGIC_OFFSET).toString('latin1') === 'ustar';
  } finally {
    fs.closeSync(fd);
  }
}

/** `--chmod=0755` (octal, as docker accepts it). */
export function parseChmod(s: string): number {
  if (!/^[0-7]{3,4}$/.test(s)) throw new BerthError('InvalidArgument', `invalid --chmod "${s}": expected an octal mode such as 0755`);
  return parseInt(s, 8);
}

/**
 * `--chown=user[:group]`: names looked up in the image's /etc/passwd and /etc/group, numbers
 * taken as they are; without a group, the gid is the uid (docker's documented rule).
 */
export function resolveChown(s: string, rootfs: string): { uid: number; gid: number } {
  const [u = '', g] = s.split(':', 2);
  if (u === '') throw new BerthError('InvalidArgument', `invalid --chown "${s}"`);
  const lookup = (file: string, name: string, what: string): number => {
    if (/^\d+$/.test(name)) return Number(name);
    const text = readRootfsFile(rootfs, file) ?? '';
    for (const line of text.split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f[2] !== undefined && /^\d+$/.test(f[2])) return Number(f[2]);
    }
    throw new BerthError('InvalidArgument', `unable to convert ${what} "${name}" for --chown: no such ${what} in ${file}`);
  };
  const uid = lookup('/etc/passwd', u, 'user');
  const gid = g === undefined || g === '' ? uid : lookup('/etc/group', g, 'group');
  return { uid, gid };
}
