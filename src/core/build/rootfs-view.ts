import fs from 'node:fs';
import path from 'node:path';
import type { EngineContext } from '../engine-context.js';
import { isMountPoint, mountOverlay, unmount } from '../host/mount.js';
import { holdTeardown } from '../host/teardown.js';
import { makeOwnedTempDir } from '../host/owned-temp.js';

/**
 * Run fn with the merged root filesystem of a layer chain mounted at a temporary directory
 * (an overlay with a throw-away upper dir: overlayfs refuses a single lower dir alone). COPY
 * reads it to resolve the destination through the image's symlinks and users, and COPY --from
 * reads its sources from it. An empty chain (scratch) is an empty directory.
 */
export async function withRootfsView<T>(ctx: EngineContext, chainIds: readonly string[], fn: (root: string) => Promise<T>): Promise<T> {
  // named by its owner: a build killed with its view mounted leaves what prune reclaims
  const base = makeOwnedTempDir(ctx.paths.tmp, 'build-view-');
  const merged = path.join(base, 'merged');
  const upper = path.join(base, 'upper');
  const work = path.join(base, 'work');
  const undo = () => {
    if (isMountPoint(merged)) unmount(merged);
    fs.rmSync(base, { recursive: true, force: true });
  };
  // an interrupted build unmounts it too
  const release = holdTeardown(undo);
  try {
    for (const d of [merged, upper, work]) fs.mkdirSync(d);
    if (chainIds.length > 0) mountOverlay(ctx.layers.overlayMount([...chainIds], upper, work), merged);
    return await fn(merged);
  } finally {
    undo();
    release();
  }
}
