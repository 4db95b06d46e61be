import fs from 'node:fs';
import linux from 'berth-linux';
import path from 'node:path';
import { BerthError } from '../errors/index.js';
import { hasMountTarget } from './mountinfo.js';
import type { OverlayMount } from '../snapshots/overlay-mount.js';

/** mount(2) copies options into one page; longer strings fail with a confusing EINVAL. */
const MAX_OPTIONS = 4095;
const MNT_DETACH = 2;

/** mount(2)'s flags that `-o` words name (the rest of the words are the filesystem's data). */
const MOUNT_FLAGS: Record<string, number> = {
  ro: 1,
  nosuid: 2,
  nodev: 4,
  noexec: 8,
  sync: 16,
  dirsync: 128,
  noatime: 1024,
  nodiratime: 2048,
  relatime: 1 << 21,
  strictatime: 1 << 24,
};

/**
 * Mount a filesystem as mount(8) would from `-t type -o options device target`: the options that
 * are mount flags become flags, the others the filesystem's data (tmpfs size=, nfs addr=…).
 */
export function mountFilesystem(device: string, target: string, type: string, options: readonly string[]): void {
  let flags = 0;
  const data: string[] = [];
  for (const o of options) {
    if (o === 'rw' || o === 'defaults' || o === '') continue;
    if (MOUNT_FLAGS[o] !== undefined) flags |= MOUNT_FLAGS[o] as number;
    else data.push(o);
  }
  try {
    linux.mount(device, target, type, flags, data.join(','), '');
  } catch (e) {
    throw new BerthError('InvalidArgument', `mounting ${type} "${device}" on "${target}": ${errnoText(e)}`, { cause: e });
  }
}

/**
 * Mount an overlay described by m on target, with m.cwd as the working directory so that
 * relative lowerdir names resolve against the layer link directory. mount(2) straight from the
 * addon: running mount(8) cost ~3 ms of every container start.
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
  try {
    linux.mount(m.source, target, m.type, 0, opts, m.cwd);
  } catch (e) {
    throw new BerthError('Internal', `mounting overlay on "${target}": ${errnoText(e)}`, { cause: e });
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
  try {
    linux.umount(target, 0);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EINVAL' || code === 'ENOENT') return;
    if (code !== 'EBUSY') throw new BerthError('Internal', `unmounting "${target}": ${errnoText(e)}`, { cause: e });
    try {
      linux.umount(target, MNT_DETACH);
    } catch (e2) {
      throw new BerthError('Internal', `unmounting "${target}" lazily: ${errnoText(e2)}`, { cause: e2 });
    }
  }
}

/** The reason part of the addon's "what path: reason" message. */
function errnoText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.slice(msg.lastIndexOf(': ') + 2) || msg;
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
  let text: string;
  try {
    text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return false;
  }
  return hasMountTarget(text, p);
}
