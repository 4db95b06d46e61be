import fs from 'node:fs';
import type { EngineContext } from '../engine-context.js';
import { containerEvent } from '../events/container-events.js';
import { isLive, startTimeOf } from '../runtime/process-util.js';
import type { KubeProbe, KubeProbes } from '../spec/container-spec.js';
import { containerPaths } from './container-paths.js';
import { MAX_LOG, probe, readFile, writeFile, type HealthLogEntry, type HealthState, type HealthStatus } from './health.js';

/**
 * kube play's probes with Kubernetes' rules (the kubelet's prober workers), one worker per probe
 * in the container's health monitor:
 * - each probes first initialDelaySeconds after the container started, then every periodSeconds,
 *   a probe taking longer than timeoutSeconds being a failure;
 * - a result counts once it comes successThreshold (success) or failureThreshold (failure) times
 *   in a row;
 * - while a startup probe has not succeeded, the liveness and readiness probes do not run; once
 *   it has, it runs no more;
 * - a liveness or startup probe's failure kills the container (its restart policy, from the pod's
 *   restartPolicy, decides whether it comes back, as a new run with a new monitor);
 * - the readiness probe makes the container ready or unready, and never kills.
 * inspect's State.Health shows it the docker way: starting, then healthy (ready) or unhealthy,
 * with Started and Ready as Kubernetes has them.
 */

export type ProbeKind = 'startup' | 'liveness' | 'readiness';
type Result = 'unknown' | 'success' | 'failure';

export interface KubeProbeState {
  /** the startup probe succeeded (true at once without one) */
  started: boolean;
  /** Kubernetes' readiness */
  ready: boolean;
  probes: Partial<Record<ProbeKind, { result: Result; last: Result; run: number }>>;
}

export function initialKubeState(): KubeProbeState {
  return { started: false, ready: false, probes: {} };
}

/** The container's health the docker way, from where its probes stand. */
export function kubeHealth(st: KubeProbeState, probes: KubeProbes, log: HealthLogEntry[]): HealthState {
  const started = st.started || !probes.startup;
  const ready = started && (probes.readiness ? st.probes.readiness?.result === 'success' : true);
  const of = (k: ProbeKind) => st.probes[k]?.result ?? 'unknown';
  let status: HealthStatus;
  if (!started) status = 'starting';
  else if (probes.liveness && of('liveness') === 'failure') status = 'unhealthy';
  else if (probes.readiness) status = of('readiness') === 'success' ? 'healthy' : of('readiness') === 'failure' ? 'unhealthy' : 'starting';
  else if (probes.liveness) status = of('liveness') === 'success' ? 'healthy' : 'starting';
  else status = 'healthy';
  const streak = Math.max(0, ...Object.values(st.probes).map((p) => (p.last === 'failure' ? p.run : 0)));
  return { Status: status, FailingStreak: streak, Log: log, Started: started, Ready: ready };
}

/** One probe's outcome folded in; true when it is a liveness or startup failure that kills. */
export function applyKubeProbe(st: KubeProbeState, kind: ProbeKind, p: KubeProbe, ok: boolean): boolean {
  const cur = st.probes[kind] ?? { result: 'unknown' as Result, last: 'unknown' as Result, run: 0 };
  const r: Result = ok ? 'success' : 'failure';
  const run = cur.last === r ? cur.run + 1 : 1;
  const next = { result: cur.result, last: r, run };
  if (run >= (ok ? p.successThreshold : p.failureThreshold)) next.result = r;
  st.probes[kind] = next;
  if (kind === 'startup' && next.result === 'success') st.started = true;
  if (kind === 'readiness') st.ready = next.result === 'success';
  return !ok && kind !== 'readiness' && next.result === 'failure';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** The monitor of one run of a container with kube probes: a worker per probe until the run ends. */
export async function monitorKubeProbes(ctx: EngineContext, id: string, runId: string): Promise<void> {
  const first = ctx.containers.get(id);
  const probes = first?.spec.kubeProbes;
  if (!first || !probes || first.state.runId !== runId) return;
  // a monitor that replaces a dead one goes on from what was recorded
  const recorded = readFile(ctx, id);
  const state = recorded?.runId === runId && recorded.kube ? recorded.kube : initialKubeState();
  let log = recorded?.runId === runId ? recorded.Log : [];
  let status = kubeHealth(state, probes, log).Status;
  let ended = false;
  const startedAt = Date.parse(first.state.startedAt);

  /** the run still going, and this the monitor of record */
  const current = () => {
    if (ended) return undefined;
    const rec = ctx.containers.get(id);
    if (!rec || rec.state.runId !== runId || !['running', 'paused'].includes(rec.state.status)) return undefined;
    if (!isLive(rec.state.pid, rec.state.pidStartTime) || !fs.existsSync(containerPaths(ctx.paths, id).runDir)) return undefined;
    const f = readFile(ctx, id);
    if (f && f.runId === runId && f.monitorPid !== process.pid && isLive(f.monitorPid, f.monitorStartTime)) return undefined;
    return rec;
  };

  const worker = async (kind: ProbeKind, p: KubeProbe): Promise<void> => {
    let next = startedAt + p.initialDelaySeconds * 1000;
    for (;;) {
      await sleep(next - Date.now());
      next = Math.max(next + p.periodSeconds * 1000, Date.now());
      const rec = current();
      if (!rec) {
        ended = true;
        return;
      }
      if (rec.state.status === 'paused') continue; // no probes of a paused container
      if (kind === 'startup' && state.started) return;
      if (kind !== 'startup' && probes.startup && !state.started) continue;
      const entry = await probe(ctx, rec, { Test: p.test, Timeout: p.timeoutSeconds * 1e9 });
      if (!current()) {
        ended = true;
        return;
      }
      const kills = applyKubeProbe(state, kind, p, entry.ExitCode === 0);
      log = [...log, { ...entry, Probe: kind }].slice(-MAX_LOG);
      const health = kubeHealth(state, probes, log);
      writeFile(ctx, id, { ...health, kube: state, runId, monitorPid: process.pid, monitorStartTime: startTimeOf(process.pid) });
      if (health.Status !== status) containerEvent(ctx, rec, `health_status: ${health.Status}`);
      status = health.Status;
      if (kills) {
        ended = true;
        // as the kubelet: killed, and the restart policy takes it from there
        await ctx
          .runtime()
          .kill(id, 9, true)
          .catch(() => undefined);
        return;
      }
    }
  };
  const kinds: ProbeKind[] = ['startup', 'liveness', 'readiness'];
  await Promise.all(kinds.flatMap((k) => (probes[k] ? [worker(k, probes[k] as KubeProbe)] : [])));
}
