/** The OCI image-spec and runtime-spec vocabulary shared by every service (only the fields berth uses). */

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** The image's runtime defaults: the `config` field of an OCI image config. */
export interface ImageRuntimeConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: HealthConfig;
  Shell?: string[];
  OnBuild?: string[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: ImageRuntimeConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: HistoryEntry[];
}

/* ---- runtime-spec (config.json) ---- */

export interface RuntimeSpec {
  ociVersion: string;
  process?: SpecProcess;
  root?: { path: string; readonly?: boolean };
  hostname?: string;
  mounts?: SpecMount[];
  hooks?: Record<string, Array<{ path: string; args?: string[]; env?: string[]; timeout?: number }>>;
  annotations?: Record<string, string>;
  linux?: SpecLinux;
}

export interface SpecProcess {
  terminal?: boolean;
  consoleSize?: { height: number; width: number };
  user: { uid: number; gid: number; umask?: number; additionalGids?: number[] };
  args: string[];
  env?: string[];
  cwd: string;
  capabilities?: {
    bounding?: string[];
    effective?: string[];
    inheritable?: string[];
    permitted?: string[];
    ambient?: string[];
  };
  rlimits?: Array<{ type: string; hard: number; soft: number }>;
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
  selinuxLabel?: string;
}

export interface SpecMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export interface SpecLinuxDevice {
  type: string;
  path: string;
  major?: number;
  minor?: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

export interface SpecDeviceCgroup {
  allow: boolean;
  type?: string;
  major?: number;
  minor?: number;
  access?: string;
}

export interface SpecResources {
  devices?: SpecDeviceCgroup[];
  memory?: { limit?: number; reservation?: number; swap?: number; kernel?: number; swappiness?: number; disableOOMKiller?: boolean };
  cpu?: { shares?: number; quota?: number; period?: number; realtimeRuntime?: number; realtimePeriod?: number; cpus?: string; mems?: string };
  pids?: { limit: number };
  blockIO?: {
    weight?: number;
    weightDevice?: Array<{ major: number; minor: number; weight: number }>;
    throttleReadBpsDevice?: SpecThrottle[];
    throttleWriteBpsDevice?: SpecThrottle[];
    throttleReadIOPSDevice?: SpecThrottle[];
    throttleWriteIOPSDevice?: SpecThrottle[];
  };
  unified?: Record<string, string>;
}

export interface SpecSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  syscalls?: Array<{
    names: string[];
    action: string;
    errnoRet?: number;
    args?: Array<{ index: number; value: number; valueTwo?: number; op: string }>;
  }>;
}

export interface SpecLinux {
  namespaces?: Array<{ type: string; path?: string }>;
  uidMappings?: Array<{ containerID: number; hostID: number; size: number }>;
  gidMappings?: Array<{ containerID: number; hostID: number; size: number }>;
  devices?: SpecLinuxDevice[];
  cgroupsPath?: string;
  resources?: SpecResources;
  seccomp?: SpecSeccomp;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  sysctl?: Record<string, string>;
  mountLabel?: string;
  rootfsPropagation?: string;
}

/** One device's I/O limit (linux.resources.blockIO.throttle*). */
export interface SpecThrottle {
  major: number;
  minor: number;
  rate: number;
}
