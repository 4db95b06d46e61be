import type { PortSpec } from '../spec/container-spec.js';

/** The namespaces a pod's members may share through its infra process. */
export type PodNamespace = 'net' | 'ipc' | 'uts' | 'pid';

export const DEFAULT_SHARE: readonly PodNamespace[] = ['ipc', 'net', 'uts'];

/** What the user asked for when creating a pod (`pod create` flags, or a kube manifest). */
export interface PodSpec {
  name: string;
  labels: Record<string, string>;
  /** the members' hostname (default: the pod's name) when uts is shared */
  hostname: string;
  /** namespaces the members join; empty when the pod has no infra */
  share: PodNamespace[];
  /** 'bridge' (default), a network name, 'none' or 'host': the infra's network */
  network: string;
  /** published ports: they belong to the pod (its infra), never to a member */
  publish: PortSpec[];
  /** extra /etc/hosts entries, DNS settings of the shared network namespace */
  extraHosts: string[];
  dns: string[];
  /** limits on the pod's cgroup, bounding all members together */
  resources: { nanoCpus?: number; memory?: number };
  /** false: no infra process (no shared namespaces, no ports) */
  infra: boolean;
  /** set by kube play: the manifest's restart policy, and what made the pod */
  restartPolicy?: 'always' | 'on-failure' | 'no';
  /** origin of a pod made by `kube play` (its manifest kind and name) */
  kube?: { kind: string; name: string };
}

export interface PodRecord {
  id: string;
  name: string;
  created: string;
  spec: PodSpec;
  /** the infra container's id, '' without infra */
  infraId: string;
  /** the cgroup the members (and the infra) go under, e.g. /berth/pod-<id> */
  cgroupParent: string;
  /** PID of the berth process still creating it; hidden, and repaired if that process dies */
  pendingPid: number;
}

/** podman's pod statuses, derived from the members' states. */
export type PodStatus = 'Created' | 'Running' | 'Degraded' | 'Paused' | 'Exited' | 'Stopped';
