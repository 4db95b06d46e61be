import fs from 'node:fs';
import type { ImageRuntimeConfig, RuntimeSpec, SpecLinux, SpecProcess } from '../oci/types.js';
import type { ContainerSpec } from './container-spec.js';
import type { HostFacts } from './host-facts.js';
import { devices } from './opts/devices.js';
import { mounts } from './opts/mounts.js';
import { namespaces, type NamespacePaths } from './opts/namespaces.js';
import { processArgs, processCwd, processEnv } from './opts/process.js';
import { resources } from './opts/resources.js';
import { rlimits } from './opts/rlimits.js';
import { apparmorProfile, capabilities, processCapabilities, protectedPaths, seccomp, selinuxLabel } from './opts/security.js';
import { sysctls } from './opts/sysctls.js';
import { parseSignal, signalName } from './parse/signal.js';
import { resolveUser } from './resolve-user.js';
import { validateContainerSpec } from './validate.js';

export { validateContainerSpec } from './validate.js';

export const OCI_VERSION = '1.0.2-dev';

export interface GenerateInput {
  spec: ContainerSpec;
  /** the image's config (`config` of the image config blob); {} for none */
  image: ImageRuntimeConfig;
  /** absolute host path of the mounted root filesystem */
  rootfs: string;
  containerId: string;
  /** "" means the first 12 characters of containerId, as in docker */
  hostname: string;
  /** linux.cgroupsPath, e.g. "/berth/<id>" */
  cgroupsPath: string;
  host: HostFacts;
  /** host files bound onto /etc/hosts, /etc/resolv.conf, /etc/hostname */
  etcFiles?: { hosts?: string; resolvConf?: string; hostname?: string };
  /** host directories of named and anonymous volumes (and image VOLUMEs), by container path */
  volumeSources?: Record<string, string>;
  /** host path of the init binary bound on /dev/init for --init */
  initPath?: string;
  /** namespaces to join rather than create (the network layer's netns, --pid container:…) */
  namespacePaths?: NamespacePaths;
  /** host directory bound on /dev/shm (--ipc host or another container's) */
  shmPath?: string;
  /** told about limits the host cannot apply (docker prints these as warnings) */
  onWarning?: (message: string) => void;
  /**
   * Rootless berth (runc runs as root of the user's namespace): no cgroup (an ordinary user gets
   * none on cgroup v1; limits were refused at create), and for `--userns=keep-id` a user
   * namespace of the container's own with these mappings (relative to the user's namespace).
   */
  rootless?: {
    uidMappings?: IdMappingSpec[];
    gidMappings?: IdMappingSpec[];
    hostNetwork?: boolean;
    singleId?: boolean;
    /** the container's cgroup under a cgroup v2 subtree delegated to the user: cgroupsPath and resources stay */
    cgroupsPath?: string;
  };
}

/** One OCI uidMappings/gidMappings entry. */
export interface IdMappingSpec {
  containerID: number;
  hostID: number;
  size: number;
}

/**
 * Turn what the user asked for (ContainerSpec), the image's defaults and the host's facts into
 * an OCI runtime config.json for runc. Pure apart from reading the rootfs's /etc/passwd and
 * /etc/group (safely) and looking up --device nodes through `host`.
 *
 * @example
 * const config = generateRuntimeSpec({ spec, image: imageConfig.config ?? {}, rootfs, containerId: id,
 *   hostname: id.slice(0, 12), cgroupsPath: `/berth/${id}`, host: readHostFacts() });
 */
