import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import type { ContainerRecord } from '../containers/container-record.js';
import type { ContainerSpec } from '../spec/container-spec.js';
import { refreshContainer } from '../containers/exit.js';
import { shmDir, startContainer } from '../containers/start.js';
import { containerPaths } from '../containers/container-paths.js';
import { isBridgeMode, type StartNetwork } from '../networks/index.js';
import { netnsNameFor, netnsPath } from '../networks/netns.js';
import { rootlessMode } from '../rootless/mode.js';
import { ensurePodNamespaces, podNsKinds, podNsPath } from './pod-ns.js';
import { podStore } from './pod-store.js';
import { setUpPodCgroup } from './pod-cgroup.js';
import type { PodRecord } from './pod-record.js';

function refuse(pod: PodRecord, what: string, why: string): BerthError {
  return new BerthError('InvalidArgument', `${what} cannot be set on a container in pod "${pod.name}": ${why}`);
}

/**
 * A container joining a pod: the namespaces the pod shares become joins of its infra's (net, ipc,
 * uts, and pid when asked), and its cgroup goes under the pod's. What the pod owns is refused on
 * the member with the reason: its ports, network, hostname and cgroup parent.
 * `explicit` tells which of these the user set (the CLI's defaults are not a choice).
 */
export function podMemberSpec(pod: PodRecord, input: ContainerSpec, explicit: { network?: boolean } = {}): ContainerSpec {
  const spec: ContainerSpec = { ...input };
  const share = new Set(pod.infraId ? pod.spec.share : []);
  if (share.has('net')) {
    if (spec.publish.length > 0 || spec.publishAll) {
      throw refuse(
        pod,
        'published ports (-p, -P)',
        "the pod's network namespace is shared by its members, so its ports belong to the pod: publish them with `berth pod create -p`",
      );
    }
    if (explicit.network && spec.network !== 'bridge') throw refuse(pod, `--network ${spec.network}`, "its members share the pod's network namespace");
    if (spec.ip !== undefined || spec.macAddress !== undefined || (spec.networkAliases ?? []).length > 0) {
      throw refuse(pod, '--ip, --mac-address and --network-alias', "its members share the pod's network namespace");
    }
    spec.network = `container:${pod.infraId}`;
    spec.networkAliases = [];
  }
  for (const [ns, key, flag] of [
    ['ipc', 'ipcMode', '--ipc'],
    ['uts', 'utsMode', '--uts'],
    ['pid', 'pidMode', '--pid'],
  ] as const) {
    if (!share.has(ns)) continue;
    const cur = spec[key];
    if (cur !== undefined && cur !== '' && cur !== 'private') throw refuse(pod, `${flag} ${cur}`, `the pod shares its ${ns} namespace with its members`);
    spec[key] = `container:${pod.infraId}`;
  }
  if (share.has('uts')) {
    if (spec.hostname !== undefined && spec.hostname !== pod.spec.hostname)
      throw refuse(pod, '--hostname', "its members share the pod's uts namespace and hostname (set it with `berth pod create --hostname`)");
    spec.hostname = pod.spec.hostname;
  }
  if (spec.cgroupParent !== undefined && spec.cgroupParent !== pod.cgroupParent)
    throw refuse(pod, '--cgroup-parent', "its members' cgroups go under the pod's, which bounds them all");
  spec.cgroupParent = pod.cgroupParent;
  spec.pod = pod.id;
  return spec;
}

/**
 * What a pod's container joins instead of what start would find itself: the pod's namespace
 * files for the infra; for a member created while its infra is being created (startPod), the
 * infra's network namespace file, its /etc files and /dev/shm, and the pod's ipc and uts files.
 */
export interface PodJoin {
  namespaces?: { ipc?: string; uts?: string };
  network?: StartNetwork;
  shmPath?: string;
}

interface InfraStarting {
  /** the infra's namespaces and mounts exist (its network namespace file, its /dev/shm) */
  prepared: Promise<void>;
  /** the infra's process started */
  started: Promise<unknown>;
}

/** Infra containers this process is starting now, with members created alongside (startPod). */
const starting = new Map<string, InfraStarting>();

/**
 * Start a pod's infra while its members are created at once: `members(beforeStart)` starts them (their
 * runtime's create runs beside the infra's; each member's process starts only once the infra's
 * has, through `beforeStart`). Returns the infra's start's outcome with the members'.
 */
