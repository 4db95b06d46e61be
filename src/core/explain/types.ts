/*
 * What `berth explain` reports, as plain data: the JSON of `--format json` is exactly these
 * objects, and the text renderers only read them. Numbers are bytes, microseconds or counts;
 * `null` means "no limit" for a limit and "unknown" elsewhere.
 */

export type NamespaceType = 'cgroup' | 'ipc' | 'mnt' | 'net' | 'pid' | 'time' | 'user' | 'uts';

export interface NamespaceView {
  type: NamespaceType;
  /** inode of /proc/PID/ns/TYPE; null when the kernel has no such namespace */
  inode: number | null;
  /** the same namespace of host PID 1 */
  hostInode: number | null;
  /** 'host' when it is PID 1's; 'private' when no other process we know shares it */
  sharedWith: 'host' | 'private' | { containers: string[] };
}

export interface CapabilityView {
  effective: string[];
  permitted: string[];
  inheritable: string[];
  bounding: string[];
  ambient: string[];
  /** in the host's bounding set (berth's own) but not in this process's */
  droppedFromHost: string[];
}

export interface SeccompView {
  mode: 'disabled' | 'strict' | 'filter' | 'unknown';
  filters: number;
}

export interface IdMapEntry {
  inside: number;
  outside: number;
  count: number;
}

export interface CgroupPath {
  /** v1 hierarchy id, 0 for the v2 unified hierarchy */
  hierarchy: number;
  controllers: string[];
  path: string;
}

export interface CgroupUsage {
  version: 1 | 2;
  paths: CgroupPath[];
  memory: { limit: number | null; usage: number | null; peak: number | null; swapLimit: number | null; oomKills: number | null; oomEvents: number | null };
  cpu: { quotaUs: number | null; periodUs: number | null; usageUs: number | null; shares: number | null; weight: number | null };
  pids: { current: number | null; max: number | null; peak: number | null };
}

export type { MountEntry } from '../host/mountinfo.js';

export type MountKind = 'rootfs' | 'bind' | 'volume' | 'tmpfs' | 'masked' | 'readonly' | 'kernel' | 'cgroup' | 'other';

export interface MountView {
  target: string;
  kind: MountKind;
  fsType: string;
  source: string;
  readOnly: boolean;
  options: string[];
}

export interface LayerView {
  /** 0 is the base layer */
  index: number;
  chainId: string;
  diffId: string | null;
  /** compressed blob digest from the image manifest, when the image is still stored */
  digest: string | null;
  /** bytes unpacked */
  size: number | null;
  /** the history entry that made it (`created_by`) */
  createdBy: string | null;
  /** the short link name or path the overlay uses for it */
  lowerDir: string;
}

export interface RootfsView {
  mounted: boolean;
  /** bottom → top */
  layers: LayerView[];
  upperDir: string | null;
  upperSize: number | null;
  readOnly: boolean;
}

export interface NetInterface {
  name: string;
  addresses: string[];
  rxBytes: number;
  txBytes: number;
}

export interface NetRoute {
  destination: string;
  gateway: string | null;
  iface: string;
}

export interface NetworkView {
  /** the namespace is the host's own (`--network host`) */
  hostNetwork: boolean;
  interfaces: NetInterface[];
  routes: NetRoute[];
  publishedPorts: PublishedPort[];
}

export interface PublishedPort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}

export interface ProcessLink {
  pid: number;
  name: string;
  cmdline: string;
  /** what the process is to a container: its monitor, the runtime, the container itself */
  role: 'container' | 'conmon' | 'runtime' | 'init' | 'other';
}

export interface FdView {
  fd: number;
  target: string;
}

export interface ProcessView {
  pid: number;
  /** PID in each nested pid namespace, outermost first (the last is what the process sees) */
  nsPids: number[];
  name: string;
  exe: string | null;
  cmdline: string[];
  uids: number[];
  gids: number[];
  parents: ProcessLink[];
  namespaces: NamespaceView[];
  capabilities: CapabilityView;
  noNewPrivs: boolean;
  seccomp: SeccompView;
  lsm: { apparmor: string | null; selinux: string | null };
  uidMap: IdMapEntry[];
  gidMap: IdMapEntry[];
  cgroup: CgroupUsage;
  mounts: MountView[];
  libraries: string[];
  fds: FdView[];
  network: NetworkView;
  /** the berth container this process is in, found from its cgroup path */
  containerId: string | null;
}

