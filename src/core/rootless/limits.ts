import fs from 'node:fs';
import { BerthError } from '../errors/berth-error.js';
import type { ContainerSpec } from '../spec/container-spec.js';
import type { RootlessMode } from './mode.js';
import { rootlessCgroup, type RootlessCgroup } from './cgroup.js';

/** The run flag behind each cgroup setting of a container spec. */
const RESOURCE_FLAGS: Record<keyof ContainerSpec['resources'], string> = {
  memory: '--memory',
  memorySwap: '--memory-swap',
  memoryReservation: '--memory-reservation',
  nanoCpus: '--cpus',
  cpuShares: '--cpu-shares',
  cpuQuota: '--cpu-quota',
  cpuPeriod: '--cpu-period',
  cpusetCpus: '--cpuset-cpus',
  cpusetMems: '--cpuset-mems',
  cpuRealtimePeriod: '--cpu-rt-period',
  cpuRealtimeRuntime: '--cpu-rt-runtime',
  pidsLimit: '--pids-limit',
  oomKillDisable: '--oom-kill-disable',
  memorySwappiness: '--memory-swappiness',
  blkioWeight: '--blkio-weight',
  blkioWeightDevice: '--blkio-weight-device',
  blkioThrottle: '--device-read-bps',
};

/** The cgroup v2 controller each limit needs (the others need none of a delegated subtree's). */
const CONTROLLER: Partial<Record<keyof ContainerSpec['resources'], string>> = {
  memory: 'memory',
  memorySwap: 'memory',
  memoryReservation: 'memory',
  memorySwappiness: 'memory',
  oomKillDisable: 'memory',
  nanoCpus: 'cpu',
  cpuShares: 'cpu',
  cpuQuota: 'cpu',
  cpuPeriod: 'cpu',
  cpusetCpus: 'cpuset',
  cpusetMems: 'cpuset',
  cpuRealtimePeriod: 'cpu.rt (none on cgroup v2)',
  cpuRealtimeRuntime: 'cpu.rt (none on cgroup v2)',
  pidsLimit: 'pids',
  blkioWeight: 'io',
  blkioWeightDevice: 'io',
  blkioThrottle: 'io',
};

/** Why a rootless container on this host has no cgroup limits, or undefined when it could. */
export function rootlessLimitsUnavailable(cgroup: 1 | 2 | RootlessCgroup): string | undefined {
  const cg = typeof cgroup === 'number' ? rootlessCgroup(cgroup) : cgroup;
  return cg.available ? undefined : cg.reason;
}

/**
 * The flags a rootless container cannot honour, refused before anything is made, never ignored:
 * cgroup limits (and a cgroup parent or device cgroup rules) without a cgroup of the user's own;
 * `--userns=keep-id` is only meaningful rootless.
 */
export function checkRootlessSpec(spec: ContainerSpec, rootless: RootlessMode | undefined, cgroup: 1 | 2 | RootlessCgroup): void {
  if (!rootless) {
    if (spec.usernsMode === 'keep-id')
      throw new BerthError(
        'InvalidArgument',
        '--userns=keep-id is for rootless berth (an ordinary user) only: root runs containers in the host user namespace',
      );
    return;
  }
  if (spec.usernsMode === 'keep-id' && rootless.singleId) {
    throw new BerthError(
      'InvalidArgument',
      `--userns=keep-id needs subordinate ids for ${rootless.user} in /etc/subuid and /etc/subgid (without them root inside is already ${rootless.user})`,
    );
  }
  const own = ownOomScoreAdj();
  if (spec.oomScoreAdj !== undefined && spec.oomScoreAdj < own) {
    throw new BerthError(
      'InvalidArgument',
      `--oom-score-adj ${spec.oomScoreAdj}: a rootless container cannot have a lower OOM score adjustment than its user's (${own})`,
    );
  }
  const set = (Object.keys(spec.resources) as Array<keyof ContainerSpec['resources']>).filter((k) => {
    const v = spec.resources[k];
    return v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);
  });
  const flags = set.map((k) => RESOURCE_FLAGS[k] ?? k);
  const cg = typeof cgroup === 'number' ? rootlessCgroup(cgroup) : cgroup;
  if (!cg.available) {
    if (spec.cgroupParent) flags.push('--cgroup-parent');
    if (spec.deviceCgroupRules?.length) flags.push('--device-cgroup-rule');
    if (flags.length)
      throw new BerthError('InvalidArgument', `${[...new Set(flags)].join(', ')}: resource limits are not available to rootless containers here: ${cg.reason}`);
    return;
  }
  // a delegated cgroup v2 subtree: limits whose controller it has apply (runc writes them into
  // the container's cgroup under it); the others are refused with the controller they lack
  for (const k of set) {
    const c = CONTROLLER[k];
    if (c && !cg.controllers.includes(c)) {
      throw new BerthError(
        'InvalidArgument',
        `${RESOURCE_FLAGS[k] ?? k}: the cgroup v2 subtree delegated to ${rootless.user} (${cg.root}) has no ${c} controller`,
      );
    }
  }
  if (spec.cgroupParent)
    throw new BerthError('InvalidArgument', `--cgroup-parent: a rootless container's cgroup is under ${cg.parent}, the subtree delegated to ${rootless.user}`);
  if (spec.deviceCgroupRules?.length)
    throw new BerthError(
      'InvalidArgument',
      '--device-cgroup-rule: device rules need root (a cgroup v2 device filter is a BPF program an ordinary user cannot attach)',
    );
}

/** pause and unpause need the cgroup freezer: refused with the reason when a rootless container has no cgroup. */
export function checkRootlessPause(rootless: RootlessMode | undefined, cgroup: 1 | 2 | RootlessCgroup): void {
  const why = rootless ? rootlessLimitsUnavailable(cgroup) : undefined;
  if (why) throw new BerthError('FailedPrecondition', `pausing a rootless container needs its own cgroup (the freezer), which it does not have here: ${why}`);
}

/**
 * The processes of a container without a cgroup to list them by (rootless): every process in
 * the pid namespace of its pid 1, read from /proc.
 */
export function pidsInNamespaceOf(pid: number): number[] {
  let ns: string;
  try {
    ns = fs.readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readlinkSync(`/proc/${d}/ns/pid`) === ns) out.push(Number(d));
    } catch {
      // gone, or not ours to see
    }
  }
  return out;
}

function ownOomScoreAdj(): number {
  try {
    return Number(fs.readFileSync('/proc/self/oom_score_adj', 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}
