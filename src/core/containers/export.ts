import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EngineContext } from '../engine-context.js';
import { packDiff } from '../snapshots/pack-diff.js';
import { containerOwners } from '../rootless/keep-id.js';
import { withOverlay } from './cp.js';

/**
 * docker export: the container's filesystem as one tar (its image's files with its changes, not
 * its volumes), running or not.
 */
export async function exportContainer(ctx: EngineContext, ref: string, out: Writable): Promise<void> {
  const owners = containerOwners(ctx.containers.lookup(ref));
  await withOverlay(ctx, ref, (rootfs) => pipeline(packDiff(rootfs, { owners }), out, { end: false }));
}
