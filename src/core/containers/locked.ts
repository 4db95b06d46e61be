import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import { withObjectLock, withObjectLockIfFree, type HeldLock } from '../locks.js';
import type { ContainerRecord } from './container-record.js';
import { refreshContainer } from './exit.js';

/**
 * Run one transition of a container: resolve the reference, take the container's lock (waiting
 * while another berth process, or another call of this one, holds it), then read the record
 * again under the lock, brought up to date with what happened while nobody watched. `seen` is
 * the record as it was before the wait: a verb tells from it whether a concurrent command did
 * its work meanwhile (two `start`s: the second finds a new run and does nothing).
 */
export async function withContainer<T>(
  ctx: EngineContext,
  ref: string,
  fn: (rec: ContainerRecord, seen: ContainerRecord, lock: HeldLock) => Promise<T> | T,
): Promise<T> {
  const seen = ctx.containers.lookup(ref);
  return withObjectLock(ctx.paths, 'container', seen.id, (lock) => fn(current(ctx, seen.id, ref, lock), seen, lock));
}

/** withContainer for a known id, without waiting: undefined while someone else holds its lock. */
export async function withContainerIfFree<T>(
  ctx: EngineContext,
  id: string,
  fn: (rec: ContainerRecord, lock: HeldLock) => Promise<T> | T,
): Promise<T | undefined> {
  return withObjectLockIfFree(ctx.paths, 'container', id, (lock) => fn(current(ctx, id, id, lock), lock));
}

function current(ctx: EngineContext, id: string, ref: string, lock: HeldLock): ContainerRecord {
  const rec = ctx.containers.get(id);
  // removed while we waited: the same answer as if we had come after the removal (and the lock
  // file this wait made again goes too)
  if (!rec) {
    lock.discard();
    throw new BerthError('NotFound', `No such container: ${ref}`);
  }
  return refreshContainer(ctx, rec);
}
