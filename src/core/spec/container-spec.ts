import type { HealthConfig } from '../oci/types.js';
/**
 * What the user asked for when creating a container (podman's specgen): flags already parsed into
 * typed values, nothing host-specific yet. `generateRuntimeSpec` turns it, plus the image config
 * and the host's facts, into an OCI runtime config.json. Stored as-is in the container record, so
 * `inspect` and `restart` see the original intent.
 */
export interface ContainerSpec {
  /** image reference as the user typed it, and the resolved image id (config digest) */
  image: string;
  imageId: string;
  name?: string;
  /** overrides the image's Entrypoint; [] clears it (docker's `--entrypoint ""`) */
  entrypoint?: string[];
  /** overrides the image's Cmd when non-empty */
  cmd: string[];
  /** KEY=VALUE, applied over the image's Env */
  env: string[];
  workingDir?: string;
  /** user[:group], names or numbers, resolved against the rootfs's /etc/passwd and /etc/group */
  user?: string;
  groupAdd: string[];
  hostname?: string;
  domainname?: string;
  labels: Record<string, string>;
  tty: boolean;
  openStdin: boolean;
  /** the streams the creator attached to (docker's Config.Attach*): -a, or all but stdin; none for -d */
  attach?: { stdin: boolean; stdout: boolean; stderr: boolean };
  /** docker's StdinOnce as an API client sent it; absent: derived from attach.stdin (see stdinOnce()) */
  stdinOnce?: boolean;
  readOnly: boolean;
  privileged: boolean;
  init: boolean;
  capAdd: string[];
  capDrop: string[];
  /** --security-opt, parsed */
  security: {
    noNewPrivileges: boolean;
    /** undefined = berth's default profile; 'unconfined'; or a parsed profile file's JSON text */
    seccomp?: 'unconfined' | { profileJson: string; path: string };
    apparmor?: string;
    selinuxLabel?: string[];
    /** systempaths=unconfined: no masked or read-only paths in /proc and /sys */
    systemPathsUnconfined?: boolean;
  };
  resources: {
    memory?: number;
    memorySwap?: number;
    memoryReservation?: number;
    /** nano CPUs as docker stores --cpus */
    nanoCpus?: number;
    cpuShares?: number;
    cpuQuota?: number;
    cpuPeriod?: number;
    cpusetCpus?: string;
    /** --cpuset-mems: NUMA memory nodes */
    cpusetMems?: string;
    /** --cpu-rt-period/--cpu-rt-runtime (µs): the real-time scheduler's budget, cgroup v1 */
    cpuRealtimePeriod?: number;
    cpuRealtimeRuntime?: number;
    pidsLimit?: number;
    oomKillDisable?: boolean;
    /** --memory-swappiness 0-100 (cgroup v1) */
    memorySwappiness?: number;
    /** --blkio-weight 10-1000, only on hosts that have it */
    blkioWeight?: number;
    /** --blkio-weight-device, per device */
    blkioWeightDevice?: Array<{ major: number; minor: number; weight: number /** the device as named */; path?: string }>;
    /** --device-read-bps/-write-bps (bytes/s) and --device-read-iops/-write-iops, per device */
    blkioThrottle?: Array<{
      kind: 'readBps' | 'writeBps' | 'readIops' | 'writeIops';
      major: number;
      minor: number;
      rate: number /** the device as named */;
      path?: string;
    }>;
  };
  ulimits: Array<{ name: string; soft: number; hard: number }>;
  devices: Array<{ hostPath: string; containerPath: string; permissions: string }>;
  mounts: MountSpec[];
  /** the -v volumes and binds as given (docker's HostConfig.Binds); absent in older records */
  binds?: string[];
  /** 'none' (own namespace with only lo), 'host', 'container:NAME', 'bridge' (default) or a network name */
  network: string;
  /** --network-alias: extra DNS names on a user-defined network (absent in records made before networks) */
  networkAliases?: string[];
  /** --ip: the IPv4 address asked for on a user-defined network */
  ip?: string;
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  extraHosts: string[];
  publish: PortSpec[];
  publishAll: boolean;
  restartPolicy: { name: 'no' | 'on-failure' | 'always' | 'unless-stopped'; maximumRetryCount: number };
  stopSignal?: string;
  stopTimeout?: number;
  autoRemove: boolean;
  shmSize?: number;
  sysctls: Record<string, string>;
  ipcMode?: string;
  pidMode?: string;
  utsMode?: string;
  /** --userns: unset or 'host' (the host's, root); 'keep-id' (rootless: the user's own uid inside) */
  usernsMode?: string;
  /** --cgroupns host|private; unset: docker's default for the host's cgroup version */
  cgroupnsMode?: string;
  /** run --health-* / --no-healthcheck merged over the image's HEALTHCHECK (Test ["NONE"]: off); absent: the image's */
  healthcheck?: HealthConfig;
  /** --device-cgroup-rule, parsed */
  deviceCgroupRules?: Array<{ type: string; major: number | null; minor: number | null; access: string }>;
  /** --log-driver and --log-opt: json-file, local and k8s-file write berth's log file; none writes nothing */
  logConfig?: { type: string; config: Record<string, string> };
  /** --mac-address: the MAC of the container's interface on its first network */
  macAddress?: string;
  /** --cgroup-parent: the cgroup the container's goes under (default /berth), absolute */
  cgroupParent?: string;
  /** --link NAME[:ALIAS] (docker's legacy links): /etc/hosts entries for those containers */
  links?: string[];
  /** --volumes-from: containers (`name[:ro|rw]`) whose mounts this one gets, resolved at create */
  volumesFrom?: string[];
  /** --oom-score-adj, -1000…1000 */
  oomScoreAdj?: number;
  /** --annotation: OCI annotations of the runtime config */
  annotations?: Record<string, string>;
  /** --expose, as "80/tcp": ports the container exposes besides its image's */
  expose?: string[];
  /** pods: the id of the pod this container belongs to (src/core/pods) */
  pod?: string;
  /** pods: this is the pod's infra container (no image: an empty root with catatonit) */
  podInfra?: boolean;
  /** what an unhealthy container gets (podman's --health-on-failure; kube's liveness probe kills it) */
  healthOnFailure?: 'none' | 'kill';
  /** kube play: the container's Kubernetes probes, run by its health monitor with Kubernetes' rules (they replace any healthcheck) */
  kubeProbes?: KubeProbes;
}

