import type { EngineContext } from '../engine-context.js';
import { BerthError } from '../errors/berth-error.js';
import { containerEvent } from '../events/container-events.js';
import type { ContainerRecord } from './container-record.js';
import { withContainer } from './locked.js';
import { startContainer } from './start.js';
import { stopContainer } from './stop.js';

/** `restart`: stop then start, holding the container throughout, so nothing runs in between. */
export async function restartContainer(ctx: EngineContext, ref: string, opts: { timeout?: number; signal?: string } = {}): Promise<ContainerRecord> {
  return withContainer(ctx, ref, async (rec) => {
    await stopContainer(ctx, rec.id, opts);
    const started = await startContainer(ctx, rec.id);
    containerEvent(ctx, rec, 'restart');
    return started;
  });
}

/** `rename`: under the container's lock; the new name's uniqueness is the store's (a UNIQUE index). */
export async function renameContainer(ctx: EngineContext, ref: string, newName: string): Promise<ContainerRecord> {
  return withContainer(ctx, ref, (rec) => {
    const name = newName.replace(/^\//, '');
    // docker's daemon refuses a rename to the name the container has
    if (name === rec.name) throw new BerthError('InvalidArgument', 'Renaming a container with the same name as its current name');
    ctx.containers.rename(rec.id, name);
    containerEvent(ctx, { ...rec, name }, 'rename', { oldName: `/${rec.name}` });
    return { ...rec, name };
  });
}
