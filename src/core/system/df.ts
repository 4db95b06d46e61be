import type { EngineContext } from '../engine-context.js';
import { containerPaths } from '../containers/container-paths.js';
import { volumeUser } from '../containers/volumes.js';
import { dirSize } from '../volumes/volume-store.js';

export interface UsageRow {
  type: 'Images' | 'Containers' | 'Local Volumes' | 'Build Cache';
  total: number;
  active: number;
  size: number;
  reclaimable: number;
}

/** docker system df: counts and bytes per kind, and what prune would free. */
export function diskUsage(ctx: EngineContext): UsageRow[] {
  const containers = ctx.containers.list();
  const used = new Set(containers.map((c) => c.imageId));
  const images = ctx.images.list();
  const imageSize = new Map<string, number>();
  for (const img of images) imageSize.set(img.id, img.size);
  let imgTotal = 0;
  let imgReclaim = 0;
  for (const [id, size] of imageSize) {
    imgTotal += size;
    if (!used.has(id)) imgReclaim += size;
  }
  let cSize = 0;
  let cReclaim = 0;
  let cActive = 0;
  for (const c of containers) {
    const s = dirSize(containerPaths(ctx.paths, c.id).upper);
    cSize += s;
    if (c.state.status === 'running' || c.state.status === 'paused') cActive++;
    else cReclaim += s;
  }
  let vSize = 0;
  let vReclaim = 0;
  let vActive = 0;
  const vols = ctx.volumes.list();
  for (const v of vols) {
    const s = ctx.volumes.size(v.name);
    vSize += s;
    if (volumeUser(ctx, v.name)) vActive++;
    else vReclaim += s;
  }
  return [
    { type: 'Images', total: images.length, active: [...imageSize.keys()].filter((id) => used.has(id)).length, size: imgTotal, reclaimable: imgReclaim },
    { type: 'Containers', total: containers.length, active: cActive, size: cSize, reclaimable: cReclaim },
    { type: 'Local Volumes', total: vols.length, active: vActive, size: vSize, reclaimable: vReclaim },
    { type: 'Build Cache', total: 0, active: 0, size: 0, reclaimable: 0 },
  ];
}
