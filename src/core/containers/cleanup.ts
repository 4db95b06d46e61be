import fs from 'node:fs';
import type { EngineContext } from '../engine-context.js';
import { containerPaths } from './container-paths.js';
import { isProcessAlive } from '../runtime/process-util.js';
import { finalizeExit } from './exit.js';
import { removeContainer } from './remove.js';
import { startContainer } from './start.js';

/**
 * conmon's exit hook (`berth container cleanup ID`), run with no berth process necessarily alive:
 * record the exit, release runtime state and mounts, then apply --rm or the restart policy.
 */
export async function cleanupContainer(ctx: EngineContext, id: string, runId?: string): Promise<void> {
  const rec0 = ctx.containers.get(id);
  if (!rec0) return;
  // a hook that fires after the container was restarted belongs to a run that is already handled
  if (runId !== undefined && rec0.state.runId !== runId) return;
  // the process ended before its starter recorded the start: conmon wrote the exit file before
  // running this hook, so the starter will see the exit when it records the start; it runs the
  // hook again then. The flag is set under the store's lock, so exactly one of the two acts.
  if (runId !== undefined && deferToStarter(ctx, id, runId)) return;
  const rec = await finalizeExit(ctx, rec0);
  if (rec.state.status !== 'exited') return;
  if (rec.spec.autoRemove) {
    // a foreground `run --rm` still reading the exit code removes the container itself
    if (rec.state.attachedPid > 0 && rec.state.attachedPid !== process.pid && isProcessAlive(rec.state.attachedPid)) return;
    await removeContainer(ctx, id, { force: true, volumes: true });
    return;
  }
  if (shouldRestart(rec.spec.restartPolicy, rec.state)) {
    const n = rec.state.restartCount + 1;
    const exitFile = containerPaths(ctx.paths, id).exitFile;
    const claimed = ctx.containers.updateState(id, (s) => {
      if (s.status !== 'exited' || s.stoppedByUser || (runId !== undefined && s.runId !== runId)) return null;
      // the exit is recorded: drop conmon's file so readers do not take it for the next run's exit
      fs.rmSync(exitFile, { force: true });
      return { ...s, status: 'restarting', restartCount: n };
    });
    if (!claimed) return;
    // docker backs off 100ms, doubling; keep it short since this process holds no container open
    await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** Math.min(n - 1, 10), 10_000)));
    const cur = ctx.containers.get(id);
    if (!cur || cur.state.status !== 'restarting') return;
    if (cur.state.stoppedByUser) {
      ctx.containers.updateState(id, (s) => (s.status === 'restarting' ? { ...s, status: 'exited' } : null));
      return;
    }
    await startContainer(ctx, id);
  }
}

function deferToStarter(ctx: EngineContext, id: string, runId: string): boolean {
  const deferred = ctx.containers.updateState(id, (s) =>
    s.runId === runId && (s.status === 'created' || s.status === 'restarting') ? { ...s, hookDeferred: true } : null,
  );
  return deferred !== null;
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
