import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/index.js';
import type { OverlayMount } from '../snapshots/overlay-mount.js';

/** mount(2) copies options into one page; longer strings fail with a confusing EINVAL. */
const MAX_OPTIONS = 4095;

/**
 * Mount an overlay described by m on target, running `mount` in m.cwd so that relative lowerdir
 * names resolve against the layer link directory.
 *
 * @example
 * mountOverlay(layers.overlayMount(chain, upper, work), merged);
 */
export function mountOverlay(m: OverlayMount, target: string): void {
  const opts = m.options.join(',');
  if (m.options.some((o) => o.includes(','))) {
    throw new BerthError('InvalidArgument', `overlay option contains a comma: "${opts}"`);
  }
  if (Buffer.byteLength(opts) > MAX_OPTIONS) {
    throw new BerthError('InvalidArgument', `overlay options are ${Buffer.byteLength(opts)} bytes, over the ${MAX_OPTIONS}-byte limit`);
  }
  const r = spawnSync('mount', ['-t', m.type, m.source, '-o', opts, '--', target], { cwd: m.cwd, encoding: 'utf8' });
  if (r.error) {
    throw new BerthError('FailedPrecondition', `mounting overlay on "${target}": ${r.error.message}`, { cause: r.error });
  }
  if (r.status !== 0) {
    throw new BerthError('Internal', `mounting overlay on "${target}": ${r.stderr.trim() || `mount exited with ${r.status}`}`);
  }
}

/**
 * Unmount target. Not being mounted is fine (tear-down must be repeatable); a busy mount is
 * detached lazily so that tear-down never leaves it behind.
 *
 * @example
 * unmount('/var/lib/berth/containers/<id>/merged');
 */
export function unmount(target: string): void {
  if (!isMountPoint(target)) return;
  const r = spawnSync('umount', ['--', target], { encoding: 'utf8' });
  if (r.error) throw new BerthError('FailedPrecondition', `unmounting "${target}": ${r.error.message}`, { cause: r.error });
  if (r.status === 0 || /not mounted/.test(r.stderr)) return;
  if (/busy/i.test(r.stderr)) {
    const lazy = spawnSync('umount', ['-l', '--', target], { encoding: 'utf8' });
    if (lazy.status === 0) return;
    throw new BerthError('Internal', `unmounting "${target}" lazily: ${lazy.stderr.trim()}`);
  }
  throw new BerthError('Internal', `unmounting "${target}": ${r.stderr.trim()}`);
}

/**
 * True when target is a mount point in this process's mount namespace.
 *
 * @example
 * isMountPoint('/') // true
 */
export function isMountPoint(target: string): boolean {
  let p = path.resolve(target);
  try {
    p = fs.realpathSync(p);
  } catch {
    return false;
  }
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    // fields: id parent major:minor root mountpoint ...; spaces in paths are escaped as \040
    const mp = line.split(' ')[4];
    if (mp !== undefined && unescapeMountinfo(mp) === p) return true;
  }
  return false;
}

function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}
