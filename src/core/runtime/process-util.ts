import fs from 'node:fs';

/** /proc/PID/stat is well under 1 KiB (a 16-byte name and ~52 numbers) */
const statBuf = Buffer.allocUnsafe(4096);

/**
 * Fields of /proc/PID/stat after the command name. The name is in parentheses and may itself
 * contain spaces or parentheses, so split after the last ')'.
 */
function statFields(pid: number): string[] | null {
  let text: string;
  try {
    // one read into a buffer kept for it: readFileSync's fstat and read to EOF, for each of the
    // hundred containers ps checks, cost twice the syscalls
    const fd = fs.openSync(`/proc/${pid}/stat`, 'r');
    try {
      const n = fs.readSync(fd, statBuf, 0, statBuf.length, null);
      text = n < statBuf.length ? statBuf.toString('latin1', 0, n) : `${statBuf.toString('latin1')}${fs.readFileSync(fd, 'latin1')}`;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  return text
    .slice(close + 2)
    .trim()
    .split(' ');
}

/**
 * Whether a process exists and has not exited. A zombie (state Z, or X while being reaped)
 * counts as dead: conmon daemons are orphans reaped by pid 1, which can take a while on some
 * hosts, and `kill(pid, 0)` keeps saying "alive" until then.
 *
 * @example
 * if (!isProcessAlive(conmonPid)) await refreshContainer(ctx, id); // conmon is gone: record the exit
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const fields = statFields(pid);
  if (fields === null) return false;
  const state = fields[0];
  return state !== 'Z' && state !== 'X' && state !== 'x';
}

/**
 * The process start time in clock ticks since boot (field 22 of /proc/PID/stat), or null when
 * there is no such process. Store it beside a pid and compare later to guard against pid reuse.
 *
 * @example
 * const t = readProcStartTime(pid); // later: readProcStartTime(pid) === t means the same process
 */
export function readProcStartTime(pid: number): number | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  // fields[0] is field 3 (state), so field 22 is fields[19]
  const ticks = statFields(pid)?.[19];
  return ticks === undefined || !/^\d+$/.test(ticks) ? null : Number(ticks);
}

/** Whether pid is alive and is still the process that had startTime (see readProcStartTime). */
export function isSameProcessAlive(pid: number, startTime: number | null): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  // one read of /proc/PID/stat for both (ps checks every running container's conmon)
  const fields = statFields(pid);
  if (fields === null) return false;
  const state = fields[0];
  if (state === 'Z' || state === 'X' || state === 'x') return false;
  return startTime === null || fields[19] === String(startTime);
}

/**
 * berth's one notion of "this process is still the one we knew": a pid with the start time read
 * when it was recorded. A reused pid (another process, another start time) is not live; a zombie
 * is not live. Records made before start times were kept (startTime absent or 0) fall back to
 * the pid alone.
 *
 * @example
 * isLive(rec.state.conmonPid, rec.state.conmonStartTime)
 */
export function isLive(pid: number, startTime?: number | null): boolean {
  return isSameProcessAlive(pid, startTime ? startTime : null);
}

/**
 * isLive for a long-lived caller asking about the same processes again and again (berth serve's
 * container list, a hundred conmons at each request). A process found live is remembered with
 * the inode number of its /proc/PID directory: while that directory is there with that inode (a
 * pid that another process took has another), and for at most `maxAgeMs`, it is the same live
 * process, known from one stat() instead of reading /proc/PID/stat. A zombie keeps its directory:
 * one seen live is taken for live until maxAgeMs have passed.
 */
export class LiveProcessMemo {
  private readonly seen = new Map<number, { startTime: number; ino: number; at: number }>();

  constructor(private readonly maxAgeMs = 1000) {}

  readonly isLive = (pid: number, startTime?: number | null): boolean => {
    if (!Number.isInteger(pid) || pid <= 0) return false;
    const st = fs.statSync(`/proc/${pid}`, { throwIfNoEntry: false });
    if (!st) {
      this.seen.delete(pid);
      return false;
    }
    const now = performance.now();
    const known = this.seen.get(pid);
    if (known && known.ino === st.ino && known.startTime === (startTime || 0) && now - known.at < this.maxAgeMs) return true;
    const live = isLive(pid, startTime);
    // pids asked about once and never again (removed containers') do not pile up
    if (this.seen.size > 4096) this.seen.clear();
    if (live) this.seen.set(pid, { startTime: startTime || 0, ino: st.ino, at: now });
    else this.seen.delete(pid);
    return live;
  };
}

/** The start time to record beside pid for isLive, 0 when it cannot be read (gone already). */
export function startTimeOf(pid: number): number {
  return readProcStartTime(pid) ?? 0;
}

/** Read a decimal pid from a pid file (conmon and runc write no newline); null when absent or bad. */
export function readPidFile(file: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
  if (!/^\d+$/.test(text)) return null;
  const pid = Number(text);
  return pid > 0 ? pid : null;
}
