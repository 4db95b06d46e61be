import { BerthError, errorMessage } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import type { ContainerRecord } from '../containers/container-record.js';
import { createContainer } from '../containers/create.js';
import { refreshContainer } from '../containers/exit.js';
import { generateName, newContainerId } from '../containers/names.js';
import { pauseContainer, unpauseContainer } from '../containers/pause.js';
import { removeContainer } from '../containers/remove.js';
import { startContainer, type StartOptions } from '../containers/start.js';
import { killContainer, stopContainer } from '../containers/stop.js';
import { waitContainer } from '../containers/wait.js';
import { isProcessAlive } from '../runtime/process-util.js';
import { withObjectLock, type HeldLock } from '../locks.js';
import fs from 'node:fs';
import path from 'node:path';
import { PodStore, podStore } from './pod-store.js';
import { removePodCgroup, setUpPodCgroup } from './pod-cgroup.js';
import { infraContainerSpec } from './infra.js';
import { canCreateWithInfra, startWithInfra } from './member.js';
import { podHasLiveContainer, removePodNamespaces, repairPodNamespaces } from './pod-ns.js';
import { DEFAULT_SHARE, type PodNamespace, type PodRecord, type PodSpec, type PodStatus } from './pod-record.js';

export interface CreatePodOptions {
  name?: string;
  labels?: Record<string, string>;
  hostname?: string;
  /** the namespaces to share (default ipc, net, uts) */
  share?: PodNamespace[];
  network?: string;
  publish?: PodSpec['publish'];
  extraHosts?: string[];
  dns?: string[];
  resources?: PodSpec['resources'];
  infra?: boolean;
  restartPolicy?: PodSpec['restartPolicy'];
  kube?: PodSpec['kube'];
}

/** `--share ipc,net` (replaces the default) or `--share +pid` (adds to it), as podman's flag. */
export function parseShare(values: readonly string[]): PodNamespace[] {
  let out = new Set<PodNamespace>(DEFAULT_SHARE);
  let replaced = false;
  for (const v of values.flatMap((x) => x.split(','))) {
    const item = v.trim();
    if (item === '') continue;
    const add = item.startsWith('+');
    const ns = add ? item.slice(1) : item;
    if (!['net', 'ipc', 'uts', 'pid'].includes(ns))
      throw new BerthError(
        'InvalidArgument',
        `invalid --share "${item}": the namespaces a pod shares are net, ipc, uts and pid (cgroup, user and mnt are not shared)`,
      );
    if (!add && !replaced) {
      out = new Set();
      replaced = true;
    }
    out.add(ns as PodNamespace);
  }
  return [...out].sort();
}

/**
 * Create a pod: its record, its cgroup with the limits, and (unless --infra=false) its infra
 * container, which owns the pod's network and ports. Nothing is left when a step fails.
 */