/** One Kubernetes probe, its defaults applied (seconds and counts as Kubernetes has them). */
export interface KubeProbe {
  /** the check, as a healthcheck test: ['CMD', …] (exec), ['BERTH-HTTP-GET', scheme, host, port, path], ['BERTH-TCP', host, port] */
  test: string[];
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export interface KubeProbes {
  startup?: KubeProbe;
  liveness?: KubeProbe;
  readiness?: KubeProbe;
}

export interface MountSpec {
  type: 'bind' | 'volume' | 'tmpfs';
  /** host path for bind, volume name for volume (empty = anonymous), unused for tmpfs */
  source: string;
  target: string;
  readOnly: boolean;
  /** extra options: bind propagation, tmpfs size/mode, volume nocopy */
  options: string[];
}

export interface PortSpec {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
}

export function emptyContainerSpec(image: string, imageId: string): ContainerSpec {
  return {
    image,
    imageId,
    cmd: [],
    env: [],
    groupAdd: [],
    labels: {},
    tty: false,
    openStdin: false,
    readOnly: false,
    privileged: false,
    init: false,
    capAdd: [],
    capDrop: [],
    security: { noNewPrivileges: false },
    resources: {},
    ulimits: [],
    devices: [],
    mounts: [],
    network: 'none',
    dns: [],
    dnsSearch: [],
    dnsOptions: [],
    extraHosts: [],
    publish: [],
    publishAll: false,
    restartPolicy: { name: 'no', maximumRetryCount: 0 },
    autoRemove: false,
    sysctls: {},
  };
}

/**
 * docker's StdinOnce: a container whose creator attached its stdin (`run -i`, `create -i`) has its
 * stdin closed when that client's input ends; `run -d -i` keeps it for later attaches.
 */
export function stdinOnce(spec: Pick<ContainerSpec, 'openStdin' | 'attach' | 'stdinOnce'>): boolean {
  return spec.openStdin && (spec.stdinOnce ?? spec.attach?.stdin ?? true);
}

/**
 * Whether the container's stdin outlives an attach client (conmon's --leave-stdin-open): always
 * with a terminal (docker closes stdin at a client's end only for StdinOnce without a TTY), so
 * `attach`, ctrl-p ctrl-q and `attach` again reach the same shell; without one, unless StdinOnce.
 */
export function keepsStdinOpen(spec: Pick<ContainerSpec, 'openStdin' | 'attach' | 'tty' | 'stdinOnce'>): boolean {
  return spec.openStdin && (spec.tty || !stdinOnce(spec));
}
