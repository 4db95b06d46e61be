import { prunable, type PruneFilters } from '../prune/prune-filters.js';
import { BerthError } from '../errors/index.js';
import { immediate } from '../metadata/database.js';
import { familiarString, normalize, parseReference, repositoryName } from '../reference/reference.js';
import type { ImageRecord, ImageUsage, ImageUser, RemoveResult } from './image-record.js';
import { shortId } from './image-errors.js';
import { reclaimLeftovers } from '../system/leftovers.js';
import type { ImageStore } from './image-store.js';

export interface RemoveOptions {
  /** `docker rmi -f` */
  force?: boolean;
  /** the containers created from an image; none when omitted */
  usedBy?: (imageId: string) => ImageUser[];
}

export interface PruneOptions {
  /** also images that have tags (`docker image prune -a`) */
  all?: boolean;
  usedBy?: (imageId: string) => ImageUser[];
  /**
   * chain ids of layers containers overlay; when given, unreferenced layers not in it are
   * collected too (left by forced removals and crashes)
   */
  liveChainIds?: Iterable<string>;
  /** garbage younger than this may belong to a pull or load in progress; default one hour */
  minAgeMs?: number;
  /** --filter until= / label= (on the image config's labels) */
  filters?: PruneFilters;
  /** the image config's labels, for the label filters */
  labelsOf?: (imageId: string) => Record<string, string>;
}

export interface PruneResult extends RemoveResult {
  spaceReclaimed: number;
}

const noUsers = (): ImageUser[] => [];

/** docker's isImageIDPrefix: the user typed (a prefix of) the id rather than a name. */
function isIdPrefix(id: string, s: string): boolean {
  return id.startsWith(s) || id.slice('sha256:'.length).startsWith(s);
}

function repoOf(name: string): string {
  return repositoryName(parseReference(name));
}

const isDigested = (name: string): boolean => name.includes('@');

/**
 * docker's isSingleReference: one tag, or one tag plus digests of the same repository, or
 * digests of a single repository.
 */