export function createPod(ctx: EngineContext, opts: CreatePodOptions): PodRecord {
  const store = podStore(ctx);
  const infra = opts.infra ?? true;
  const share = infra ? (opts.share ?? [...DEFAULT_SHARE]) : [];
  if (!infra && opts.share && opts.share.length > 0 && opts.share.join() !== [...DEFAULT_SHARE].join()) {
    throw new BerthError('InvalidArgument', 'a pod without infra (--infra=false) shares no namespaces: --share needs the infra process');
  }
  if (!infra && (opts.publish ?? []).length > 0)
    throw new BerthError('InvalidArgument', 'a pod without infra (--infra=false) has no network of its own to publish ports on');
  if (!infra && opts.network !== undefined && opts.network !== 'bridge')
    throw new BerthError('InvalidArgument', 'a pod without infra (--infra=false) has no network of its own: --network needs the infra process');
  if (infra && !share.includes('net') && (opts.publish ?? []).length > 0)
    throw new BerthError('InvalidArgument', 'published ports need the pod to share its network namespace (--share net)');
  if (opts.network?.startsWith('container:'))
    throw new BerthError('InvalidArgument', `invalid --network ${opts.network} for a pod: a pod's network is its own`);
  const name = opts.name ?? generateName((n) => store.findByName(n) !== undefined);
  PodStore.validateName(name);
  if (opts.hostname !== undefined && !/^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,62})$/.test(opts.hostname))
    throw new BerthError('InvalidArgument', `invalid hostname "${opts.hostname}"`);
  const id = newContainerId();
  const spec: PodSpec = {
    name,
    labels: opts.labels ?? {},
    hostname: opts.hostname ?? name,
    share,
    network: opts.network ?? 'bridge',
    publish: opts.publish ?? [],
    extraHosts: opts.extraHosts ?? [],
    dns: opts.dns ?? [],
    resources: opts.resources ?? {},
    infra,
    ...(opts.restartPolicy ? { restartPolicy: opts.restartPolicy } : {}),
    ...(opts.kube ? { kube: opts.kube } : {}),
  };
  // written first as pending (hidden): a berth killed half-way leaves a row repairPods removes
  const rec: PodRecord = { id, name, created: new Date().toISOString(), spec, infraId: '', cgroupParent: `/berth/pod-${id}`, pendingPid: process.pid };
  store.insert(rec);
  try {
    setUpPodCgroup(rec);
    if (infra) {
      const ctr = createContainer(ctx, infraContainerSpec(rec));
      store.setInfra(id, ctr.id);
      rec.infraId = ctr.id;
    }
    store.markReady(id);
    ctx.events.emit({ type: 'pod', action: 'create', id, attributes: { name } });
    return { ...rec, pendingPid: 0 };
  } catch (e) {
    removePodCgroup(rec.cgroupParent);
    store.delete(id);
    throw e;
  }
}

/** The label that marks a pod's init container (kube play), with its place in the order. */
export const INIT_LABEL = 'io.berth.kube.init';

function initOrder(c: ContainerRecord): number {
  const v = c.spec.labels[INIT_LABEL];
  return v === undefined ? -1 : Number(v);
}

/** The pod's containers: its infra first, then its init containers in order, then the others in creation order. */
export function podContainers(ctx: EngineContext, pod: PodRecord): ContainerRecord[] {
  const all = ctx.containers
    .list()
    .filter((c) => c.spec.pod === pod.id)
    .map((c) => refreshContainer(ctx, c));
  const infra = all.filter((c) => c.spec.podInfra);
  // ISO times compare as strings; localeCompare's first use loads ICU's collator (~6 ms of every pod command)
  const members = all.filter((c) => !c.spec.podInfra).sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0));
  const init = members.filter((c) => initOrder(c) >= 0).sort((a, b) => initOrder(a) - initOrder(b));
  return [...infra, ...init, ...members.filter((c) => initOrder(c) < 0)];
}

/** Where a pod keeps the volumes that live as long as it does (kube's emptyDir, configMap, secret). */
export function podDataDir(ctx: EngineContext, podId: string): string {
  return path.join(ctx.paths.root, 'pods', podId);
}

/** The members a user made (no infra). */
export function podMembers(ctx: EngineContext, pod: PodRecord): ContainerRecord[] {
  return podContainers(ctx, pod).filter((c) => !c.spec.podInfra);
}

/** podman's pod status, from its containers' states (the infra alone counts when it is all). */
export function podStatus(containers: readonly ContainerRecord[]): PodStatus {
  // an init container that ran to completion is not a member that stopped
  const members = containers.filter((c) => !c.spec.podInfra && !(initOrder(c) >= 0 && c.state.status === 'exited' && c.state.exitCode === 0));
  const list = members.length > 0 ? members : containers;
  if (list.length === 0) return 'Created';
  const st = list.map((c) => c.state.status);
  const live = (s: string) => s === 'running' || s === 'restarting';
  if (st.every((s) => s === 'paused')) return 'Paused';
  if (st.every(live)) return 'Running';
  if (st.some((s) => live(s) || s === 'paused')) return 'Degraded';
  if (st.every((s) => s === 'created')) return 'Created';
  return 'Exited';
}

export function lookupPod(ctx: EngineContext, ref: string): PodRecord {
  return podStore(ctx).lookup(ref);
}

