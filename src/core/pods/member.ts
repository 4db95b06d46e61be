import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import type { ContainerRecord } from '../containers/container-record.js';
import type { ContainerSpec } from '../spec/container-spec.js';
import { refreshContainer } from '../containers/exit.js';
import { startContainer } from '../containers/start.js';
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
 * Before a pod's container starts: the pod's cgroup with its limits, and (for a member) the infra
 * running, since the member joins its namespaces (as podman starts a pod's infra first).
 */
export async function beforePodContainerStart(ctx: EngineContext, rec: ContainerRecord): Promise<void> {
  if (!rec.spec.pod) return;
  const pod = podStore(ctx).get(rec.spec.pod);
  if (!pod) {
    if (rec.spec.podInfra) return;
    throw new BerthError('NotFound', `pod ${rec.spec.pod} of container "${rec.name}" no longer exists`);
  }
  setUpPodCgroup(pod);
  if (rec.spec.podInfra || !pod.infraId) return;
  const infra = ctx.containers.get(pod.infraId);
  if (!infra) throw new BerthError('NotFound', `the infra container of pod "${pod.name}" is missing`);
  const st = refreshContainer(ctx, infra).state.status;
  if (st === 'paused') throw new BerthError('FailedPrecondition', `pod "${pod.name}" is paused: unpause it first`);
  if (st !== 'running') await startContainer(ctx, infra.id);
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
