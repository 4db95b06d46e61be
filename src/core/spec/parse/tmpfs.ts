import type { MountSpec } from '../container-spec.js';
import { parseBytes } from './bytes.js';
import { invalidArgument } from './invalid.js';
import { containerTarget } from './mount-path.js';

// mount(8) flags that make sense on a tmpfs; anything else is a typo worth reporting now rather
// than as an obscure runc error at start.
const FLAGS = new Set([
  'rw',
  'ro',
  'exec',
  'noexec',
  'suid',
  'nosuid',
  'dev',
  'nodev',
  'sync',
  'async',
  'dirsync',
  'atime',
  'noatime',
  'diratime',
  'nodiratime',
  'relatime',
  'norelatime',
  'strictatime',
  'nostrictatime',
  'mand',
  'nomand',
  'tmpcopyup',
  'notmpcopyup',
]);

function checkOption(opt: string, value: string): void {
  const eq = opt.indexOf('=');
  if (eq < 0) {
    if (!FLAGS.has(opt)) throw invalidArgument(`invalid tmpfs option "${opt}" in "${value}"`);
    return;
  }
  const key = opt.slice(0, eq);
  const v = opt.slice(eq + 1);
  const ok =
    key === 'size'
      ? /^\d+%$/.test(v) || safeSize(v)
      : key === 'mode'
        ? /^[0-7]{1,4}$/.test(v)
        : key === 'uid' || key === 'gid'
          ? /^\d+$/.test(v)
          : key === 'nr_inodes' || key === 'nr_blocks'
            ? /^\d+[kmg]?$/i.test(v)
            : key === 'mpol' || key === 'huge'
              ? v !== ''
              : false;
  if (!ok) throw invalidArgument(`invalid tmpfs option "${opt}" in "${value}"`);
}

function safeSize(v: string): boolean {
  try {
    parseBytes(v);
    return true;
  } catch {
    return false;
  }
}

/**
 * --tmpfs `target[:options]`, options as mount(8) takes them (`rw,size=64m,mode=1777`). They are
 * checked here and kept verbatim (the kernel reads size suffixes itself), minus ro/rw.
 *
 * @example parseTmpfs('/run:rw,size=64m') // { type: 'tmpfs', source: '', target: '/run', readOnly: false, options: ['size=64m'] }
 */
export function parseTmpfs(value: string): MountSpec {
  const colon = value.indexOf(':');
  const target = colon < 0 ? value : value.slice(0, colon);
  const opts = colon < 0 || colon === value.length - 1 ? [] : value.slice(colon + 1).split(',');
  let readOnly = false;
  const options: string[] = [];
  for (const opt of opts) {
    checkOption(opt, value);
    if (opt === 'ro' || opt === 'rw') readOnly = opt === 'ro';
    else options.push(opt);
  }
  return { type: 'tmpfs', source: '', target: containerTarget(target, value), readOnly, options };
}
