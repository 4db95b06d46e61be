import fs from 'node:fs';
import path from 'node:path';
import type { EngineContext } from '../engine-context.js';
import { dirSize } from '../volumes/volume-store.js';
import { reclaimLeftovers } from '../system/leftovers.js';

/** Where RUN --mount=type=cache keeps its directories (run-mounts in stage-runner.ts). */
export function cacheMountsDir(ctx: EngineContext): string {
  return path.join(ctx.paths.root, 'build-cache-mounts');
}

interface CacheRow {
  layer: string | null;
}

/** One entry of the build cache as `system df -v` lists it (docker's build cache record). */
export interface BuildCacheRecord {
  /** the step's key, or the cache mount's id */
  id: string;
  /** docker's names: a cached step is 'regular', a RUN --mount=type=cache directory 'exec.cachemount' */
  type: 'regular' | 'exec.cachemount';
  /** bytes only the cache holds: a layer an image holds, or one an earlier entry counted, is 0 */
  size: number;
  created: string;
  lastUsed: string;
  /** its layer is also an image's */
  shared: boolean;
}

interface RecordRow {
  key: string;
  layer: string | null;
  created: string;
  last_used: string;
}

/** The build cache's entries: cached steps (their layers' bytes no image holds) and cache mounts. */
export function buildCacheRecords(ctx: EngineContext): BuildCacheRecord[] {
  const rows = tableExists(ctx) ? (ctx.db.prepare('SELECT key, layer, created, last_used FROM build_cache ORDER BY created, key').all() as RecordRow[]) : [];
  const held = ctx.images.referencedChainIds();
  const byDiff = new Map<string, number>();
  const heldDiffs = new Set<string>();
  for (const l of ctx.layers.list()) {
    if (held.has(l.chainId)) heldDiffs.add(l.diffId);
    else byDiff.set(l.diffId, (byDiff.get(l.diffId) ?? 0) + l.size);
  }
  const out: BuildCacheRecord[] = [];
  const counted = new Set<string>();
  for (const r of rows) {
    const diffId = r.layer === null ? undefined : (JSON.parse(r.layer) as { diffId: string }).diffId;
    const size = diffId === undefined || counted.has(diffId) ? 0 : (byDiff.get(diffId) ?? 0);
    if (diffId !== undefined) counted.add(diffId);
    out.push({ id: r.key, type: 'regular', size, created: r.created, lastUsed: r.last_used, shared: diffId !== undefined && heldDiffs.has(diffId) });
  }
  const mounts = fs.existsSync(cacheMountsDir(ctx)) ? fs.readdirSync(cacheMountsDir(ctx)).sort() : [];
  for (const m of mounts) {
    const dir = path.join(cacheMountsDir(ctx), m);
    const st = fs.statSync(dir);
    out.push({
      id: m,
      type: 'exec.cachemount',
      size: dirSize(dir),
      created: (st.birthtimeMs > 0 ? st.birthtime : st.ctime).toISOString(),
      lastUsed: st.mtime.toISOString(),
      shared: false,
    });
  }
  return out;
}

/** `system df`'s Build Cache row: the sum of buildCacheRecords, so `df` and `df -v` agree. */
export function buildCacheUsage(ctx: EngineContext): { entries: number; size: number } {
  const records = buildCacheRecords(ctx);
  return { entries: records.length, size: records.reduce((n, r) => n + r.size, 0) };
}

/** builder prune's --filter until= (not used since) and --keep-storage (bytes to keep, least recently used go first). */
export interface BuildCachePruneOptions {
  until?: Date;
  keepStorage?: number;
}

interface PruneRow {
  key: string;
  layer: string | null;
  last_used: string;
}

/**
 * `builder prune`: forget cached steps (all of them, or those unused since --filter until=, or
 * the least recently used beyond --keep-storage) and empty RUN cache mounts the same way, then
 * collect the layers and blobs that only the forgotten steps held (none an image or a
 * container uses).
 */
export function pruneBuildCache(ctx: EngineContext, opts: BuildCachePruneOptions = {}): { entries: number; reclaimed: number } {
  const before = buildCacheUsage(ctx);
  const rows = tableExists(ctx) ? (ctx.db.prepare('SELECT key, layer, last_used FROM build_cache ORDER BY last_used').all() as PruneRow[]) : [];
  const mountsDir = cacheMountsDir(ctx);
  const mounts = (fs.existsSync(mountsDir) ? fs.readdirSync(mountsDir) : []).map((m) => {
    const dir = path.join(mountsDir, m);
    return { dir, lastUsed: fs.statSync(dir).mtime.toISOString(), size: dirSize(dir) };
  });
  const held = ctx.images.referencedChainIds();
  const sizeOf = new Map<string, number>();
  for (const l of ctx.layers.list()) if (!held.has(l.chainId)) sizeOf.set(l.diffId, (sizeOf.get(l.diffId) ?? 0) + l.size);
  // one list, oldest first: steps (their layers' bytes) and cache mounts
  const items = [
    ...rows.map((r) => ({ lastUsed: r.last_used, size: r.layer ? (sizeOf.get((JSON.parse(r.layer) as { diffId: string }).diffId) ?? 0) : 0, row: r })),
    ...mounts.map((m) => ({ lastUsed: m.lastUsed, size: m.size, mount: m.dir })),
  ].sort((a, b) => a.lastUsed.localeCompare(b.lastUsed));
  let total = items.reduce((n, i) => n + i.size, 0);
  const chosen = items.filter((i) => {
    if (opts.until !== undefined && !(Date.parse(i.lastUsed) < opts.until.getTime())) return false;
    if (opts.keepStorage !== undefined) {
      if (total <= opts.keepStorage) return false;
      total -= i.size;
    }
    return true;
  });
  const cached: Array<{ diffId: string; digest: string }> = [];
  const del = tableExists(ctx) ? ctx.db.prepare('DELETE FROM build_cache WHERE key = ?') : undefined;
  let entries = 0;
  for (const i of chosen) {
    entries++;
    if ('row' in i && i.row) {
      del?.run(i.row.key);
      if (i.row.layer) cached.push(JSON.parse(i.row.layer) as { diffId: string; digest: string });
    } else if ('mount' in i && i.mount) fs.rmSync(i.mount, { recursive: true, force: true });
  }
  // only what the forgotten steps named, of that only what no image, container or kept step
  // holds: a pull or load running meanwhile keeps its new layers
  const kept = new Set(
    (tableExists(ctx) ? (ctx.db.prepare('SELECT layer FROM build_cache').all() as CacheRow[]) : []).flatMap((r) =>
      r.layer ? [(JSON.parse(r.layer) as { diffId: string }).diffId] : [],
    ),
  );
  const diffIds = new Set(cached.map((c) => c.diffId).filter((d) => !kept.has(d)));
  const live = ctx.containers.liveChainIds();
  ctx.images.collectLayers(
    ctx.layers
      .list()
      .filter((l) => diffIds.has(l.diffId) && !live.has(l.chainId))
      .map((l) => l.chainId),
  );
  ctx.images.collectBlobs(cached.filter((c) => diffIds.has(c.diffId)).map((c) => c.digest));
  // and what killed builds left: overlay views (still mounted), ADD downloads, RUN mount copies
  const leftovers = reclaimLeftovers(ctx.paths, ['build']).reclaimed;
  return { entries, reclaimed: Math.max(0, before.size - buildCacheUsage(ctx).size) + leftovers };
}

function tableExists(ctx: EngineContext): boolean {
  return ctx.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'build_cache'").get() !== undefined;
}
