import fs from 'node:fs';
import path from 'node:path';
import linux from 'berth-linux';
import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import { refreshContainer } from '../containers/exit.js';
import { rootlessMode } from '../rootless/mode.js';
import { withObjectLockIfFree } from '../locks.js';
import type { PodRecord } from './pod-record.js';

/**
 * A pod's ipc and uts namespaces as files the pod holds (a namespace bind-mounted on each, as
 * `ip netns` holds a network namespace): made before its infra starts, so the infra and its
 * members can all be created at once instead of members waiting for the infra's process to join
 * /proc/<pid>/ns/*. The infra joins them too, so they are the namespaces a member sees either way.
 * They live while the pod's containers may use them: an infra restarted while members run joins
 * the same ones again; a pod with nothing running gets fresh ones at its next start (as a new
 * infra process would have), and `pod stop`/`pod rm` and repair delete them.
 */
export type PodNsKind = 'ipc' | 'uts';

/** Where a store keeps its pods' namespace files: under its run directory, gone with a reboot. */
export function podNsRoot(ctx: EngineContext): string {
  return path.join(ctx.paths.runRoot, 'pod-ns');
}

export function podNsPath(ctx: EngineContext, podId: string, kind: PodNsKind): string {
  return path.join(podNsRoot(ctx), podId, kind);
}

/** The namespaces of the pod that are held as files (none rootless: mounting them needs root). */
export function podNsKinds(pod: PodRecord): PodNsKind[] {
  if (!pod.infraId || rootlessMode()) return [];
  return (['ipc', 'uts'] as const).filter((k) => pod.spec.share.includes(k));
}

function live(status: string): boolean {
  return status === 'running' || status === 'paused' || status === 'restarting';
}

/** Whether a container of the pod (the infra or a member) is running, so in the pod's namespaces. */
export function podHasLiveContainer(ctx: EngineContext, pod: PodRecord): boolean {
  return ctx.containers
    .list()
    .filter((c) => c.spec.pod === pod.id)
    .some((c) => live(refreshContainer(ctx, c).state.status));
}

/**
 * Before the infra starts: the pod's namespace files, kept when a container of the pod still runs
 * in them, made afresh otherwise. Returns the paths for the runtime to join, by its spec type.
 */
export function ensurePodNamespaces(ctx: EngineContext, pod: PodRecord): { ipc?: string; uts?: string } {
  const kinds = podNsKinds(pod);
  if (kinds.length === 0) return {};
  if (!podHasLiveContainer(ctx, pod)) removePodNamespaces(ctx, pod.id);
  fs.mkdirSync(path.join(podNsRoot(ctx), pod.id), { recursive: true, mode: 0o700 });
  const out: { ipc?: string; uts?: string } = {};
  for (const kind of kinds) {
    const file = podNsPath(ctx, pod.id, kind);
    try {
      linux.podNsCreate(file, kind, kind === 'uts' ? pod.spec.hostname : '');
    } catch (e) {
      throw new BerthError('Internal', `creating the ${kind} namespace of pod "${pod.name}": ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    out[kind] = file;
  }
  return out;
}

/** Unmount and delete a pod's namespace files and their directory; absent is fine. */
export function removePodNamespaces(ctx: EngineContext, podId: string): void {
  const dir = path.join(podNsRoot(ctx), podId);
  if (!fs.existsSync(dir)) return;
  for (const kind of ['ipc', 'uts'] as const) linux.netnsDelete(path.join(dir, kind));
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Repair: namespace files of pods that no longer exist (a removal killed half-way), and of pods
 * with nothing running in them (their containers stopped one by one, or killed): a pod or infra
 * some command holds (a start under way) is left to it.
 */
export async function repairPodNamespaces(ctx: EngineContext, pods: (podId: string) => PodRecord | undefined): Promise<void> {
  let names: string[];
  try {
    names = fs.readdirSync(podNsRoot(ctx));
  } catch {
    return;
  }
  for (const n of names) {
    if (!/^[0-9a-f]{64}$/.test(n)) continue;
    const pod = pods(n);
    if (!pod?.infraId) {
      removePodNamespaces(ctx, n);
      continue;
    }
    await withObjectLockIfFree(ctx.paths, 'pod', pod.id, () =>
      withObjectLockIfFree(ctx.paths, 'container', pod.infraId, () => {
        if (!podHasLiveContainer(ctx, pod)) removePodNamespaces(ctx, pod.id);
      }),
    );
  }
}