/**
 * Run a pod verb under the pod's lock (flock, as a container's): two pod commands, or a pod
 * command and a member joining, never interleave. The pod is looked up again once the lock is
 * held: removed meanwhile, the verb finds it gone, as it would have after the removal.
 */
async function withPod<T>(ctx: EngineContext, ref: string, fn: (pod: PodRecord, lock: HeldLock) => Promise<T>): Promise<T> {
  const seen = lookupPod(ctx, ref);
  return withObjectLock(ctx.paths, 'pod', seen.id, (lock) => {
    const pod = podStore(ctx).get(seen.id);
    if (!pod) {
      lock.discard();
      throw new BerthError('NotFound', `no such pod: ${ref}`);
    }
    return fn(pod, lock);
  });
}

function failures(pod: PodRecord, verb: string, errors: Array<[ContainerRecord, unknown]>): void {
  if (errors.length === 0) return;
  const detail = errors.map(([c, e]) => `${c.name}: ${errorMessage(e)}`).join('; ');
  throw new BerthError('Internal', `${verb} pod "${pod.name}": ${detail}`);
}

/**
 * Start the infra, then the init containers one by one, each to completion, then the others side
 * by side. When what the members join exists as files before the infra's process does, the
 * first of them to start (the first init container, or all the others) is created at once with
 * the infra, its process still starting after the infra's: the runtime's create, most of a
 * start, no longer runs twice in a row.
 */
export async function startPod(ctx: EngineContext, ref: string): Promise<PodRecord> {
  return withPod(ctx, ref, async (pod, _lock) => {
    setUpPodCgroup(pod);
    const errors: Array<[ContainerRecord, unknown]> = [];
    const all = podContainers(ctx, pod).filter((c) => c.state.status !== 'running' && c.state.status !== 'paused');
    const infra = all.find((x) => x.spec.podInfra);
    const init = all.filter((x) => !x.spec.podInfra && initOrder(x) >= 0);
    const others = all.filter((x) => !x.spec.podInfra && initOrder(x) < 0);
    // each start waits on conmon and the runtime most of its time
    const startAll = (list: ContainerRecord[], opts: StartOptions) =>
      Promise.all(list.map((c) => startContainer(ctx, c.id, opts).catch((e: unknown) => void errors.push([c, e]))));
    const ranToCompletion = async (c: ContainerRecord) => {
      const code = await waitContainer(ctx, c.id);
      if (code !== 0) throw new BerthError('FailedPrecondition', `init container exited with code ${code}`);
    };
    // what still has to start, in order, once the infra runs: init containers, then the others
    let pendingInit = init;
    let pendingOthers = others;
    const beside = init.length > 0 ? init.slice(0, 1) : others;
    if (infra && beside.length > 0 && canCreateWithInfra(pod)) {
      const [outcome] = await startWithInfra(
        pod,
        (prepared) => startContainer(ctx, infra.id, { prepared }),
        (beforeStart) => startAll(beside, { beforeStart }),
      );
      if (outcome.status === 'rejected') errors.unshift([infra, outcome.reason]);
      if (init.length > 0) {
        pendingInit = init.slice(1);
        const first = init[0] as ContainerRecord;
        if (errors.length === 0) await ranToCompletion(first).catch((e: unknown) => void errors.push([first, e]));
      } else pendingOthers = [];
    } else if (infra) {
      await startContainer(ctx, infra.id).catch((e: unknown) => void errors.push([infra, e]));
    }
    for (const c of pendingInit) {
      if (errors.length > 0) break;
      try {
        await startContainer(ctx, c.id);
        await ranToCompletion(c);
      } catch (e) {
        errors.push([c, e]);
      }
    }
    if (errors.length === 0) await startAll(pendingOthers, {});
    failures(pod, 'starting', errors);
    ctx.events.emit({ type: 'pod', action: 'start', id: pod.id, attributes: { name: pod.name } });
    return pod;
  });
}

