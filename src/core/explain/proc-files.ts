import fs from 'node:fs';
import { BerthError, isErrno } from '../errors/index.js';

/** A /proc file's text, or undefined when it is absent or unreadable (optional facts). */
export function readOptional(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** A symlink's target (/proc/PID/exe, ns/*, fd/*), or null. */
export function readLinkOptional(file: string): string | null {
  try {
    return fs.readlinkSync(file);
  } catch {
    return null;
  }
}

/**
 * The status file of a process, with the errors a user can act on: a PID that has gone, or one
 * this user may not read.
 */
export function readProcessStatus(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (e) {
    if (isErrno(e, 'ENOENT') || isErrno(e, 'ESRCH')) throw new BerthError('NotFound', `no such process: ${pid}`);
    if (isErrno(e, 'EACCES') || isErrno(e, 'EPERM')) throw new BerthError('PermissionDenied', `cannot read process ${pid}: permission denied`);
    throw e;
  }
}

/** /proc/PID/cmdline as argv. */
export function readCmdline(pid: number): string[] {
  const raw = readOptional(`/proc/${pid}/cmdline`) ?? '';
  return raw.split('\0').filter((s, i, a) => s !== '' || i < a.length - 1);
}
