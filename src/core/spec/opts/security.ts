import { BerthError, wrap } from '../../errors/index.js';
import type { SpecProcess, SpecSeccomp } from '../../oci/types.js';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES, applyCapChanges } from '../capabilities.js';
import type { ContainerSpec } from '../container-spec.js';
import type { HostFacts } from '../host-facts.js';
import { defaultSeccompProfile } from '../seccomp-default.js';
import { dockerProfileToSpec, type SeccompTarget } from '../seccomp-docker.js';

/** Paths in /proc and /sys that leak host information or reach hardware: hidden. */
export const MASKED_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/** Paths in /proc that change the whole host when written: read-only. */
export const READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** The container's capability set: docker's defaults after --cap-add/--cap-drop, or all for --privileged. */
export function capabilities(spec: ContainerSpec, host: HostFacts): string[] {
  // "all" can only mean what the engine holds itself (here root lacks CAP_SYS_RESOURCE)
  const all = host.capBounding ?? ALL_CAPABILITIES;
  if (spec.privileged) return [...all];
  // a default the engine lacks (berth nested in a restricted container) is quietly left out;
  // an explicit --cap-add of one is refused, where runc would only say "operation not permitted"
  const defaults = DEFAULT_CAPABILITIES.filter((c) => all.includes(c));
  const caps = applyCapChanges(defaults, spec.capAdd, spec.capDrop, all);
  const missing = caps.find((c) => !all.includes(c));
  if (missing) {
    throw new BerthError('InvalidArgument', `capability "${missing}" is not available: berth itself does not hold it on this host`);
  }
  return caps;
}

/** process.capabilities: the same set everywhere except inheritable and ambient, which stay empty (CVE-2022-24769). */
export function processCapabilities(caps: readonly string[]): NonNullable<SpecProcess['capabilities']> {
  return { bounding: [...caps], effective: [...caps], permitted: [...caps], inheritable: [], ambient: [] };
}

/** linux.seccomp: none when privileged or unconfined, the user's profile, or berth's default. */
export function seccomp(spec: ContainerSpec, caps: readonly string[], host: HostFacts): SpecSeccomp | undefined {
  const choice = spec.security.seccomp;
  if (spec.privileged || choice === 'unconfined') return undefined;
  const target: SeccompTarget = {};
  if (host.arch) target.arch = host.arch;
  if (host.kernelVersion) target.kernel = host.kernelVersion;
  if (choice === undefined) return defaultSeccompProfile(caps, target);
  try {
    return dockerProfileToSpec(choice.profileJson, caps, target);
  } catch (e) {
    throw wrap(e, `loading seccomp profile "${choice.path}"`);
  }
}

/**
 * process.apparmorProfile, only where AppArmor is on (elsewhere runc would fail to apply it):
 * the asked profile (which must be loaded), "unconfined" when privileged, otherwise docker's
 * "docker-default" if someone loaded it. berth ships no profile of its own yet, so a host without
 * docker-default runs containers without AppArmor confinement (seccomp, capabilities and
 * namespaces still apply).
 */
export function apparmorProfile(spec: ContainerSpec, host: HostFacts): string | undefined {
  if (!host.apparmorEnabled) return undefined;
  const loaded = host.apparmorProfiles ?? [];
  const asked = spec.security.apparmor;
  if (asked) {
    if (asked !== 'unconfined' && !loaded.includes(asked)) {
      throw new BerthError('InvalidArgument', `apparmor profile "${asked}" is not loaded on this host`);
    }
    return asked;
  }
  if (spec.privileged) return 'unconfined';
  return loaded.includes('docker-default') ? 'docker-default' : undefined;
}

/**
 * process.selinuxLabel from --security-opt label=…, only where SELinux is on. Parts not given
 * take the usual container defaults (system_u:system_r:container_t:s0).
 */
export function selinuxLabel(spec: ContainerSpec, host: HostFacts): string | undefined {
  const opts = spec.security.selinuxLabel ?? [];
  if (!host.selinuxEnabled || opts.length === 0 || opts.includes('disable') || spec.privileged) return undefined;
  const part = (key: string): string | undefined => opts.find((o) => o.startsWith(`${key}:`))?.slice(key.length + 1);
  return [part('user') ?? 'system_u', part('role') ?? 'system_r', part('type') ?? 'container_t', part('level') ?? 's0'].join(':');
}

/** Masked and read-only paths (none for --privileged), skipping those this kernel lacks. */
export function protectedPaths(spec: ContainerSpec, host: HostFacts): { maskedPaths: string[]; readonlyPaths: string[] } {
  if (spec.privileged || spec.security.systemPathsUnconfined) return { maskedPaths: [], readonlyPaths: [] };
  const exists = host.existingPaths ?? (() => true);
  return { maskedPaths: MASKED_PATHS.filter(exists), readonlyPaths: READONLY_PATHS.filter(exists) };
}
