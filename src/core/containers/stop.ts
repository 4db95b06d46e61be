import { containerEvent } from '../events/container-events.js';
import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import { parseSignal } from '../spec/parse/signal.js';
import type { ContainerRecord } from './container-record.js';
import { refreshContainer, finalizeExit, waitForStop, recordLostExit, processLive } from './exit.js';
import { withContainer, withContainerIfFree } from './locked.js';
import { checkVerb, isActive } from './transitions.js';

/**
 * Stop: the container's stop signal (--stop-signal, else the image's StopSignal, else SIGTERM),
 * then SIGKILL once the timeout passes, as `docker stop`. A pid 1 without a handler ignores
 * SIGTERM, so the escalation is what actually stops most shells. Under the container's lock:
 * when it returns, the container has exited and its run is torn down; a second `stop` that
 * waited for the lock finds it stopped and succeeds.
 */
export async function stopContainer(ctx: EngineContext, ref: string, opts: { timeout?: number; signal?: string } = {}): Promise<ContainerRecord> {
  return withContainer(ctx, ref, async (rec) => {
    ctx.containers.updateState(rec.id, (s) => ({ ...s, stoppedByUser: true }));
    if (!checkVerb('stop', rec.state.status, rec)) return finalizeExit(ctx, rec);
    const image = rec.image.config;
    const signal = opts.signal ?? rec.spec.stopSignal ?? image.StopSignal ?? 'SIGTERM';
    const timeoutSec = opts.timeout ?? rec.spec.stopTimeout ?? 10;
    // docker: a negative timeout (-t -1) waits for the exit however long it takes
    const done = await killAndWait(ctx, rec, signal, timeoutSec < 0 ? -1 : timeoutSec * 1000);
    containerEvent(ctx, rec, 'stop');
    return done;
  });
}

/**
 * Send a signal, wait up to timeoutMs (below 0: without end) for the exit, then SIGKILL and wait again; record the exit
 * and tear the run down. A container whose conmon was killed has nobody to write its exit code:
 * its process is watched instead, and its exit recorded as the signal that ended it. The caller
 * holds the container's lock.
 */
export async function killAndWait(ctx: EngineContext, rec: ContainerRecord, signal: string, timeoutMs: number): Promise<ContainerRecord> {
  const runtime = ctx.runtime();
  const sig = parseSignal(signal);
  // between two runs of a restart policy there is no process: ending the loop is the stop
  if (rec.state.status === 'restarting') {
    ctx.containers.updateState(rec.id, (s) => (s.status === 'restarting' ? { ...s, status: 'exited', stoppedByUser: true } : null));
    return finalizeExit(ctx, ctx.containers.get(rec.id) ?? rec);
  }
  containerEvent(ctx, rec, 'kill', { signal: String(sig) });
  // the stop signal goes to pid 1 only (docker); SIGKILL to every process, in case pid 1 is a zombie reaper
  await runtime.kill(rec.id, sig, sig === 9).catch(() => undefined);
  // a frozen process cannot act on a signal: thaw it, as docker does
  if (rec.state.status === 'paused') await runtime.resume(rec.id).catch(() => undefined);
  let lastSignal = sig;
  let code: number | null | undefined;
  if (sig !== 9) {
    code = await waitForStop(ctx, rec, timeoutMs < 0 ? {} : { timeoutMs }).catch(() => undefined);
    if (code === undefined) {
      lastSignal = 9;
      // docker's stop past its timeout is a kill of its own, with its event
      containerEvent(ctx, rec, 'kill', { signal: '9' });
      await runtime.kill(rec.id, 'KILL', true).catch(() => undefined);
    }
  }
  if (code === undefined) {
    try {
      code = await waitForStop(ctx, rec, { timeoutMs: 15_000 });
    } catch {
      throw new BerthError('Internal', `container "${rec.name}" did not exit after SIGKILL`);
    }
  }
  // null: conmon was gone and the process has ended: what ended it is the signal berth sent
  const latest = ctx.containers.get(rec.id) ?? rec;
  const recorded = code === null ? recordLostExit(ctx, latest, 128 + lastSignal) : latest;
  return finalizeExit(ctx, recorded);
}

/**
 * `berth kill`: any signal, only to a running container. A signal is not a transition: while
 * another command holds the container (a `stop` waiting out its timeout) it is sent at once,
 * without the lock, as docker's kill does not wait for a stop. A container that stopped while
 * this command waited, or since `issuedAt` (when the caller was asked: a CLI process's start),
 * counts as killed: a concurrent kill or stop ended it. SIGKILL returns
 * once the container has exited, its exit recorded.
 */
export async function killContainer(ctx: EngineContext, ref: string, signal = 'SIGKILL', opts: { issuedAt?: number } = {}): Promise<ContainerRecord> {
  const sig = parseSignal(signal);
  const issuedAt = opts.issuedAt ?? Date.now();
  const seen = refreshContainer(ctx, ctx.containers.lookup(ref));
  const running = (r: ContainerRecord) => r.state.status === 'running' || r.state.status === 'paused';
  // it was running when the kill was asked for and ended meanwhile (a concurrent kill or stop):
  // the same as a kill that came just before the end, which docker's kill does not refuse
  const endedSinceAsked = (r: ContainerRecord) => r.state.status === 'exited' && Date.parse(r.state.finishedAt) >= issuedAt;
  const act = async (rec: ContainerRecord): Promise<ContainerRecord> => {
    if ((running(seen) || endedSinceAsked(seen)) && !running(rec)) return rec;
    if (!checkVerb('kill', rec.state.status, rec)) return rec;
    if (sig === 9) ctx.containers.updateState(rec.id, (s) => ({ ...s, stoppedByUser: true }));
    try {
      await ctx.runtime().kill(rec.id, sig, false);
    } catch (e) {
      // it ended between the check and the signal: its exit is what the caller sees next
      const now = refreshContainer(ctx, ctx.containers.get(rec.id) ?? rec);
      if (isActive(now.state.status) && processLive(now)) throw e;
    }
    containerEvent(ctx, rec, 'kill', { signal: String(sig) });
    return rec;
  };
  const locked = await withContainerIfFree(ctx, seen.id, async (rec) => {
    const r = await act(rec);
    // SIGKILL: docker returns once it is dead; record and tear down while holding the container
    // (a frozen one dies only when thawed: it is not waited for)
    if (sig === 9 && r.state.status === 'running') {
      await waitForStop(ctx, r, { timeoutMs: 15_000 })
        .then((code) => (code === null ? recordLostExit(ctx, ctx.containers.get(r.id) ?? r, 137) : undefined))
        .catch(() => undefined);
      return finalizeExit(ctx, ctx.containers.get(r.id) ?? r);
    }
    return r;
  }).catch((e: unknown) => {
    if (e instanceof BerthError && e.kind === 'NotFound' && isActive(seen.state.status)) return seen;
    throw e;
  });
  if (locked) return locked;
  // someone holds it (a stop waiting, a start): signal it now, from what the store says
  const rec = refreshContainer(ctx, ctx.containers.get(seen.id) ?? seen);
  return act(rec);
}
