import { containerEvent } from '../events/container-events.js';
import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import { waitForExit } from '../runtime/exit-file.js';
import { parseSignal } from '../spec/parse/signal.js';
import type { ContainerRecord } from './container-record.js';
import { refreshContainer, finalizeExit } from './exit.js';

/**
 * Stop: the container's stop signal (--stop-signal, else the image's StopSignal, else SIGTERM),
 * then SIGKILL once the timeout passes, as `docker stop`. A pid 1 without a handler ignores
 * SIGTERM, so the escalation is what actually stops most shells.
 */
export async function stopContainer(ctx: EngineContext, ref: string, opts: { timeout?: number; signal?: string } = {}): Promise<ContainerRecord> {
  const rec = refreshContainer(ctx, ctx.containers.lookup(ref));
  ctx.containers.updateState(rec.id, (s) => ({ ...s, stoppedByUser: true }));
  if (rec.state.status !== 'running' && rec.state.status !== 'paused') return finalizeExit(ctx, rec);
  const image = rec.image.config;
  const signal = opts.signal ?? rec.spec.stopSignal ?? image.StopSignal ?? 'SIGTERM';
  const timeoutSec = opts.timeout ?? rec.spec.stopTimeout ?? 10;
  const done = await killAndWait(ctx, rec, signal, Math.max(0, timeoutSec) * 1000);
  containerEvent(ctx, rec, 'stop');
  return done;
}

/** Send a signal, wait up to timeoutMs for the exit, then SIGKILL and wait again. */
export async function killAndWait(ctx: EngineContext, rec: ContainerRecord, signal: string, timeoutMs: number): Promise<ContainerRecord> {
  const runtime = ctx.runtime();
  const sig = parseSignal(signal);
  containerEvent(ctx, rec, 'kill', { signal: String(sig) });
  // the stop signal goes to pid 1 only (docker); SIGKILL to every process, in case pid 1 is a zombie reaper
  await runtime.kill(rec.id, sig, sig === 9).catch(() => undefined);
  // a frozen process cannot act on a signal: thaw it, as docker does
  if (rec.state.status === 'paused') await runtime.resume(rec.id).catch(() => undefined);
  if (sig !== 9) {
    try {
      await waitForExit(ctx.paths.exits, rec.id, { timeoutMs });
    } catch {
      await runtime.kill(rec.id, 'KILL', true).catch(() => undefined);
    }
  }
  try {
    await waitForExit(ctx.paths.exits, rec.id, { timeoutMs: 15_000 });
  } catch {
    throw new BerthError('Internal', `container "${rec.name}" did not exit after SIGKILL`);
  }
  return finalizeExit(ctx, ctx.containers.get(rec.id) ?? rec);
}

/** `berth kill`: any signal, only to a running container. */
export async function killContainer(ctx: EngineContext, ref: string, signal = 'SIGKILL'): Promise<ContainerRecord> {
  const rec = refreshContainer(ctx, ctx.containers.lookup(ref));
  if (rec.state.status !== 'running' && rec.state.status !== 'paused') {
    throw new BerthError('Conflict', `cannot kill container: ${rec.name}: container ${rec.id} is not running`);
  }
  const sig = parseSignal(signal);
  if (sig === 9) ctx.containers.updateState(rec.id, (s) => ({ ...s, stoppedByUser: true }));
  await ctx.runtime().kill(rec.id, sig, false);
  containerEvent(ctx, rec, 'kill', { signal: String(sig) });
  return rec;
}
