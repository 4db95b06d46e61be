import { releaseVolumes } from './volumes.js';
import { containerEvent } from '../events/container-events.js';
import { stopHealthMonitor } from './health.js';
import fs from 'node:fs';
import type { EngineContext } from '../engine-context.js';
import { unmount, isMountPoint } from '../host/mount.js';
import { readExitCode } from '../runtime/exit-file.js';
import { isProcessAlive } from '../runtime/process-util.js';
import type { ContainerRecord, ContainerState } from './container-record.js';
import { containerPaths } from './container-paths.js';
import { tearDownNetwork } from '../networks/index.js';
import { trace } from '../trace.js';

const LIVE = new Set(['running', 'paused', 'restarting']);

/**
 * Bring a record's state up to date with what happened while no berth process watched: conmon's
 * exit file is the truth for "exited with code N"; a dead monitor with no exit file (kill -9 of
 * conmon, or a reboot wiping /run) means the container is gone too.
 */
export function refreshContainer(ctx: EngineContext, rec: ContainerRecord): ContainerRecord {
  if (!LIVE.has(rec.state.status)) return rec;
  const code = readExitCode(ctx.paths.exits, rec.id);
  if (code !== null) {
    const state = recordExit(ctx, rec.id);
    if (state) died(ctx, rec, state.exitCode, state.oomKilled);
    // null: another process recorded it first; what it recorded is the truth, not our stale copy
    return state ? { ...rec, state } : (ctx.containers.get(rec.id) ?? rec);
  }
  if (rec.state.conmonPid > 0 && !isProcessAlive(rec.state.conmonPid) && !isProcessAlive(rec.state.pid)) {
    const state = ctx.containers.updateState(rec.id, (s) =>
      LIVE.has(s.status) ? { ...s, status: 'exited', exitCode: 255, pid: 0, conmonPid: 0, finishedAt: new Date().toISOString(), error: 'container monitor disappeared' } : null,
    );
    if (state) died(ctx, rec, state.exitCode);
    return state ? { ...rec, state } : (ctx.containers.get(rec.id) ?? rec);
  }
  return rec;
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
    if (code === null || !LIVE.has(s.status) && s.status !== 'created') return null;
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
  if (LIVE.has(refreshed.state.status)) return refreshed;
  const p = containerPaths(ctx.paths, rec.id);
  stopHealthMonitor(ctx, rec.id);
  // the runtime's delete (a process) and the unmount run side by side
  trace('finalize begin');
  const deleted = ctx.runtime().delete(rec.id, true).catch(() => undefined);
  // networks: rules, lease, veth, DNS entry and namespace go with the process (retried by repair)
  const netDown = tearDownNetwork(ctx, rec.id).catch(() => undefined);
  if (isMountPoint(p.rootfs)) {
    try {
      unmount(p.rootfs);
    } catch {
      /* busy mounts are retried by the next cleanup */
    }
  }
  await deleted;
  await netDown;
  releaseVolumes(ctx, rec);
  // a shareable container's host-side /dev/shm goes with its run (peers joined it while it ran)
  const shm = `${p.dir}/shm`;
  if (rec.spec.ipcMode === 'shareable' && isMountPoint(shm)) {
    try {
      unmount(shm);
    } catch {
      /* busy: the next cleanup tries again */
    }
  }
  return ctx.containers.get(rec.id) ?? refreshed;
}
