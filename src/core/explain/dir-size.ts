import fs from 'node:fs';
import path from 'node:path';

/** Bytes of regular files under dir, not following symlinks (the container's upper dir size). */
export function dirSize(dir: string): number | null {
  let total = 0;
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) total += fs.lstatSync(p).size;
    }
  };
  try {
    walk(dir);
  } catch {
    return null;
  }
  return total;
}
