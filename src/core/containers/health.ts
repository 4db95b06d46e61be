import { containerEvent } from '../events/container-events.js';
import fs from 'node:fs';
import path from 'node:path';
import type { EngineContext } from '../engine-context.js';
import { BerthError } from '../errors/index.js';
import { spawnDetached } from '../host/spawn.js';
import type { HealthConfig } from '../oci/types.js';
import { execCaptured } from '../runtime/exec.js';
import { isLive, startTimeOf } from '../runtime/process-util.js';
import { tryLockFile } from '../host/lock.js';
import { lockFilePath } from '../locks.js';
import type { ContainerRecord } from './container-record.js';
import { containerPaths } from './container-paths.js';
import { execOptions, execProcess } from './exec.js';
import { isNetProbe, netProbe } from './health-net.js';
import { initialKubeState, kubeHealth, monitorKubeProbes, type KubeProbeState } from './kube-probes.js';

/** docker's defaults (daemon/health.go), in nanoseconds as image configs keep them. */
const SECOND = 1_000_000_000;
export const HEALTH_DEFAULTS = { Interval: 30 * SECOND, Timeout: 30 * SECOND, StartPeriod: 0, StartInterval: 5 * SECOND, Retries: 3 };
/** docker keeps this much of a probe's output, and this many probes */
const MAX_OUTPUT = 4096;
export const MAX_LOG = 5;

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

export interface HealthLogEntry {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
  /** kube probes: which probe this was (startup, liveness, readiness) */
  Probe?: string;
}

/** What `inspect` shows as State.Health; kept in the container's run dir by its monitor. */
export interface HealthState {
  Status: HealthStatus;
  FailingStreak: number;
  Log: HealthLogEntry[];
  /** kube probes: the startup probe succeeded (or there is none) */
  Started?: boolean;
  /** kube probes: Kubernetes' readiness (the readiness probe's result; without one, started) */
  Ready?: boolean;
}

export interface HealthFile extends HealthState {
  /** the run this state belongs to: a restart starts over */
  runId: string;
  /** the monitor process, stopped when the container exits */
  monitorPid: number;
  /** its start time, for isLive (absent in files of older berths) */
  monitorStartTime?: number;
  /** kube play's probes: where each stands (kube-probes.ts) */
  kube?: KubeProbeState;
}

/** The healthcheck in force: the container's own (run --health-*), else its image's; none for NONE. */
export function effectiveHealthcheck(rec: Pick<ContainerRecord, 'spec' | 'image'>): (HealthConfig & { Test: string[] }) | undefined {
  const hc = rec.spec.healthcheck ?? rec.image.config.Healthcheck;
  const test = hc?.Test;
  if (!hc || !test || test.length === 0 || test[0] === 'NONE') return undefined;
  return { ...hc, Test: test };
}

/**
 * run/create's --health-* flags over the image's healthcheck, as docker merges them: a flag
 * replaces that one setting; --no-healthcheck turns it off (and goes with no other flag).
 */
