import { releaseVolumes } from './volumes.js';
import { containerEvent } from '../events/container-events.js';
import { stopHealthMonitor } from './health.js';
import fs from 'node:fs';
import type { EngineContext } from '../engine-context.js';
import { unmount, isMountPoint } from '../host/mount.js';
import { readExitCode } from '../runtime/exit-file.js';
import { isLive } from '../runtime/process-util.js';
import { waitForExit } from '../runtime/exit-file.js';
import { isActive } from './transitions.js';
import type { ContainerRecord, ContainerState } from './container-record.js';
import { containerPaths } from './container-paths.js';
import { tearDownNetwork } from '../networks/index.js';
import { trace } from '../trace.js';

/**
 * Bring a record's state up to date with what happened while no berth process watched: conmon's
 * exit file is the truth for "exited with code N"; a dead monitor with no exit file (kill -9 of
 * conmon, or a reboot wiping /run) means the container is gone too.
 */
export function refreshContainer(ctx: EngineContext, rec: ContainerRecord, hints: RefreshHints = {}): ContainerRecord {
  if (!isActive(rec.state.status)) return rec;
  const { exitFiles } = hints;
  const code = exitFiles && !exitFiles.has(rec.id) ? null : readExitCode(ctx.paths.exits, rec.id);
  if (code !== null) {
    const state = recordExit(ctx, rec.id);
    if (state) died(ctx, rec, state.exitCode, state.oomKilled);
    // null: another process recorded it first; what it recorded is the truth, not our stale copy
    return state ? { ...rec, state } : (ctx.containers.get(rec.id) ?? rec);
  }
  const live = hints.isLive ?? isLive;
  if (rec.state.conmonPid > 0 && !live(rec.state.conmonPid, rec.state.conmonStartTime) && !processLive(rec)) {
    // conmon writes the file before it exits: a last read closes that race
    if (readExitCode(ctx.paths.exits, rec.id) !== null) return refreshContainer(ctx, rec);
    return recordLostExit(ctx, rec, 255);
  }
  return rec;
}

/** What a caller refreshing many containers knows already. */
export interface RefreshHints {
  /**
   * the exit directory as listed before (ps lists it once rather than looking for a hundred
   * files); one written since is found by a last read before an exit is called lost
   */
  exitFiles?: ReadonlySet<string> | undefined;
  /** isLive, or a LiveProcessMemo's for a long-lived caller (whether the monitor is alive) */
  isLive?: ((pid: number, startTime?: number | null) => boolean) | undefined;
}

/** The ids that have an exit file now, for refreshContainer over many containers (undefined: unreadable, look for each). */
export function exitFileIds(ctx: EngineContext): Set<string> | undefined {
  try {
    return new Set(fs.readdirSync(ctx.paths.exits));
  } catch {
    return undefined;
  }
}

/** The container's conmon is no longer the process that was started for it (kill -9, a reboot). */
export function monitorGone(rec: Pick<ContainerRecord, 'state'>): boolean {
  return rec.state.conmonPid > 0 && !isLive(rec.state.conmonPid, rec.state.conmonStartTime);
}

/** The container's init process is still the one its run started. */
export function processLive(rec: Pick<ContainerRecord, 'state'>): boolean {
  return rec.state.pid > 0 && isLive(rec.state.pid, rec.state.pidStartTime);
}

/**
 * The process ended with nobody left to write its exit code (its conmon was killed): record it
 * as exited with `code` (the signal berth killed it with, else 255 as docker's lost status).
 */
export function recordLostExit(ctx: EngineContext, rec: ContainerRecord, code: number): ContainerRecord {
  const state = ctx.containers.updateState(rec.id, (s) =>
    isActive(s.status) && s.runId === rec.state.runId
      ? { ...s, status: 'exited', exitCode: code, pid: 0, conmonPid: 0, finishedAt: new Date().toISOString(), error: 'container monitor disappeared' }
      : null,
  );
  if (state) died(ctx, rec, state.exitCode);
  return state ? { ...rec, state } : (ctx.containers.get(rec.id) ?? rec);
}

