import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import type { Paths } from './config/paths.js';
import { lockFile, tryLockFile, type FileLock } from './host/lock.js';

/**
 * Per-object locks of the engine service: one lock file per container, network, volume or pod under
 * the run root's locks dir, held with flock(2) for the whole of a transition. Operations on
 * different objects never wait on each other; a holder killed with -9 leaves no lock.
 *
 * A verb that calls another verb on the same object (rm -f stops, the exit hook restarts) runs
 * under the lock it already holds: locks are re-entrant within one asynchronous call chain
 * (tracked with AsyncLocalStorage), and exclusive between chains, even in one process.
 */
export type LockedObject = 'container' | 'network' | 'volume' | 'pod';

interface Holding {
  discard: boolean;
}

const heldHere = new AsyncLocalStorage<ReadonlyMap<string, Holding>>();

function keyOf(kind: LockedObject, id: string): string {
  return `${kind}-${encodeURIComponent(id)}`;
}

export function lockFilePath(paths: Pick<Paths, 'locks'>, kind: LockedObject, id: string): string {
  return path.join(paths.locks, keyOf(kind, id));
}

/** Whether this call chain holds the object's lock. */
export function holdsLock(kind: LockedObject, id: string): boolean {
  return heldHere.getStore()?.has(keyOf(kind, id)) ?? false;
}

export interface ObjectLockOptions {
  shared?: boolean;
  timeoutMs?: number;
}

/** The lock, as `fn` sees it: discard() when the object is gone (rm), so its file goes too. */
export interface HeldLock {
  discard(): void;
}

/** Run fn holding the object's lock (waiting for it); released when fn settles. */
export async function withObjectLock<T>(
  paths: Pick<Paths, 'locks'>,
  kind: LockedObject,
  id: string,
  fn: (lock: HeldLock) => Promise<T> | T,
  opts: ObjectLockOptions = {},
): Promise<T> {
  const key = keyOf(kind, id);
  const outer = heldHere.getStore();
  const nested = outer?.get(key);
  if (nested) return fn({ discard: () => void (nested.discard = true) });
  const lock = await lockFile(path.join(paths.locks, key), opts);
  return runHolding(outer, key, lock, fn);
}

/** Run fn holding the lock if it is free now; undefined (fn not run) while someone holds it. */
export async function withObjectLockIfFree<T>(
  paths: Pick<Paths, 'locks'>,
  kind: LockedObject,
  id: string,
  fn: (lock: HeldLock) => Promise<T> | T,
  opts: { shared?: boolean } = {},
): Promise<T | undefined> {
  const key = keyOf(kind, id);
  const outer = heldHere.getStore();
  const nested = outer?.get(key);
  if (nested) return fn({ discard: () => void (nested.discard = true) });
  const lock = tryLockFile(path.join(paths.locks, key), opts);
  if (!lock) return undefined;
  return runHolding(outer, key, lock, fn);
}

async function runHolding<T>(outer: ReadonlyMap<string, Holding> | undefined, key: string, lock: FileLock, fn: (lock: HeldLock) => Promise<T> | T): Promise<T> {
  const holding: Holding = { discard: false };
  try {
    return await heldHere.run(new Map([...(outer ?? []), [key, holding]]), () => fn({ discard: () => void (holding.discard = true) }));
  } finally {
    if (holding.discard) lock.discard();
    else lock.release();
  }
}
