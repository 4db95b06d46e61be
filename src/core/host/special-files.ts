import linux from 'berth-linux';
import { spawnSync } from 'node:child_process';
import { BerthError, errorMessage } from '../errors/index.js';

/**
 * Device nodes, FIFOs and extended attributes, which Node's fs lacks: made by berth's addon
 * (mknod(2), lsetxattr(2): a layer can hold hundreds of whiteouts, and running a program for
 * each forked the whole node process), and read back with attr's `getfattr` (Debian's attr).
 */

export type NodeKind = 'char' | 'block' | 'fifo';

const TYPE_BITS: Record<NodeKind, number> = { char: 0o020000, block: 0o060000, fifo: 0o010000 };

/**
 * Create a device node or fifo at path (never follows a symlink there: mknod fails on EEXIST).
 *
 * @example
 * mknod(path.join(layer, 'etc/motd'), 'char', 0, 0, 0); // an overlayfs whiteout
 */
export function mknod(path: string, kind: NodeKind, mode: number, major = 0, minor = 0): void {
  try {
    linux.mknod(path, TYPE_BITS[kind] | (mode & 0o7777), major, minor);
  } catch (e) {
    throw new BerthError('Internal', `creating device node "${path}": ${errorMessage(e)}`, { cause: e });
  }
}

/**
 * Set an extended attribute on path itself (a symlink is not followed).
 *
 * @example
 * setXattr(dir, 'trusted.overlay.opaque', 'y');
 */
export function setXattr(path: string, name: string, value: string | Buffer): void {
  try {
    linux.setXattr(path, name, value);
  } catch (e) {
    throw new BerthError('Internal', `setting xattr "${name}" on "${path}": ${errorMessage(e)}`, { cause: e });
  }
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
  const out = run('getfattr', ['-R', '-P', '-h', '--absolute-names', '-d', '-e', 'text', '-m', pattern, '--', root], `reading xattrs under "${root}"`);
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
    throw new BerthError('FailedPrecondition', `${what}: running "${cmd}": ${r.error.message}`, {
      cause: r.error,
      hint: 'install the Debian package "attr"',
    });
  }
  if (r.status !== 0) {
    throw new BerthError('Internal', `${what}: ${cmd} exited with ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  }
  return r.stdout;
}
