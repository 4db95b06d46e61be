import type { EngineContext } from '../engine-context.js';
import { waitForExit } from '../runtime/exit-file.js';
import { refreshContainer, finalizeExit } from './exit.js';

/** Block until the container stops and return its exit code (docker wait). */
export async function waitContainer(ctx: EngineContext, ref: string, signal?: AbortSignal): Promise<number> {
  const rec = refreshContainer(ctx, ctx.containers.lookup(ref));
  if (rec.state.status !== 'running' && rec.state.status !== 'paused' && rec.state.status !== 'restarting') {
    return rec.state.exitCode;
  }
  const code = await waitForExit(ctx.paths.exits, rec.id, signal ? { signal } : {});
  const done = ctx.containers.get(rec.id);
  if (done) await finalizeExit(ctx, done);
  return code < 0 ? 137 : code;
}
