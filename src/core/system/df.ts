import type { ContainerStatus } from '../containers/container-record.js';
import type { EngineContext } from '../engine-context.js';
import { buildCacheRecords, buildCacheUsage, type BuildCacheRecord } from '../build/cache-prune.js';
import { familiarName, parseReference } from '../reference/reference.js';
import { containerPaths } from '../containers/container-paths.js';
import { volumeUser } from '../containers/volumes.js';
import { dirSize } from '../volumes/volume-store.js';
import { leftoverBytes } from './leftovers.js';

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
  // docker's Images size is its LayersSize: each layer once however many images stand on it; what
  // is reclaimable is that less the own (unshared) bytes of the images containers use
  const layerSize = new Map(ctx.layers.list().map((l) => [l.chainId, l.size]));
  const users = new Map<string, number>();
  for (const img of images) for (const c of new Set(img.chainIds)) users.set(c, (users.get(c) ?? 0) + 1);
  let imgTotal = 0;
  for (const c of users.keys()) imgTotal += layerSize.get(c) ?? 0;
  let usedBytes = 0;
  for (const img of images) {
    if (!used.has(img.id)) continue;
    const shared = [...new Set(img.chainIds)].filter((c) => (users.get(c) ?? 0) > 1).reduce((n, c) => n + (layerSize.get(c) ?? 0), 0);
    usedBytes += img.size - shared;
  }
  const imgReclaim = Math.max(0, imgTotal - usedBytes);
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
  const cache = buildCacheUsage(ctx);
  // what killed pulls, execs and builds left: reclaimed by the prune of the same row
  const left = leftoverBytes(ctx.paths);
  return [
    {
      type: 'Images',
      total: images.length,
      active: [...imageSize.keys()].filter((id) => used.has(id)).length,
      size: imgTotal + left.pull,
      reclaimable: imgReclaim + left.pull,
    },
    { type: 'Containers', total: containers.length, active: cActive, size: cSize + left.exec, reclaimable: cReclaim + left.exec },
    { type: 'Local Volumes', total: vols.length, active: vActive, size: vSize, reclaimable: vReclaim },
    { type: 'Build Cache', total: cache.entries, active: 0, size: cache.size + left.build, reclaimable: cache.size + left.build },
  ];
}

/** `system df -v`: each image, container and volume with what it takes. */
export interface VerboseUsage {
  images: Array<{ repository: string; tag: string; id: string; created: string; size: number; sharedSize: number; uniqueSize: number; containers: number }>;
  containers: Array<{
    id: string;
    image: string;
    command: string;
    localVolumes: number;
    size: number;
    created: string;
    status: string;
    state: ContainerStatus;
    startedAt: string;
    finishedAt: string;
    exitCode: number;
    name: string;
  }>;
  volumes: Array<{ name: string; links: number; size: number }>;
  /** the same records `system df`'s Build Cache row sums */
  buildCache: BuildCacheRecord[];
}

export function verboseDiskUsage(ctx: EngineContext): VerboseUsage {
  const containers = ctx.containers.list();
  const images = ctx.images.list();
  // a layer several images stand on is their shared size; the rest of an image is its own
  const users = new Map<string, number>();
  for (const img of images) for (const c of new Set(img.chainIds)) users.set(c, (users.get(c) ?? 0) + 1);
  const layerSize = new Map(ctx.layers.list().map((l) => [l.chainId, l.size]));
  const out: VerboseUsage = { images: [], containers: [], volumes: [], buildCache: buildCacheRecords(ctx) };
  for (const img of images) {
    const shared = [...new Set(img.chainIds)].filter((c) => (users.get(c) ?? 0) > 1).reduce((n, c) => n + (layerSize.get(c) ?? 0), 0);
    const count = containers.filter((c) => c.imageId === img.id).length;
    // docker's -v: one row per image, under its first tag
    const names = img.tags.length ? [img.tags[0] as string] : [''];
    for (const name of names) {
      const ref = name === '' ? undefined : parseReference(name);
      out.images.push({
        repository: ref ? familiarName(ref) : '<none>',
        tag: ref?.tag ?? '<none>',
        id: img.id,
        created: img.created,
        size: img.size,
        sharedSize: shared,
        uniqueSize: img.size - shared,
        containers: count,
      });
    }
  }
  for (const c of containers) {
    out.containers.push({
      id: c.id,
      image: c.spec.image,
      command: [c.path, ...c.args].join(' '),
      localVolumes: c.spec.mounts.filter((m) => m.type === 'volume').length,
      size: dirSize(containerPaths(ctx.paths, c.id).upper),
      created: c.created,
      status: c.state.status,
      state: c.state.status,
      startedAt: c.state.startedAt,
      finishedAt: c.state.finishedAt,
      exitCode: c.state.exitCode,
      name: c.name,
    });
  }
  for (const v of ctx.volumes.list()) {
    const links = containers.filter((c) => c.spec.mounts.some((m) => m.type === 'volume' && m.source === v.name)).length;
    out.volumes.push({ name: v.name, links, size: ctx.volumes.size(v.name) });
  }
  return out;
}
