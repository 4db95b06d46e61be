import fs from 'node:fs';
import type { FdView } from './types.js';
import { readLinkOptional } from './proc-files.js';

/** Open file descriptors from /proc/PID/fd: what each points at (a path, pipe:[…], socket:[…]). */
export function readFds(pid: number): FdView[] {
  let names: string[];
  try {
    names = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  return names
    .map(Number)
    .sort((a, b) => a - b)
    .map((fd) => ({ fd, target: readLinkOptional(`/proc/${pid}/fd/${fd}`) ?? '?' }));
}
