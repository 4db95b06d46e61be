import fs from 'node:fs';

/** One line of /proc/PID/mountinfo, its paths unescaped. */
export interface MountEntry {
  id: number;
  parent: number;
  /** major:minor of the filesystem */
  dev: string;
  /** path inside the filesystem that is mounted (a bind mount's source within its fs) */
  root: string;
  target: string;
  options: string[];
  fsType: string;
  source: string;
  superOptions: string[];
}

/** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * Decode /proc/PID/mountinfo (proc(5)): `id parent major:minor root target options [optional
 * fields…] - fstype source super-options`. Paths are as the process sees them. berth's one
 * reader of mountinfo: every caller gets `\040` (space) and the other escapes decoded.
 *
 * @example parseMountinfo(text).find((m) => m.target === '/')?.fsType // 'overlay'
 */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const f = line.split(' ');
    const sep = f.indexOf('-', 6);
    if (sep < 0 || f.length < sep + 3) continue;
    out.push({
      id: Number(f[0]),
      parent: Number(f[1]),
      dev: f[2] ?? '',
      root: unescape(f[3] ?? ''),
      target: unescape(f[4] ?? ''),
      options: (f[5] ?? '').split(','),
      fsType: f[sep + 1] ?? '',
      source: unescape(f[sep + 2] ?? ''),
      superOptions: splitSuperOptions(unescape(f.slice(sep + 3).join(' '))),
    });
  }
  return out;
}

/** Split super options on commas, except inside overlay's lowerdir, whose `\,` escapes a comma. */
function splitSuperOptions(s: string): string[] {
  return s === '' ? [] : s.split(/(?<!\\),/);
}

/** The value of `key=` among options, e.g. superOption(m, 'lowerdir'). */
export function optionValue(options: readonly string[], key: string): string | undefined {
  const o = options.find((x) => x.startsWith(`${key}=`));
  return o?.slice(key.length + 1);
}

/** A path as mountinfo writes it: space, tab, newline and backslash as \\ooo octal. */
function escapePath(p: string): string {
  return p.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/**
 * Whether mountinfo text has a mount on target (its 5th field): found by searching for the path,
 * parsing only the lines it is on, not every line (a host running many containers has hundreds).
 */
export function hasMountTarget(text: string, target: string): boolean {
  const needle = ` ${escapePath(target)} `;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    const start = text.lastIndexOf('\n', at) + 1;
    const end = text.indexOf('\n', at);
    const fields = text.slice(start, end < 0 ? undefined : end).split(' ');
    if (fields[4] === escapePath(target)) return true;
  }
  return false;
}

/** The mount points of a process's mount namespace (this one's by default), unescaped; none if unreadable. */
export function mountPoints(pid: number | 'self' = 'self'): Set<string> {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8');
  } catch {
    return new Set();
  }
  return new Set(parseMountinfo(text).map((m) => m.target));
}
