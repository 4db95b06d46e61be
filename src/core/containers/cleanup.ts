import fs from 'node:fs';
import type { EngineContext } from '../engine-context.js';
import { containerPaths } from './container-paths.js';
import { isLive } from '../runtime/process-util.js';
import { finalizeExit } from './exit.js';
import { withContainer } from './locked.js';
import { removeContainer } from './remove.js';
import { startContainer } from './start.js';
import { BerthError } from '../errors/berth-error.js';

/**
 * conmon's exit hook (`berth container cleanup ID`), run with no berth process necessarily alive:
 * record the exit, release runtime state and mounts, then apply --rm or the restart policy.
 * Under the container's lock: a starter still recording the start, a `stop` or an `rm` holding
 * the container finish first, and the hook then finds their work done (the run's exit recorded
 * and torn down, or the container gone), so the two never both tear down and never neither.
 */
export async function cleanupContainer(ctx: EngineContext, id: string, runId?: string): Promise<void> {
  if (!ctx.containers.get(id)) return;
  let restart: number | undefined;
  try {
    restart = await withContainer(ctx, id, async (rec0) => {
      // a hook that fires after the container was restarted belongs to a run that is already handled
      if (runId !== undefined && rec0.state.runId !== runId) return undefined;
      const rec = await finalizeExit(ctx, rec0);
      if (rec.state.status !== 'exited') return undefined;
      if (rec.spec.autoRemove) {
        // a foreground `run --rm` still reading the exit code removes the container itself
        const attached = rec.state.attachedPid;
        if (attached > 0 && attached !== process.pid && isLive(attached, rec.state.attachedStartTime)) return undefined;
        await removeContainer(ctx, id, { force: true, volumes: true });
        return undefined;
      }
      if (!shouldRestart(rec.spec.restartPolicy, rec.state)) return undefined;
      const n = rec.state.restartCount + 1;
      const exitFile = containerPaths(ctx.paths, id).exitFile;
      const claimed = ctx.containers.updateState(id, (s) => {
        if (s.status !== 'exited' || s.stoppedByUser || (runId !== undefined && s.runId !== runId)) return null;
        // the exit is recorded: drop conmon's file so readers do not take it for the next run's exit
        fs.rmSync(exitFile, { force: true });
        return { ...s, status: 'restarting', restartCount: n };
      });
      return claimed ? n : undefined;
    });
  } catch (e) {
    // removed while the hook waited for it: nothing of it is left to clean
    if (e instanceof BerthError && e.kind === 'NotFound') return;
    throw e;
  }
  if (restart === undefined) return;
  // docker backs off 100ms, doubling; the container is not held meanwhile, so a stop or rm
  // during the back-off wins (it ends the restart loop)
  await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** Math.min(restart - 1, 10), 10_000)));
  await withContainer(ctx, id, async (cur) => {
    if (cur.state.status !== 'restarting') return;
    if (cur.state.stoppedByUser) {
      ctx.containers.updateState(id, (s) => (s.status === 'restarting' ? { ...s, status: 'exited' } : null));
      return;
    }
    await startContainer(ctx, id);
  }).catch((e: unknown) => {
    if (e instanceof BerthError && e.kind === 'NotFound') return;
    throw e;
  });
}

export function shouldRestart(
  policy: { name: string; maximumRetryCount: number },
  state: { exitCode: number; restartCount: number; stoppedByUser: boolean },
): boolean {
  if (state.stoppedByUser) return false;
  switch (policy.name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return state.exitCode !== 0 && (policy.maximumRetryCount === 0 || state.restartCount < policy.maximumRetryCount);
    default:
      return false;
  }
}
