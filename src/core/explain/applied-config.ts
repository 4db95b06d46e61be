import type { RuntimeSpec } from '../oci/types.js';
import type { ContainerSpec } from '../spec/container-spec.js';
import { notableBlocks } from './seccomp.js';
import type { AppliedConfig } from './types.js';

/**
 * What berth told the runtime to do, from the container's config.json: the exact seccomp
 * profile, capabilities, masked and read-only paths, namespaces and limits. For a stopped
 * container this is all there is to show; for a running one it explains what /proc shows.
 */
export function appliedConfig(config: RuntimeSpec, spec: ContainerSpec): AppliedConfig {
  const linux = config.linux ?? {};
  const seccomp = linux.seccomp;
  const r = linux.resources ?? {};
  return {
    seccomp: {
      profile: !seccomp ? 'unconfined' : typeof spec.security.seccomp === 'object' ? 'custom' : 'default',
      defaultAction: seccomp?.defaultAction ?? null,
      rules: seccomp?.syscalls?.length ?? 0,
      blocks: notableBlocks(seccomp),
    },
    capabilities: {
      bounding: config.process?.capabilities?.bounding ?? [],
      effective: config.process?.capabilities?.effective ?? [],
    },
    noNewPrivileges: config.process?.noNewPrivileges ?? false,
    maskedPaths: linux.maskedPaths ?? [],
    readonlyPaths: linux.readonlyPaths ?? [],
    namespaces: (linux.namespaces ?? []).map((n) => ({ type: n.type, path: n.path ?? null })),
    resources: {
      memory: r.memory?.limit ?? null,
      memorySwap: r.memory?.swap ?? null,
      cpuQuota: r.cpu?.quota ?? null,
      cpuPeriod: r.cpu?.period ?? null,
      cpuShares: r.cpu?.shares ?? null,
      pids: r.pids?.limit ?? null,
    },
    apparmorProfile: config.process?.apparmorProfile ?? null,
    selinuxLabel: config.process?.selinuxLabel ?? null,
    mounts: (config.mounts ?? []).map((m) => ({ destination: m.destination, type: m.type ?? 'bind', source: m.source ?? '', options: m.options ?? [] })),
  };
}
