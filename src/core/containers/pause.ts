import { containerEvent } from '../events/container-events.js';
import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import type { ContainerRecord } from './container-record.js';
import { refreshContainer } from './exit.js';

/** Freeze every process of a container through the cgroup freezer (runc pause). */
export async function pauseContainer(ctx: EngineContext, ref: string): Promise<ContainerRecord> {
  const rec = refreshContainer(ctx, ctx.containers.lookup(ref));
  if (rec.state.status === 'paused') throw new BerthError('Conflict', `container ${rec.id} is already paused`);
  if (rec.state.status !== 'running') throw new BerthError('Conflict', `container ${rec.id} is not running`);
  await ctx.runtime().pause(rec.id);
  ctx.containers.updateState(rec.id, (s) => (s.status === 'running' ? { ...s, status: 'paused' } : null));
  containerEvent(ctx, rec, 'pause');
  return rec;
}

export async function unpauseContainer(ctx: EngineContext, ref: string): Promise<ContainerRecord> {
  const rec = refreshContainer(ctx, ctx.containers.lookup(ref));
  if (rec.state.status !== 'paused') throw new BerthError('Conflict', `container ${rec.id} is not paused`);
  await ctx.runtime().resume(rec.id);
  ctx.containers.updateState(rec.id, (s) => (s.status === 'paused' ? { ...s, status: 'running' } : null));
  containerEvent(ctx, rec, 'unpause');
  return rec;
}
