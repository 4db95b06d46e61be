import type { EngineContext } from '../engine-context.js';
import { listChanges } from '../snapshots/list-changes.js';
import { containerPaths } from './container-paths.js';

/** docker diff: what the container changed, read from its overlay upper dir against the image layers. */
export function containerDiff(ctx: EngineContext, ref: string): Array<{ kind: 'A' | 'C' | 'D'; path: string }> {
  const rec = ctx.containers.lookup(ref);
  const lowers = [...rec.image.chainIds].reverse().map((c) => ctx.layers.diffDir(c));
  return listChanges(containerPaths(ctx.paths, rec.id).upper, lowers);
}
