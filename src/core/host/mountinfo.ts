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

/** A path as mountinfo writes it: space, tab, newline and backslash as \ooo octal. */
function escapeMountPath(p: string): string {
  return p.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/**
 * Whether an absolute path is a mount target in mountinfo text, without decoding every line
 * (mountPoints): a container's start and removal ask about one path each, and on a host with a
 * few hundred mounts decoding them all cost ~1 ms a question.
 *
 * @example hasMountTarget(fs.readFileSync('/proc/self/mountinfo', 'utf8'), '/proc') // true
 */
export function hasMountTarget(text: string, target: string): boolean {
  const needle = ` ${escapeMountPath(target)} `;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
    // the fifth field: id, parent, major:minor and root before it (none of them holds a space)
    let spaces = 0;
    for (let j = text.lastIndexOf('\n', i) + 1; j < i; j++) if (text.charCodeAt(j) === 32) spaces++;
    if (spaces === 3) return true;
  }
  return false;
}