export function healthcheckFromFlags(f: {
  cmd?: string | undefined;
  interval?: number | undefined;
  timeout?: number | undefined;
  startPeriod?: number | undefined;
  startInterval?: number | undefined;
  retries?: number | undefined;
  none?: boolean | undefined;
}): HealthConfig | undefined {
  const any =
    f.cmd !== undefined ||
    f.interval !== undefined ||
    f.timeout !== undefined ||
    f.startPeriod !== undefined ||
    f.startInterval !== undefined ||
    f.retries !== undefined;
  if (f.none) {
    if (any) throw new BerthError('InvalidArgument', '--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!any) return undefined;
  for (const [flag, v] of [
    ['--health-interval', f.interval],
    ['--health-timeout', f.timeout],
    ['--health-start-period', f.startPeriod],
    ['--health-start-interval', f.startInterval],
  ] as const) {
    if (v !== undefined && v < 0) throw new BerthError('InvalidArgument', `${flag} cannot be negative`);
    if (v !== undefined && v !== 0 && v < 1_000_000) throw new BerthError('InvalidArgument', `${flag} cannot be less than 1ms`);
  }
  if (f.retries !== undefined && f.retries < 0) throw new BerthError('InvalidArgument', '--health-retries cannot be negative');
  return {
    ...(f.cmd !== undefined ? { Test: f.cmd === '' ? [] : ['CMD-SHELL', f.cmd] } : {}),
    ...(f.interval !== undefined ? { Interval: f.interval } : {}),
    ...(f.timeout !== undefined ? { Timeout: f.timeout } : {}),
    ...(f.startPeriod !== undefined ? { StartPeriod: f.startPeriod } : {}),
    ...(f.startInterval !== undefined ? { StartInterval: f.startInterval } : {}),
    ...(f.retries !== undefined ? { Retries: f.retries } : {}),
  };
}

/** The container's own settings over its image's, field by field (an absent or zero one inherits). */
export function mergeHealthcheck(own: HealthConfig | undefined, image: HealthConfig | undefined): HealthConfig | undefined {
  if (!own) return undefined;
  if (own.Test?.[0] === 'NONE') return own;
  const pick = <K extends keyof HealthConfig>(k: K) =>
    own[k] !== undefined && own[k] !== 0 && !(Array.isArray(own[k]) && own[k].length === 0) ? own[k] : image?.[k];
  const out: HealthConfig = {};
  for (const k of ['Test', 'Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    const v = pick(k);
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/**
 * One probe's result folded into the state, by docker's rules: a success makes it healthy and
 * clears the streak; a failure adds to the streak (not while still starting within the start
 * period) and `retries` of them in a row make it unhealthy.
 */
export function applyProbe(state: HealthState, entry: HealthLogEntry, hc: HealthConfig, inStartPeriod: boolean): HealthState {
  const log = [...state.Log, entry].slice(-MAX_LOG);
  if (entry.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log: log };
  if (state.Status === 'starting' && inStartPeriod) return { ...state, Log: log };
  const streak = state.FailingStreak + 1;
  const retries = hc.Retries || HEALTH_DEFAULTS.Retries;
  return { Status: streak >= retries ? 'unhealthy' : state.Status, FailingStreak: streak, Log: log };
}

function healthFile(ctx: EngineContext, id: string): string {
  return path.join(containerPaths(ctx.paths, id).runDir, 'health.json');
}

export function readFile(ctx: EngineContext, id: string): HealthFile | undefined {
  try {
    return JSON.parse(fs.readFileSync(healthFile(ctx, id), 'utf8')) as HealthFile;
  } catch {
    return undefined;
  }
}

export function writeFile(ctx: EngineContext, id: string, data: HealthFile): void {
  const file = healthFile(ctx, id);
  const tmp = `${file}.${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(data));
  fs.renameSync(tmp, file);
}

/** State.Health of a container with a healthcheck: its monitor's record of this run, or starting. */
export function healthOf(ctx: EngineContext, rec: ContainerRecord): HealthState | undefined {
  if (!rec.spec.kubeProbes && !effectiveHealthcheck(rec)) return undefined;
  const f = readFile(ctx, rec.id);
  if (f && f.runId === rec.state.runId && rec.state.status === 'running') replaceDeadMonitor(ctx, rec, f);
  if (f && f.runId === rec.state.runId) {
    if (f.kube && rec.spec.kubeProbes) return kubeHealth(f.kube, rec.spec.kubeProbes, f.Log);
    return { Status: f.Status, FailingStreak: f.FailingStreak, Log: f.Log };
  }
  const live = rec.state.status === 'running' || rec.state.status === 'paused';
  if (rec.spec.kubeProbes) return { ...kubeHealth(initialKubeState(), rec.spec.kubeProbes, []), ...(live ? {} : { Status: 'unhealthy' as const }) };
  return { Status: live ? 'starting' : 'unhealthy', FailingStreak: 0, Log: [] };
}

/**
 * Start the container's health monitor (`berth container health-monitor`), a process of its own
 * as conmon is: there is no daemon to run probes on a timer. Only containers with a healthcheck
 * have one; it ends with the container's run.
 */
export function startHealthMonitor(ctx: EngineContext, rec: ContainerRecord): void {
  if (rec.state.status !== 'running') return;
  if (rec.spec.kubeProbes) {
    const kube = initialKubeState();
    writeFile(ctx, rec.id, { ...kubeHealth(kube, rec.spec.kubeProbes, []), kube, runId: rec.state.runId, ...spawnMonitor(ctx, rec) });
    return;
  }
  if (!effectiveHealthcheck(rec)) return;
  writeFile(ctx, rec.id, { Status: 'starting', FailingStreak: 0, Log: [], runId: rec.state.runId, ...spawnMonitor(ctx, rec) });
}

function spawnMonitor(ctx: EngineContext, rec: ContainerRecord): { monitorPid: number; monitorStartTime: number } {
  const monitorPid = spawnDetached(ctx.berthCommand(['container', 'health-monitor', '--run', rec.state.runId, rec.id]));
  return { monitorPid, monitorStartTime: startTimeOf(monitorPid) };
}

/**
 * A monitor that died (killed, OOM) while its container runs would leave the health frozen at
 * its last status: whoever reads the health (ps, inspect) notices and starts another, which goes
 * on from the recorded state. One reader does it (a lock taken without waiting).
 */
function replaceDeadMonitor(ctx: EngineContext, rec: ContainerRecord, f: HealthFile): void {
  if (f.monitorPid <= 0 || isLive(f.monitorPid, f.monitorStartTime)) return;
  const lock = tryLockFile(lockFilePath(ctx.paths, 'container', `${rec.id}.health`));
  if (!lock) return;
  try {
    const cur = readFile(ctx, rec.id);
    if (!cur || cur.runId !== rec.state.runId || isLive(cur.monitorPid, cur.monitorStartTime)) return;
    writeFile(ctx, rec.id, { ...cur, ...spawnMonitor(ctx, rec) });
  } finally {
    lock.release();
  }
}

/** Stop the monitor of a run that ended (the exit hook calls this); its last state stays for inspect. */
export function stopHealthMonitor(ctx: EngineContext, id: string): void {
  const f = readFile(ctx, id);
  if (!f || f.monitorPid <= 0 || f.monitorPid === process.pid) return;
  try {
    if (isLive(f.monitorPid, f.monitorStartTime)) process.kill(f.monitorPid, 'SIGTERM');
  } catch {
    /* gone already */
  }
}

/** Run the healthcheck's command once in the container, as docker exec would, with its timeout. */
export async function probe(ctx: EngineContext, rec: ContainerRecord, hc: HealthConfig & { Test: string[] }): Promise<HealthLogEntry> {
  const start = new Date();
  const [kind, ...rest] = hc.Test;
  const shell = rec.image.config.Shell?.length ? rec.image.config.Shell : ['/bin/sh', '-c'];
  const cmd = kind === 'CMD-SHELL' ? [...shell, rest.join(' ')] : kind === 'CMD' ? rest : hc.Test;
  const timeoutMs = (hc.Timeout || HEALTH_DEFAULTS.Timeout) / 1e6;
  let exitCode: number;
  let output: string;
  // kube's httpGet and tcpSocket probes: from the host into the container's network namespace
  if (isNetProbe(hc.Test)) {
    const r = await netProbe(ctx, rec, hc.Test, timeoutMs);
    return { Start: start.toISOString(), End: new Date().toISOString(), ExitCode: r.exitCode, Output: r.output };
  }
  try {
    const { process: proc } = execProcess(ctx, rec.id, { cmd, env: [], tty: false, interactive: false, privileged: false });
    const r = await execCaptured(execOptions(ctx, rec.id, proc, { tty: false, stdin: false }), timeoutMs, MAX_OUTPUT);
    exitCode = r.timedOut ? -1 : r.exitCode;
    output = r.timedOut ? `Health check exceeded timeout (${formatSeconds(timeoutMs)})` : r.output;
  } catch (e) {
    exitCode = -1;
    output = e instanceof Error ? e.message : String(e);
  }
  return { Start: start.toISOString(), End: new Date().toISOString(), ExitCode: exitCode, Output: output };
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * The monitor's loop, for one run of one container: probe every interval (every start interval
 * while starting within the start period), record, and end when that run ends.
 */
export async function monitorHealth(ctx: EngineContext, id: string, runId: string): Promise<void> {
  if (ctx.containers.get(id)?.spec.kubeProbes) return monitorKubeProbes(ctx, id, runId);
  for (;;) {
    const rec = ctx.containers.get(id);
    const hc = rec && effectiveHealthcheck(rec);
    if (!rec || !hc || rec.state.runId !== runId || !['running', 'paused'].includes(rec.state.status)) return;
    // the container's process or its run dir gone without an exit hook (kill -9, a deleted root):
    // nothing is left to watch
    if (!isLive(rec.state.pid, rec.state.pidStartTime) || !fs.existsSync(containerPaths(ctx.paths, id).runDir)) return;
    const cur = readFile(ctx, id) ?? { Status: 'starting' as const, FailingStreak: 0, Log: [], runId, monitorPid: process.pid };
    // replaced by another monitor (this one was taken for dead): one monitor per run
    if (cur.monitorPid !== process.pid && isLive(cur.monitorPid, cur.monitorStartTime)) return;
    const startPeriod = (hc.StartPeriod ?? 0) / 1e6;
    const inStartPeriod = Date.now() - Date.parse(rec.state.startedAt) < startPeriod;
    const waitMs =
      cur.Status === 'starting' && inStartPeriod ? (hc.StartInterval || HEALTH_DEFAULTS.StartInterval) / 1e6 : (hc.Interval || HEALTH_DEFAULTS.Interval) / 1e6;
    await new Promise((r) => setTimeout(r, waitMs));
    const now = ctx.containers.get(id);
    if (!now || now.state.runId !== runId || now.state.status !== 'running') {
      if (now?.state.status === 'paused') continue; // docker skips probes of a paused container
      return;
    }
    const entry = await probe(ctx, now, hc);
    const still = ctx.containers.get(id);
    if (!still || still.state.runId !== runId || still.state.status !== 'running') return;
    const before = readFile(ctx, id) ?? cur;
    const inPeriod = Date.parse(entry.Start) - Date.parse(now.state.startedAt) < startPeriod;
    const next = applyProbe(before, entry, hc, inPeriod);
    writeFile(ctx, id, { ...next, runId, monitorPid: process.pid, monitorStartTime: startTimeOf(process.pid) });
    if (next.Status !== before.Status) containerEvent(ctx, still, `health_status: ${next.Status}`);
    // podman's --health-on-failure=kill (kube's liveness probe): the restart policy takes it from there
    if (next.Status === 'unhealthy' && before.Status !== 'unhealthy' && still.spec.healthOnFailure === 'kill') {
      await ctx
        .runtime()
        .kill(id, 9, true)
        .catch(() => undefined);
      return;
    }
  }
}