/** Stop the members side by side, then the infra that holds their namespaces. */
export async function stopPod(ctx: EngineContext, ref: string, opts: { timeout?: number } = {}): Promise<PodRecord> {
  return withPod(ctx, ref, async (pod, _lock) => {
    const all = podContainers(ctx, pod);
    const errors: Array<[ContainerRecord, unknown]> = [];
    const stopOne = async (c: ContainerRecord) => {
      try {
        await stopContainer(ctx, c.id, opts.timeout !== undefined ? { timeout: opts.timeout } : {});
      } catch (e) {
        errors.push([c, e]);
      }
    };
    await Promise.all(all.filter((c) => !c.spec.podInfra).map(stopOne));
    for (const c of all.filter((x) => x.spec.podInfra)) await stopOne(c);
    // nothing runs in the pod's ipc and uts namespaces now: its next start makes new ones
    if (!podHasLiveContainer(ctx, pod)) removePodNamespaces(ctx, pod.id);
    failures(pod, 'stopping', errors);
    ctx.events.emit({ type: 'pod', action: 'stop', id: pod.id, attributes: { name: pod.name } });
    return pod;
  });
}

export async function restartPod(ctx: EngineContext, ref: string, opts: { timeout?: number } = {}): Promise<PodRecord> {
  // one hold of the lock for both halves (re-entrant): nothing comes between the stop and the start
  return withPod(ctx, ref, async (pod) => {
    await stopPod(ctx, pod.id, opts);
    return startPod(ctx, pod.id);
  });
}

/** A signal to every running container of the pod, members first. */
export async function killPod(ctx: EngineContext, ref: string, signal = 'SIGKILL'): Promise<PodRecord> {
  return withPod(ctx, ref, async (pod, _lock) => {
    const all = podContainers(ctx, pod);
    const running = [...all.filter((c) => !c.spec.podInfra), ...all.filter((c) => c.spec.podInfra)].filter(
      (c) => c.state.status === 'running' || c.state.status === 'paused',
    );
    if (running.length === 0) throw new BerthError('Conflict', `pod "${pod.name}" has no running container to kill`);
    const errors: Array<[ContainerRecord, unknown]> = [];
    for (const c of running) {
      try {
        await killContainer(ctx, c.id, signal);
      } catch (e) {
        errors.push([c, e]);
      }
    }
    failures(pod, 'killing', errors);
    return pod;
  });
}

export async function pausePod(ctx: EngineContext, ref: string): Promise<PodRecord> {
  return withPod(ctx, ref, async (pod, _lock) => {
    const running = podContainers(ctx, pod).filter((c) => c.state.status === 'running');
    if (running.length === 0) throw new BerthError('Conflict', `pod "${pod.name}" has no running container to pause`);
    const errors: Array<[ContainerRecord, unknown]> = [];
    for (const c of running) await pauseContainer(ctx, c.id).catch((e: unknown) => errors.push([c, e]));
    failures(pod, 'pausing', errors);
    return pod;
  });
}

export async function unpausePod(ctx: EngineContext, ref: string): Promise<PodRecord> {
  return withPod(ctx, ref, async (pod, _lock) => {
    const paused = podContainers(ctx, pod).filter((c) => c.state.status === 'paused');
    if (paused.length === 0) throw new BerthError('Conflict', `pod "${pod.name}" has no paused container`);
    const errors: Array<[ContainerRecord, unknown]> = [];
    for (const c of paused) await unpauseContainer(ctx, c.id).catch((e: unknown) => errors.push([c, e]));
    failures(pod, 'unpausing', errors);
    return pod;
  });
}

/**
 * Remove a pod: refused while a member runs unless forced. Members go first, then the infra
 * (with the pod's network, ports and namespaces), then the pod's cgroup, then its record.
 */