export async function startWithInfra<T>(
  pod: PodRecord,
  startInfra: (prepared: () => void) => Promise<unknown>,
  members: (beforeStart: () => Promise<void>) => Promise<T>,
): Promise<[PromiseSettledResult<unknown>, T]> {
  let ready: () => void = () => undefined;
  const prepared = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const started = startInfra(ready);
  // the infra failing before it prepared anything releases the members with its error
  const entry: InfraStarting = { prepared: Promise.race([prepared, started.then(() => undefined)]), started };
  entry.prepared.catch(() => undefined);
  starting.set(pod.infraId, entry);
  try {
    const out = members(async () => {
      await started;
    });
    return await Promise.all([Promise.allSettled([started]).then((r) => r[0] as PromiseSettledResult<unknown>), out]);
  } finally {
    starting.delete(pod.infraId);
  }
}

/**
 * Whether a pod's members can be created while its infra is: the namespaces they join are files
 * before the infra's process exists (a CNI network's namespace, the pod's ipc and uts files),
 * which a shared pid namespace is not.
 */
export function canCreateWithInfra(pod: PodRecord): boolean {
  const share = pod.spec.share;
  if (!pod.infraId || share.includes('pid') || rootlessMode()) return false;
  return !share.includes('net') || isBridgeMode(pod.spec.network);
}

/**
 * Before a pod's container starts: the pod's cgroup with its limits; for the infra, the pod's
 * namespace files to join; for a member, the infra running, since the member joins its
 * namespaces (as podman starts a pod's infra first), or being created by this process.
 */
export async function beforePodContainerStart(ctx: EngineContext, rec: ContainerRecord): Promise<PodJoin | undefined> {
  if (!rec.spec.pod) return undefined;
  const pod = podStore(ctx).get(rec.spec.pod);
  if (!pod) {
    if (rec.spec.podInfra) return undefined;
    throw new BerthError('NotFound', `pod ${rec.spec.pod} of container "${rec.name}" no longer exists`);
  }
  setUpPodCgroup(pod);
  if (rec.spec.podInfra) {
    const namespaces = ensurePodNamespaces(ctx, pod);
    return Object.keys(namespaces).length > 0 ? { namespaces } : undefined;
  }
  if (!pod.infraId) return undefined;
  const infra = ctx.containers.get(pod.infraId);
  if (!infra) throw new BerthError('NotFound', `the infra container of pod "${pod.name}" is missing`);
  const beside = starting.get(infra.id);
  if (beside) {
    await beside.prepared;
    return joinStartingInfra(ctx, pod, infra, rec);
  }
  const st = refreshContainer(ctx, infra).state.status;
  if (st === 'paused') throw new BerthError('FailedPrecondition', `pod "${pod.name}" is paused: unpause it first`);
  if (st !== 'running') await startContainer(ctx, infra.id);
  return undefined;
}

/** A member's namespaces, /etc files and /dev/shm from an infra that has no process yet. */
function joinStartingInfra(ctx: EngineContext, pod: PodRecord, infra: ContainerRecord, rec: ContainerRecord): PodJoin {
  const share = new Set(pod.spec.share);
  const join: PodJoin = { namespaces: {} };
  for (const kind of podNsKinds(pod)) (join.namespaces as Record<string, string>)[kind] = podNsPath(ctx, pod.id, kind);
  if (share.has('ipc')) join.shmPath = shmDir(ctx, infra.id);
  if (share.has('net')) {
    const ip = containerPaths(ctx.paths, infra.id);
    join.network = {
      networkNamespace: netnsPath(netnsNameFor(infra.id)),
      etcFiles: { hosts: ip.hosts, resolvConf: ip.resolvConf, hostname: containerPaths(ctx.paths, rec.id).hostname },
      launch: () => undefined,
      ready: async () => undefined,
      started: async () => undefined,
      abort: async () => undefined,
    };
  }
  return join;
}

/** Whether a container may be removed alone: a pod's infra goes only with its pod. */
export function checkRemovable(ctx: EngineContext, rec: ContainerRecord): void {
  if (!rec.spec.podInfra || !rec.spec.pod) return;
  const pod = podStore(ctx).get(rec.spec.pod);
  if (pod)
    throw new BerthError(
      'Conflict',
      `container "${rec.name}" is the infra container of pod "${pod.name}" and cannot be removed without removing the pod (berth pod rm)`,
    );
}
