import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';

/**
 * Resolve `p` inside `root` as if root were `/` (a chroot): every symlink met on the way is
 * followed within root, and `..` never climbs above it. Container content is hostile, so host
 * code must never open a container path any other way. Missing trailing components are fine:
 * the result is where they would be created.
 */
export function resolveInRoot(root: string, p: string): string {
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  let resolved: string[] = [];
  let links = 0;
  while (parts.length > 0) {
    const part = parts.shift() as string;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = path.join(root, ...resolved, part);
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(candidate);
    } catch {
      st = undefined;
    }
    if (st?.isSymbolicLink()) {
      if (++links > 40) throw new BerthError('InvalidArgument', `too many levels of symbolic links in "${p}"`);
      const target = fs.readlinkSync(candidate);
      if (target.startsWith('/')) resolved = [];
      parts.unshift(...target.split('/').filter((s) => s !== '' && s !== '.'));
      continue;
    }
    resolved.push(part);
  }
  return path.join(root, ...resolved);
}