function isSingleReference(refs: readonly string[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  const digestRepos = new Set(refs.filter(isDigested).map(repoOf));
  const tags = refs.filter((r) => !isDigested(r));
  if (tags.length > 1) return false;
  const single = tags[0] ?? (refs[0] as string);
  return digestRepos.size === 1 && digestRepos.has(repoOf(single));
}

interface Conflict {
  hard: boolean;
  used: boolean;
  message: string;
}

function conflictError(rec: ImageRecord, c: Conflict): BerthError {
  const how = c.hard ? 'cannot be forced' : 'must be forced';
  return new BerthError('Conflict', `conflict: unable to delete ${shortId(rec.id)} (${how}) - ${c.message}`);
}

/** docker's checkImageDeleteConflict: running containers always block; the rest unless forced. */
function findConflict(refs: readonly string[], users: readonly ImageUser[], force: boolean): Conflict | undefined {
  const running = users.find((u) => u.running);
  if (running) {
    return { hard: true, used: true, message: `image is being used by running container ${shortId(running.containerId)}` };
  }
  if (force) return undefined;
  if (refs.length > 0) return { hard: false, used: false, message: 'image is referenced in multiple repositories' };
  const stopped = users.find((u) => !u.running);
  if (stopped) {
    return { hard: false, used: true, message: `image is being used by stopped container ${shortId(stopped.containerId)}` };
  }
  return undefined;
}

/**
 * `docker rmi` with docker's semantics. By name: the reference is removed; the image goes only
 * with its last reference, and not while a container uses it (Conflict, unless forced: then it
 * stays, untagged). By id: all references go if they are one repository's, or with -f; a
 * running container always blocks. Deleting an image deletes the blobs and layers no other image
 * needs; layers stay when a (stopped, forced) container still overlays them.
 */
export function removeImage(store: ImageStore, refOrId: string, opts: RemoveOptions = {}): RemoveResult {
  const usedBy = opts.usedBy ?? noUsers;
  const force = opts.force ?? false;
  let release: { blobs: string[]; chainIds: string[] } | undefined;
  const outcome = immediate(store.db, () => {
    const rec = store.resolve(refOrId);
    const result: RemoveResult = { untagged: [], deleted: [] };
    let refs = [...rec.tags, ...rec.digests];
    const drop = (name: string): void => {
      store.db.prepare('DELETE FROM image_tags WHERE name = ?').run(name);
      result.untagged.push(familiarString(name));
      refs = refs.filter((r) => r !== name);
    };
    let quiet = false;
    if (!isIdPrefix(rec.id, refOrId)) {
      if (!force && isSingleReference(refs)) {
        const user = usedBy(rec.id)[0];
        if (user) {
          throw new BerthError(
            'Conflict',
            `conflict: unable to remove repository reference "${refOrId}" (must force) - container ${shortId(user.containerId)} is using its referenced image ${shortId(rec.id)}`,
          );
        }
      }
      const name = normalize(refOrId);
      if (!refs.includes(name)) {
        throw new BerthError('NotFound', `No such image: ${familiarString(name)}`);
      }
      drop(name);
      if (!isDigested(name)) {
        // with the repository's last tag gone, its digest references go too
        const repo = repoOf(name);
        if (!refs.some((r) => !isDigested(r) && repoOf(r) === repo)) {
          for (const r of refs.filter((x) => isDigested(x) && repoOf(x) === repo)) drop(r);
        }
      }
      if (refs.length > 0) return result;
      quiet = true;
    } else if (isSingleReference(refs)) {
      const users = usedBy(rec.id);
      const running = users.find((u) => u.running);
      const stopped = force ? undefined : users.find((u) => !u.running);
      if (running) throw conflictError(rec, findConflict([], users, true) as Conflict);
      if (stopped) throw conflictError(rec, findConflict([], users, false) as Conflict);
      for (const r of [...refs]) drop(r);
    }
    const users = usedBy(rec.id);
    const conflict = findConflict(refs, users, force);
    if (conflict) {
      // a name was removed and the image must stay: docker reports only the untag
      if (quiet && (refs.length > 0 || conflict.used)) return result;
      throw conflictError(rec, conflict);
    }
    for (const r of [...refs]) drop(r);
    const freed = store.deleteImageRow(rec.id);
    // a (stopped, forced) container still overlays the layers: they stay until collected
    release = users.length > 0 ? { blobs: freed.blobs, chainIds: [] } : freed;
    result.deleted.push(rec.id);
    return result;
  });
  if (release) outcome.deleted.push(...store.release(release));
  return outcome;
}

/**
 * `docker image prune`: delete images no container uses that have no references (dangling), or
 * with `all` every such image.
 */
export function pruneImages(store: ImageStore, opts: PruneOptions = {}): PruneResult {
  const usedBy = opts.usedBy ?? noUsers;
  const result: PruneResult = { untagged: [], deleted: [], spaceReclaimed: 0 };
  // what a killed pull, load or build left half-written: temp blobs and unpack dirs of dead
  // processes, counted in what the prune reclaims
  result.spaceReclaimed += reclaimLeftovers(store.layers.paths, ['pull']).reclaimed;
  store.content.removeStaleTemp();
  store.layers.repair();
  const sizes = new Map(store.layers.list().map((l) => [l.chainId, l.size]));
  for (const id of store.ids()) {
    const rec = store.byId(id);
    if (!rec || usedBy(id).length > 0) continue;
    if (!opts.all && rec.tags.length + rec.digests.length > 0) continue;
    if (opts.filters && !prunable(opts.filters, rec.created, opts.labelsOf?.(id) ?? {})) continue;
    const r = removeImage(store, id, { force: true, usedBy });
    result.untagged.push(...r.untagged);
    result.deleted.push(...r.deleted);
  }
  // and what crashes, failed loads and forced removals left behind
  const garbage = store.collectGarbage({
    ...(opts.liveChainIds !== undefined ? { liveChainIds: opts.liveChainIds } : {}),
    ...(opts.minAgeMs !== undefined ? { minAgeMs: opts.minAgeMs } : {}),
  });
  result.deleted.push(...garbage.layers);
  // what was reclaimed: the layers no longer on disk, whichever removal took them
  const left = new Set(store.layers.list().map((l) => l.chainId));
  for (const [chainId, size] of sizes) if (!left.has(chainId)) result.spaceReclaimed += size;
  return result;
}

/** `docker system df` for images; layers shared by several images are counted once. */
export function imageUsage(store: ImageStore, usedBy: (imageId: string) => ImageUser[] = noUsers): ImageUsage {
  const sizes = new Map(store.layers.list().map((l) => [l.chainId, l.size]));
  const all = new Set<string>();
  const needed = new Set<string>();
  let count = 0;
  let active = 0;
  for (const id of store.ids()) {
    const rec = store.byId(id);
    if (!rec) continue;
    count++;
    const inUse = usedBy(id).length > 0;
    if (inUse) active++;
    for (const c of rec.chainIds) {
      all.add(c);
      if (inUse) needed.add(c);
    }
  }
  const sum = (ids: Iterable<string>): number => [...ids].reduce((n, c) => n + (sizes.get(c) ?? 0), 0);
  return { count, active, size: sum(all), reclaimable: sum([...all].filter((c) => !needed.has(c))) };
}
