import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isSameProcessAlive, readProcStartTime } from '../runtime/process-util.js';

/**
 * Temporary files and directories that name their owner: `<prefix><pid>.<start>-<random>`, where
 * start is the owning process's start time (clock ticks since boot, /proc/PID/stat field 22).
 * A later berth process can then tell whether the owner is gone, even after its pid was reused,
 * and reclaim what it left (a kill -9 runs no clean-up); a temp whose owner lives is never
 * touched.
 */

let selfStart: number | null | undefined;

function ownStartTime(): number | null {
  if (selfStart === undefined) selfStart = readProcStartTime(process.pid);
  return selfStart;
}

/** A fresh name for a temp owned by this process. */
export function ownedTempName(prefix: string): string {
  const start = ownStartTime();
  return `${prefix}${process.pid}${start === null ? '' : `.${start}`}-${randomBytes(8).toString('hex')}`;
}

/** Make a temp directory owned by this process under dir (as mkdtemp, with the owner in its name). */
export function makeOwnedTempDir(dir: string, prefix: string, mode = 0o700): string {
  fs.mkdirSync(dir, { recursive: true });
  const p = path.join(dir, ownedTempName(prefix));
  fs.mkdirSync(p, { mode });
  return p;
}

export interface TempOwner {
  pid: number;
  /** null for names made before the start time was recorded (`<prefix><pid>-<random>`) */
  start: number | null;
}

/** The owner a temp's name records, or undefined when it records none (mkdtemp's names). */
export function ownerOf(name: string, prefix: string): TempOwner | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const m = /^(\d+)(?:\.(\d+))?-[A-Za-z0-9]+$/.exec(name.slice(prefix.length));
  if (!m) return undefined;
  return { pid: Number(m[1]), start: m[2] === undefined ? null : Number(m[2]) };
}

/** Whether the process that owns a temp still runs (this process counts as alive). */
export function ownerAlive(owner: TempOwner): boolean {
  if (owner.pid === process.pid) return owner.start === null || owner.start === ownStartTime();
  return isSameProcessAlive(owner.pid, owner.start);
}
