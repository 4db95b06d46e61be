import { rootlessMode } from '../rootless/mode.js';
import type fs from 'node:fs';

/**
 * The two spellings of "deleted in this layer". OCI tars say `.wh.<name>` and, for "hide all
 * of this directory's lower content", `.wh..wh..opq`; overlayfs says a 0:0 character device and
 * the xattr trusted.overlay.opaque=y. Unpack converts the first to the second, packDiff back.
 */
export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
export const OPAQUE_XATTR = 'trusted.overlay.opaque';
/** The opaque marker of an overlay mounted in a user namespace (`userxattr`): trusted.* is root's. */
export const USER_OPAQUE_XATTR = 'user.overlay.opaque';

/** The opaque xattr this process's overlays use: the user.* one for rootless berth. */
export function opaqueXattr(): string {
  return rootlessMode() ? USER_OPAQUE_XATTR : OPAQUE_XATTR;
}

/** overlayfs marks a deleted lower entry with a 0:0 character device in the upper dir. */
export function isWhiteoutDevice(st: fs.BigIntStats): boolean {
  return st.isCharacterDevice() && st.rdev === 0n;
}
