import { spawnSync } from 'node:child_process';
import { BerthError } from '../errors/index.js';

/**
 * Node has no mknod(2) or setxattr(2), so these run the coreutils `mknod` and attr's
 * `setfattr`/`getfattr` (Debian packages coreutils and attr). Spawning costs ~1 ms a call, which
 * is fine for the few device nodes, whiteouts and opaque dirs a layer holds.
 */

export type NodeKind = 'char' | 'block' | 'fifo';

/**
 * Create a device node or fifo at path (never follows a symlink there: mknod fails on EEXIST).
 *
 * @example
 * mknod(path.join(layer, 'etc/motd'), 'char', 0, 0, 0); // an overlayfs whiteout
 */
export function mknod(path: string, kind: NodeKind, mode: number, major = 0, minor = 0): void {
  const args = ['-m', (mode & 0o7777).toString(8), '--', path];
  if (kind === 'fifo') args.push('p');
  else args.push(kind === 'char' ? 'c' : 'b', String(major), String(minor));
  run('mknod', args, `creating device node "${path}"`);
}

/**
 * Set an extended attribute on path itself (-h: a symlink is not followed).
 *
 * @example
 * setXattr(dir, 'trusted.overlay.opaque', 'y');
 */
export function setXattr(path: string, name: string, value: string): void {
  run('setfattr', ['-h', '-n', name, '-v', value, '--', path], `setting xattr "${name}" on "${path}"`);
}

/**
 * Every path under root (root included) whose xattr `name` is set, with its text value, in one
 * recursive getfattr run that neither follows symlinks nor crosses into their targets.
 *
 * @example
 * findXattrs(upper, 'trusted.overlay.opaque') // Map { '/c/upper/etc' => 'y' }
 */
export function findXattrs(root: string, name: string): Map<string, string> {
  const pattern = `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  const out = run(
    'getfattr',
    ['-R', '-P', '-h', '--absolute-names', '-d', '-e', 'text', '-m', pattern, '--', root],
    `reading xattrs under "${root}"`,
  );
  const found = new Map<string, string>();
  let file: string | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith('# file: ')) file = unescapeOctal(line.slice('# file: '.length));
    else if (file !== undefined && line.startsWith(`${name}=`)) {
      const raw = line.slice(name.length + 1);
      found.set(file, raw.startsWith('"') && raw.endsWith('"') ? unescapeOctal(raw.slice(1, -1)) : raw);
    }
  }
  return found;
}

/** getfattr escapes newlines, backslashes and such in names as \ooo. */
function unescapeOctal(s: string): string {
  if (!s.includes('\\')) return s;
  const bytes: number[] = [];
  const src = Buffer.from(s, 'utf8');
  for (let i = 0; i < src.length; i++) {
    const m = /^\\([0-7]{3})/.exec(src.subarray(i, i + 4).toString('latin1'));
    if (m?.[1]) {
      bytes.push(parseInt(m[1], 8));
      i += 3;
    } else bytes.push(src[i] ?? 0);
  }
  return Buffer.from(bytes).toString('utf8');
}

function run(cmd: string, args: string[], what: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) {
    const pkg = cmd === 'mknod' ? 'coreutils' : 'attr';
    throw new BerthError('FailedPrecondition', `${what}: running "${cmd}": ${r.error.message}`, {
      cause: r.error,
      hint: `install the Debian package "${pkg}"`,
    });
  }
  if (r.status !== 0) {
    throw new BerthError('Internal', `${what}: ${cmd} exited with ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  }
  return r.stdout;
}
