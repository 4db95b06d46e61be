import type fs from 'node:fs';

/**
 * The two spellings of "deleted in this layer". OCI tars say `.wh.<name>` and, for "hide all
 * of this directory's lower content", `.wh..wh..opq`; overlayfs says a 0:0 character device and
 * the xattr trusted.overlay.opaque=y. Unpack converts the first to the second, packDiff back.
 */
export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
export const OPAQUE_XATTR = 'trusted.overlay.opaque';

/** overlayfs marks a deleted lower entry with a 0:0 character device in the upper dir. */
export function isWhiteoutDevice(st: fs.BigIntStats): boolean {
  return st.isCharacterDevice() && st.rdev === 0n;
}
