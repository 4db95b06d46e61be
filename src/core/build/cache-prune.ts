import fs from 'node:fs';
import path from 'node:path';
import type { EngineContext } from '../engine-context.js';
import { dirSize } from '../volumes/volume-store.js';

/** Where RUN --mount=type=cache keeps its directories (run-mounts in stage-runner.ts). */
export function cacheMountsDir(ctx: EngineContext): string {
  return path.join(ctx.paths.root, 'build-cache-mounts');
}

interface CacheRow {
  layer: string | null;
}

/** `system df`'s Build Cache row: cached steps, and the bytes of layers no image holds plus cache mounts. */
export function buildCacheUsage(ctx: EngineContext): { entries: number; size: number } {
  const rows = tableExists(ctx) ? (ctx.db.prepare('SELECT layer FROM build_cache').all() as CacheRow[]) : [];
  const held = ctx.images.referencedChainIds();
  const byDiff = new Map<string, number>();
  for (const l of ctx.layers.list()) if (!held.has(l.chainId)) byDiff.set(l.diffId, (byDiff.get(l.diffId) ?? 0) + l.size);
  let size = 0;
  const counted = new Set<string>();
  for (const r of rows) {
    if (r.layer === null) continue;
    const diffId = (JSON.parse(r.layer) as { diffId: string }).diffId;
    if (counted.has(diffId)) continue;
    counted.add(diffId);
    size += byDiff.get(diffId) ?? 0;
  }
  const mounts = fs.existsSync(cacheMountsDir(ctx)) ? fs.readdirSync(cacheMountsDir(ctx)) : [];
  for (const m of mounts) size += dirSize(path.join(cacheMountsDir(ctx), m));
  return { entries: rows.length + mounts.length, size };
}

/**
 * `builder prune`: forget every cached step and empty the RUN cache mounts, then collect the
 * layers and blobs that only the cache held (none an image or a container uses).
 */
export function pruneBuildCache(ctx: EngineContext): { entries: number; reclaimed: number } {
  const before = buildCacheUsage(ctx);
  const rows = tableExists(ctx) ? (ctx.db.prepare('SELECT layer FROM build_cache').all() as CacheRow[]) : [];
  const cached = rows.flatMap((r) => (r.layer === null ? [] : [JSON.parse(r.layer) as { diffId: string; digest: string }]));
  if (tableExists(ctx)) ctx.db.prepare('DELETE FROM build_cache').run();
  if (fs.existsSync(cacheMountsDir(ctx))) {
    for (const m of fs.readdirSync(cacheMountsDir(ctx))) fs.rmSync(path.join(cacheMountsDir(ctx), m), { recursive: true, force: true });
  }
  // only what the cache named, and of that only what no image or container holds: a pull or
  // load running meanwhile keeps its new layers
  const diffIds = new Set(cached.map((c) => c.diffId));
  const live = ctx.containers.liveChainIds();
  ctx.images.collectLayers(ctx.layers.list().filter((l) => diffIds.has(l.diffId) && !live.has(l.chainId)).map((l) => l.chainId));
  ctx.images.collectBlobs(cached.map((c) => c.digest));
  return { entries: before.entries, reclaimed: before.size };
}

function tableExists(ctx: EngineContext): boolean {
  return ctx.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'build_cache'").get() !== undefined;
}
