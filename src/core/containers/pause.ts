import { containerEvent } from '../events/container-events.js';
import type { EngineContext } from '../engine-context.js';
import type { ContainerRecord } from './container-record.js';
import { withContainer } from './locked.js';
import { checkVerb } from './transitions.js';
import { rootlessMode } from '../rootless/mode.js';
import { checkRootlessPause } from '../rootless/limits.js';

/** Freeze every process of a container through the cgroup freezer (runc pause). */
export async function pauseContainer(ctx: EngineContext, ref: string): Promise<ContainerRecord> {
  return withContainer(ctx, ref, async (rec) => {
    checkVerb('pause', rec.state.status, rec);
    if (rootlessMode()) checkRootlessPause(rootlessMode(), ctx.hostFacts().cgroupVersion);
    await ctx.runtime().pause(rec.id);
    ctx.containers.updateState(rec.id, (s) => (s.status === 'running' ? { ...s, status: 'paused' } : null));
    containerEvent(ctx, rec, 'pause');
    return rec;
  });
}

export async function unpauseContainer(ctx: EngineContext, ref: string): Promise<ContainerRecord> {
  return withContainer(ctx, ref, async (rec) => {
    checkVerb('unpause', rec.state.status, rec);
    await ctx.runtime().resume(rec.id);
    ctx.containers.updateState(rec.id, (s) => (s.status === 'paused' ? { ...s, status: 'running' } : null));
    containerEvent(ctx, rec, 'unpause');
    return rec;
  });
}
