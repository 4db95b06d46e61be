import fs from 'node:fs';
import { BerthError, isErrno } from '../errors/index.js';
import { resolveInRoot } from '../host/resolve-in-root.js';

/**
 * The host path of `p` inside rootfs, resolving symlinks one component at a time as if rootfs
 * were "/" (a chroot would): an absolute link restarts at rootfs, ".." stops at rootfs. The image
 * is hostile, so a link like etc/passwd -> /etc/shadow must never lead to the host's file.
 * Safe against races only as long as nothing runs in the rootfs yet, which is when we read it.
 */
export function resolveInRootfs(rootfs: string, p: string): string {
  return resolveInRoot(fs.realpathSync(rootfs), p);
}

/**
 * Read a small text file of the image (/etc/passwd, /etc/group) safely: resolved within rootfs,
 * opened without following a last symlink or blocking on a FIFO, and only if it is a regular file
 * of at most maxBytes. undefined when the file is absent.
 */
export function readRootfsFile(rootfs: string, p: string, maxBytes = 4 * 1024 * 1024): string | undefined {
  const hostPath = resolveInRootfs(rootfs, p);
  let fd: number;
  try {
    fd = fs.openSync(hostPath, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (e) {
    if (isErrno(e, 'ENOENT') || isErrno(e, 'ENOTDIR')) return undefined;
    throw new BerthError('InvalidArgument', `reading "${p}" in the image: ${(e as Error).message}`, { cause: e });
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new BerthError('InvalidArgument', `reading "${p}" in the image: not a regular file`);
    if (st.size > maxBytes) throw new BerthError('InvalidArgument', `reading "${p}" in the image: larger than ${maxBytes} bytes`);
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = fs.readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
