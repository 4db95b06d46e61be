import type { EngineContext } from '../engine-context.js';
import { BerthError } from '../errors/berth-error.js';
import { refreshContainer, finalizeExit, waitForStop, recordLostExit } from './exit.js';
import { withContainer } from './locked.js';
import { isActive } from './transitions.js';

/**
 * Block until the container stops and return its exit code (docker wait). The wait holds no
 * lock; recording the exit and the tear-down after it do. A container whose conmon was killed
 * is watched through its process, and its exit recorded as lost (255) when that ends.
 */
export async function waitContainer(ctx: EngineContext, ref: string, signal?: AbortSignal): Promise<number> {
  const rec = refreshContainer(ctx, ctx.containers.lookup(ref));
  if (!isActive(rec.state.status)) return rec.state.exitCode;
  const code = await waitForStop(ctx, rec, signal ? { signal } : {});
  const done = await withContainer(ctx, rec.id, async (cur) => finalizeExit(ctx, code === null ? recordLostExit(ctx, cur, 255) : cur)).catch((e: unknown) => {
    // removed meanwhile (--rm, a concurrent rm): the code is what conmon wrote
    if (e instanceof BerthError && e.kind === 'NotFound') return undefined;
    throw e;
  });
  if (code !== null) return code < 0 ? 137 : code;
  return done?.state.exitCode ?? 255;
}
