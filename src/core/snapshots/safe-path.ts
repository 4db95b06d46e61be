import fs from 'node:fs';
import path from 'node:path';
import { BerthError, isErrno } from '../errors/index.js';

/**
 * Turn a tar entry name into a path relative to the layer root: leading `/` and `./` go (docker
 * does the same: absolute names are relative to the image root), `a/../b` collapses lexically,
 * and anything that would climb above the root rejects the layer. "" means the root itself.
 */
export function normalizeEntryName(name: string): string {
  const n = path.posix.normalize(`/${name}`).replace(/^\/+/, '').replace(/\/+$/, '');
  // normalize('/' + x) can never keep a leading '..': look at the raw components instead
  const climbs = rawClimbs(name);
  if (climbs || name.includes('\0')) {
    throw new BerthError('InvalidArgument', `unsafe path in layer: ${JSON.stringify(name)}`, {
      hint: 'the image tries to write outside its layer directory; it may be malicious',
    });
  }
  return n === '.' ? '' : n;
}

/** True when the components of name, read left to right, ever go above the start. */
export function rawClimbs(name: string): boolean {
  let depth = 0;
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    depth += part === '..' ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}

/**
 * Knows which directories under root are real (not symlinks) so that every write can be checked
 * to stay inside root without re-lstat-ing each parent for every entry. Only this process writes
 * the tree while it unpacks, so a check stays true until the unpacker itself replaces the path.
 */
export class SafeTree {
  private readonly realDirs = new Set<string>(['']);

  constructor(readonly root: string) {}

  abs(rel: string): string {
    return rel === '' ? this.root : path.join(this.root, rel);
  }

  /**
   * Make sure every parent of rel is a real directory inside root, creating missing ones
   * (mode 0755, as docker does); a symlink or non-directory parent rejects the layer.
   */
  ensureParents(rel: string, create = true): void {
    const parts = rel.split('/');
    let cur = '';
    for (let i = 0; i < parts.length - 1; i++) {
      cur = cur === '' ? (parts[i] ?? '') : `${cur}/${parts[i] ?? ''}`;
      if (this.realDirs.has(cur)) continue;
      const p = this.abs(cur);
      let st: fs.Stats | undefined;
      try {
        st = fs.lstatSync(p);
      } catch (e) {
        if (!isErrno(e, 'ENOENT')) throw e;
      }
      if (st === undefined) {
        if (!create) throw new BerthError('InvalidArgument', `path "${cur}" does not exist in layer`);
        fs.mkdirSync(p, { mode: 0o755 });
      } else if (st.isSymbolicLink()) {
        throw new BerthError('InvalidArgument', `unsafe path in layer: path "${rel}" goes through a symlink at "${cur}"`, {
          hint: 'the image tries to write outside its layer directory; it may be malicious',
        });
      } else if (!st.isDirectory()) {
        throw new BerthError('InvalidArgument', `path "${rel}" in layer: "${cur}" is not a directory`);
      }
      this.realDirs.add(cur);
    }
  }

  /** Checked afresh, no cache: rel and each of its parents is a real directory (no symlink). */
  isRealDir(rel: string): boolean {
    if (rel === '') return true;
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const st = this.lstat(parts.slice(0, i).join('/'));
      if (st === undefined || !st.isDirectory()) return false;
    }
    return true;
  }

  /** Record that rel is now a real directory. */
  markDir(rel: string): void {
    this.realDirs.add(rel);
  }

  /** rel is about to become something else than a directory: forget it and all under it. */
  forget(rel: string): void {
    if (!this.realDirs.delete(rel)) return;
    const prefix = `${rel}/`;
    for (const d of this.realDirs) if (d.startsWith(prefix)) this.realDirs.delete(d);
  }

  /** lstat that says undefined for a missing path. */
  lstat(rel: string): fs.Stats | undefined {
    try {
      return fs.lstatSync(this.abs(rel));
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return undefined;
      throw e;
    }
  }

  /**
   * Clear the way for a new non-directory entry at rel: remove whatever is there (a directory
   * recursively; rm never follows symlinks). Never writes through an existing entry.
   */
  clear(rel: string): void {
    const st = this.lstat(rel);
    if (st === undefined) return;
    this.forget(rel);
    if (st.isDirectory()) fs.rmSync(this.abs(rel), { recursive: true, force: true });
    else fs.unlinkSync(this.abs(rel));
  }
}
