import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../errors/index.js';
import { walkTree } from './tree-walk.js';
import { isWhiteoutDevice } from './whiteouts.js';

/** One line of `docker diff`: A added, C changed, D deleted; path absolute inside the container. */
export interface Change {
  kind: 'A' | 'C' | 'D';
  path: string;
}

/**
 * What a container changed, read from its overlay upper dir against the image's layer dirs:
 * a whiteout is D, an entry found in no lower layer is A, anything else in the upper dir is C
 * (which is how parent directories of changes show up, as in docker). Order: docker's walk order.
 *
 * @example
 * listChanges('/var/lib/berth/containers/<id>/upper', layerDiffDirs)
 * // [{ kind: 'C', path: '/etc' }, { kind: 'A', path: '/etc/new.conf' }]
 */
export function listChanges(upperDir: string, lowerDirs: string[]): Change[] {
  const changes: Change[] = [];
  for (const e of walkTree(upperDir)) {
    const kind = isWhiteoutDevice(e.st) ? 'D' : lowerDirs.some((l) => existsUnder(l, e.rel)) ? 'C' : 'A';
    changes.push({ kind, path: `/${e.rel}` });
  }
  return changes;
}

/**
 * rel exists in the layer dir without passing through a symlink of that layer: a symlink there
 * could point anywhere on the host, and we only want to know about the layer's own tree.
 */
function existsUnder(layerDir: string, rel: string): boolean {
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(path.join(layerDir, ...parts.slice(0, i)));
    } catch (e) {
      if (isErrno(e, 'ENOENT') || isErrno(e, 'ENOTDIR')) return false;
      throw e;
    }
    if (i < parts.length && !st.isDirectory()) return false;
  }
  return true;
}

/** An empty file or directory: what a runtime leaves in an upper dir to mount something on. */
export function isEmptyStub(p: string): boolean {
  const st = fs.lstatSync(p, { throwIfNoEntry: false });
  if (!st) return false;
  if (st.isFile()) return st.size === 0;
  return st.isDirectory() && fs.readdirSync(p).length === 0;
}