/** What berth applied, read from the container's config.json. */
export interface AppliedConfig {
  seccomp: { profile: 'default' | 'custom' | 'unconfined'; defaultAction: string | null; rules: number; blocks: NotableBlock[] };
  capabilities: { bounding: string[]; effective: string[] };
  noNewPrivileges: boolean;
  maskedPaths: string[];
  readonlyPaths: string[];
  namespaces: Array<{ type: string; path: string | null }>;
  resources: {
    memory: number | null;
    memorySwap: number | null;
    cpuQuota: number | null;
    cpuPeriod: number | null;
    cpuShares: number | null;
    pids: number | null;
  };
  apparmorProfile: string | null;
  selinuxLabel: string | null;
  mounts: Array<{ destination: string; type: string; source: string; options: string[] }>;
}

export interface NotableBlock {
  syscalls: string[];
  reason: string;
  /** the capability that would lift the block, when there is one */
  allowedWith: string | null;
}

/** The host's own values, shown beside the container's. */
export interface HostReference {
  namespaces: Array<{ type: NamespaceType; inode: number | null }>;
  /** whose namespaces count as the host's: PID 1's, or berth's own when PID 1's are unreadable */
  namespacesOf: 'pid 1' | 'berth';
  capBounding: string[];
  memTotal: number;
  cpus: number;
  pidMax: number;
  cgroupVersion: 1 | 2;
  uidMap: IdMapEntry[];
}

export interface ContainerExplanation {
  kind: 'container';
  container: { id: string; name: string; image: string; imageId: string; status: string; running: boolean; pid: number; conmonPid: number };
  /** set when the container is not running: what follows comes from its configuration */
  note: string | null;
  process: ProcessView | null;
  /** every process in the container (`--all`) */
  processes: ProcessView[];
  applied: AppliedConfig | null;
  rootfs: RootfsView;
  network: NetworkView | null;
  runtime: RuntimeLeftovers;
  host: HostReference;
}

/** What the OCI runtime and the monitor left behind for a container (runc exits after start). */
export interface RuntimeLeftovers {
  name: string;
  binary: string;
  /** runc --root/<id>: state.json lives there while the container exists */
  stateDir: string;
  stateFiles: string[];
  bundle: string;
  conmon: { pid: number; binary: string; alive: boolean };
}

export interface PidExplanation {
  kind: 'process';
  process: ProcessView;
  host: HostReference;
}

/** A binary of the engine's stack and the libraries it links. */
export interface BinaryView {
  role: 'runtime' | 'monitor';
  name: string;
  path: string;
  version: string | null;
  static: boolean;
  /** from a running instance's /proc/PID/maps, or from the ELF file's dynamic section */
  source: 'proc-maps' | 'elf';
  runningPid: number | null;
  libraries: Array<{ name: string; path: string | null }>;
}

export interface HostExplanation {
  kind: 'host';
  kernel: { release: string; build: string; arch: string };
  binaries: BinaryView[];
  features: {
    namespaces: NamespaceType[];
    cgroup: { version: 1 | 2; hybrid: boolean; controllers: string[]; v2Controllers: string[] };
    overlayfs: boolean;
    seccomp: { available: boolean; actions: string[] };
    userNamespaces: { max: number | null; unprivileged: boolean | null };
    lsm: { apparmor: boolean; selinux: boolean };
  };
  limits: {
    pidMax: number | null;
    threadsMax: number | null;
    fileMax: number | null;
    nrOpen: number | null;
    openFilesHard: number | null;
    processesHard: number | null;
    memTotal: number;
    cpus: number;
    capBounding: string[];
    /** capabilities even root lacks here (e.g. CAP_SYS_RESOURCE in some VMs) */
    capMissing: string[];
  };
}

export type Explanation = ContainerExplanation | PidExplanation;