export function generateRuntimeSpec(input: GenerateInput): RuntimeSpec {
  const { spec, image, host } = input;
  validateContainerSpec(spec);
  const args = processArgs(spec, image);
  const user = resolveUser(spec.user || image.User || undefined, input.rootfs, spec.groupAdd);
  // sharing the host's UTS namespace, or its network without a --hostname, shows the host's name
  const hostsName = spec.utsMode === 'host' || (spec.network === 'host' && !spec.hostname);
  // docker's default hostname is the short container id
  const hostname = hostsName && host.hostname ? host.hostname : input.hostname || input.containerId.slice(0, 12);
  const caps = capabilities(spec, host);

  const proc: SpecProcess = {
    terminal: spec.tty,
    user: { uid: user.uid, gid: user.gid, ...(user.additionalGids.length ? { additionalGids: user.additionalGids } : {}) },
    args,
    env: processEnv(spec, image, hostname, user.home),
    cwd: processCwd(spec, image),
    capabilities: processCapabilities(caps),
    rlimits: rlimits(spec, host),
    noNewPrivileges: spec.security.noNewPrivileges,
    ...(spec.oomScoreAdj !== undefined ? { oomScoreAdj: spec.oomScoreAdj } : {}),
  };
  const apparmor = apparmorProfile(spec, host);
  if (apparmor) proc.apparmorProfile = apparmor;
  const label = selinuxLabel(spec, host);
  if (label) proc.selinuxLabel = label;

  const dev = devices(spec, host);
  const linux: SpecLinux = {
    namespaces: namespaces(spec, host, input.namespacePaths),
    devices: dev.devices,
    cgroupsPath: input.cgroupsPath,
    resources: resources(spec, host, dev.rules, input.onWarning),
    ...protectedPaths(spec, host),
  };
  const filter = seccomp(spec, caps, host);
  if (filter) linux.seccomp = filter;
  const sysctl = sysctls(spec);
  if (sysctl) linux.sysctl = sysctl;

  const out: RuntimeSpec = {
    ociVersion: OCI_VERSION,
    process: proc,
    root: { path: input.rootfs, readonly: spec.readOnly },
    mounts: mounts({
      spec,
      image,
      ...(input.etcFiles ? { etcFiles: input.etcFiles } : {}),
      ...(input.volumeSources ? { volumeSources: input.volumeSources } : {}),
      ...(input.initPath ? { initPath: input.initPath } : {}),
      ...(input.shmPath ? { shmPath: input.shmPath } : {}),
    }),
    linux,
  };
  if (input.rootless) applyRootless(out, input.rootless, spec);
  // runc refuses a hostname without a UTS namespace of our own; a pod member joining its infra's
  // must not set it either (runc would rename the whole pod)
  if (spec.utsMode !== 'host' && !spec.utsMode?.startsWith('container:')) out.hostname = hostname;
  const stop = stopSignal(spec, image);
  if (stop || spec.annotations) out.annotations = { ...(spec.annotations ?? {}), ...(stop ? { 'org.opencontainers.image.stopSignal': stop } : {}) };
  return out;
}

/**
 * What changes for a rootless container: no cgroup path or resources (runc would make cgroups the
 * user may not) unless a delegated cgroup v2 subtree gives it one (r.cgroupsPath), no cgroup filesystem (none of the user's to show), sysfs bound from the host when
 * the network namespace is the host's (sysfs can only be mounted by the owner of the netns), and
 * the keep-id user namespace.
 */
function applyRootless(out: RuntimeSpec, r: NonNullable<GenerateInput['rootless']>, spec: ContainerSpec): void {
  const linux = out.linux as SpecLinux;
  // the host's pid and ipc namespaces are not the user's: their proc and mqueue are bound, not mounted
  const bind = (m: NonNullable<RuntimeSpec['mounts']>[number], source: string) => ({
    destination: m.destination,
    type: 'bind',
    source,
    options: ['rbind', 'nosuid', 'noexec', 'nodev'],
  });
  out.mounts = (out.mounts ?? []).flatMap((m) => {
    if (m.type === 'proc' && spec.pidMode === 'host') return [bind(m, '/proc')];
    // (a host without a mounted /dev/mqueue has none to give)
    if (m.type === 'mqueue' && spec.ipcMode === 'host') return fs.existsSync('/dev/mqueue') ? [bind(m, '/dev/mqueue')] : [];
    return [m];
  });
  if (r.cgroupsPath) {
    linux.cgroupsPath = r.cgroupsPath;
    // device rules are a BPF program on cgroup v2, which an ordinary user cannot attach
    if (linux.resources) delete linux.resources.devices;
  } else {
    delete linux.cgroupsPath;
    delete linux.resources;
  }
  out.mounts = (out.mounts ?? []).filter((m) => m.type !== 'cgroup');
  if (r.hostNetwork) {
    out.mounts = out.mounts.map((m) =>
      m.type === 'sysfs' ? { destination: m.destination, type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] } : m,
    );
  }
  // one id in the namespace: devpts cannot give its ptys the tty group (gid 5 is not mapped)
  if (r.singleId) out.mounts = out.mounts.map((m) => (m.type === 'devpts' ? { ...m, options: (m.options ?? []).filter((o) => !o.startsWith('gid=')) } : m));
  if (r.uidMappings && r.gidMappings) {
    linux.namespaces = [...(linux.namespaces ?? []).filter((n) => n.type !== 'user'), { type: 'user' }];
    linux.uidMappings = r.uidMappings;
    linux.gidMappings = r.gidMappings;
  }
}

/** The --stop-signal (validated already) or the image's STOPSIGNAL, which a bad image may spell wrong. */
function stopSignal(spec: ContainerSpec, image: ImageRuntimeConfig): string | undefined {
  if (spec.stopSignal) return signalName(parseSignal(spec.stopSignal));
  if (!image.StopSignal) return undefined;
  try {
    return signalName(parseSignal(image.StopSignal));
  } catch {
    return undefined;
  }
}