/**
 * Wait until the container's run ends: conmon's exit file (its code), or, when its conmon is
 * gone (killed), the end of the process itself (null: no code was written). Polled every 50 ms
 * beside the exit file's watch, so a dead monitor is noticed at once rather than at a timeout.
 */
export async function waitForStop(ctx: EngineContext, rec: ContainerRecord, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<number | null> {
  const stop = new AbortController();
  const onAbort = () => stop.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let poll: NodeJS.Timeout | undefined;
  const lost = new Promise<null>((resolve) => {
    const check = () => {
      if (!monitorGone(rec) || processLive(rec)) return;
      // conmon writes the file before it exits: a last read closes that race
      if (readExitCode(ctx.paths.exits, rec.id) === null) resolve(null);
    };
    poll = setInterval(check, 50);
    check();
  });
  const exited = waitForExit(ctx.paths.exits, rec.id, { signal: stop.signal, ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) });
  exited.catch(() => undefined);
  try {
    return await Promise.race([exited, lost]);
  } finally {
    clearInterval(poll);
    opts.signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
}

/** docker's `die`, once per run: whoever records the exit reports it. */
export function died(ctx: EngineContext, rec: ContainerRecord, exitCode: number, oomKilled = false): void {
  // docker reports the OOM kill first
  if (oomKilled) containerEvent(ctx, rec, 'oom');
  const started = Date.parse(rec.state.startedAt);
  const execDuration = Number.isNaN(started) || started <= 0 ? 0 : Math.max(0, Math.round((Date.now() - started) / 1000));
  containerEvent(ctx, rec, 'die', { exitCode: String(exitCode), execDuration: String(execDuration) });
}

/** Record the exit code from conmon's exit file, once, under the write lock. */
function recordExit(ctx: EngineContext, id: string): ContainerState | null {
  const p = containerPaths(ctx.paths, id);
  return ctx.containers.updateState(id, (s) => {
    const code = readExitCode(ctx.paths.exits, id);
    if (code === null || (!isActive(s.status) && s.status !== 'created')) return null;
    let finishedAt = new Date().toISOString();
    try {
      finishedAt = fs.statSync(p.exitFile).mtime.toISOString();
    } catch {
      /* the file raced away: now is close enough */
    }
    return {
      ...s,
      status: 'exited',
      // conmon writes -1 when it killed the container for a timeout
      exitCode: code < 0 ? 137 : code,
      pid: 0,
      conmonPid: 0,
      finishedAt,
      // conmon marks an OOM kill in the memory cgroup with a file, as podman reads it
      oomKilled: fs.existsSync(p.oomFile),
    };
  });
}

/**
 * After the container's process ended: record the exit, delete the runtime's state and unmount
 * the root filesystem. Idempotent, so the exit hook, `wait`, `stop` and `rm` may all call it.
 */
export async function finalizeExit(ctx: EngineContext, rec: ContainerRecord): Promise<ContainerRecord> {
  const refreshed = refreshContainer(ctx, rec);
  if (isActive(refreshed.state.status)) return refreshed;
  const p = containerPaths(ctx.paths, rec.id);
  stopHealthMonitor(ctx, rec.id);
  // the runtime's delete (a process) and the unmount run side by side
  trace('finalize begin');
  const deleted = ctx
    .runtime()
    .delete(rec.id, true)
    .catch(() => undefined);
  // networks: rules, lease, veth, DNS entry and namespace go with the process (retried by repair)
  const netDown = tearDownNetwork(ctx, rec.id).catch(() => undefined);
  // and a shareable container's host-side /dev/shm goes with its run (peers joined it while it
  // ran), before the first wait: a removal deletes the container's files meanwhile
  for (const m of [p.rootfs, ...(rec.spec.ipcMode === 'shareable' ? [`${p.dir}/shm`] : [])]) {
    if (!isMountPoint(m)) continue;
    try {
      unmount(m);
    } catch {
      /* busy mounts are retried by the next cleanup */
    }
  }
  await deleted;
  await netDown;
  releaseVolumes(ctx, rec);
  return ctx.containers.get(rec.id) ?? refreshed;
}