export async function removePod(ctx: EngineContext, ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<string> {
  return withPod(ctx, ref, async (pod, lock) => {
    const all = podContainers(ctx, pod);
    const members = all.filter((c) => !c.spec.podInfra);
    const live = members.filter((c) => ['running', 'paused', 'restarting'].includes(c.state.status));
    if (live.length > 0 && !opts.force) {
      throw new BerthError(
        'Conflict',
        `pod "${pod.name}" has running containers (${live.map((c) => c.name).join(', ')}): stop the pod before removing it, or remove it with -f`,
      );
    }
    await Promise.all(members.map((c) => removeContainer(ctx, c.id, { force: true, podRemoval: true, ...(opts.volumes ? { volumes: true } : {}) })));
    for (const c of all.filter((x) => x.spec.podInfra)) await removeContainer(ctx, c.id, { force: true, podRemoval: true });
    removePodNamespaces(ctx, pod.id);
    removePodCgroup(pod.cgroupParent);
    fs.rmSync(podDataDir(ctx, pod.id), { recursive: true, force: true });
    podStore(ctx).delete(pod.id);
    lock.discard();
    ctx.events.emit({ type: 'pod', action: 'remove', id: pod.id, attributes: { name: pod.name } });
    return pod.id;
  });
}

/**
 * Undo pods whose creating berth died half-way (kill -9): their infra container, cgroup, own
 * volumes and row. Pod commands run it first, so a dead creation never holds a name.
 */
export async function repairPods(ctx: EngineContext): Promise<void> {
  for (const pod of podStore(ctx).list(true)) {
    if (pod.pendingPid === 0 || pod.pendingPid === process.pid || isProcessAlive(pod.pendingPid)) continue;
    for (const c of ctx.containers.list(true).filter((x) => x.spec.pod === pod.id)) {
      await removeContainer(ctx, c.id, { force: true, podRemoval: true }).catch(() => undefined);
    }
    removePodNamespaces(ctx, pod.id);
    removePodCgroup(pod.cgroupParent);
    fs.rmSync(podDataDir(ctx, pod.id), { recursive: true, force: true });
    podStore(ctx).delete(pod.id);
  }
  // namespace files of pods that are gone or have nothing running
  const store = podStore(ctx);
  await repairPodNamespaces(ctx, (id) => store.get(id));
}

/** Remove every pod with no container running. */
export async function prunePods(ctx: EngineContext): Promise<string[]> {
  const out: string[] = [];
  for (const pod of podStore(ctx).list()) {
    const st = podStatus(podContainers(ctx, pod));
    if (st === 'Exited' || st === 'Created' || st === 'Stopped') out.push(await removePod(ctx, pod.id));
  }
  return out;
}

/** `pod inspect`: podman's fields that berth has. */
export function podJson(ctx: EngineContext, pod: PodRecord): Record<string, unknown> {
  const all = podContainers(ctx, pod);
  const infra = all.find((c) => c.spec.podInfra);
  return {
    Id: pod.id,
    Name: pod.name,
    Created: pod.created,
    State: podStatus(all),
    Hostname: pod.spec.hostname,
    Labels: pod.spec.labels,
    CreateCgroup: true,
    CgroupParent: pod.cgroupParent,
    CgroupPath: pod.cgroupParent,
    CreateInfra: pod.spec.infra,
    InfraContainerID: pod.infraId,
    InfraConfig: {
      PortBindings: portBindings(pod),
      HostNetwork: pod.spec.network === 'host',
      Networks: pod.spec.infra ? [pod.spec.network] : [],
      DNSServer: pod.spec.dns,
      HostAdd: pod.spec.extraHosts,
      ...(infra ? { InfraPid: infra.state.pid } : {}),
    },
    SharedNamespaces: pod.spec.share,
    CPUQuota: pod.spec.resources.nanoCpus ? Math.round((pod.spec.resources.nanoCpus / 1e9) * 100_000) : 0,
    CPUPeriod: pod.spec.resources.nanoCpus ? 100_000 : 0,
    MemoryLimit: pod.spec.resources.memory ?? 0,
    NumContainers: all.length,
    Containers: all.map((c) => ({ Id: c.id, Name: c.name, State: c.state.status })),
    ...(pod.spec.kube ? { Kube: pod.spec.kube } : {}),
  };
}

function portBindings(pod: PodRecord): Record<string, Array<{ HostIp: string; HostPort: string }>> {
  const out: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of pod.spec.publish) {
    const key = `${p.containerPort}/${p.protocol}`;
    (out[key] ??= []).push({ HostIp: p.hostIp, HostPort: p.hostPort ? String(p.hostPort) : '' });
  }
  return out;
}
