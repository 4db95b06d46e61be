import type { SpecDeviceCgroup, SpecResources } from '../../oci/types.js';
import type { ContainerSpec } from '../container-spec.js';
import type { HostFacts } from '../host-facts.js';

export const CPU_PERIOD = 100000;

/**
 * linux.resources from the user's limits. The runtime-spec's fields are cgroup-v1 shaped and runc
 * translates them for v2 (memory.max, memory.swap.max = swap - limit, cpu.max, cpu.weight from
 * shares, memory.low from the reservation), so both versions get the same fields, except what
 * v2 cannot do: the OOM-killer switch has no v2 file and is dropped with a warning, as docker
 * does. Nothing we take needs `unified` (it is for v2-only knobs).
 *
 * Swap follows docker: --memory-swap is memory plus swap; -1 is unlimited swap; with only
 * --memory the container may swap as much again (total 2 × memory); no swap limit at all when the
 * host cannot account swap.
 */
export function resources(spec: ContainerSpec, host: HostFacts, deviceRules: SpecDeviceCgroup[], warn: (message: string) => void = () => {}): SpecResources {
  const r = spec.resources;
  const out: SpecResources = { devices: deviceRules };
  const memory: NonNullable<SpecResources['memory']> = {};
  if (r.memory && r.memory > 0) memory.limit = r.memory;
  if (r.memoryReservation && r.memoryReservation > 0) memory.reservation = r.memoryReservation;
  const swap = r.memorySwap === -1 ? -1 : r.memorySwap && r.memorySwap > 0 ? r.memorySwap : memory.limit ? memory.limit * 2 : undefined;
  if (swap !== undefined && memory.limit !== undefined) {
    if (host.swapLimit === false) {
      warn('your kernel does not support swap limit capabilities or the cgroup is not mounted: memory limited without swap');
    } else memory.swap = swap;
  }
  if (r.oomKillDisable) {
    if (host.cgroupVersion === 2) warn('the OOM killer cannot be disabled on cgroup v2: --oom-kill-disable is ignored');
    else {
      memory.disableOOMKiller = true;
      if (!memory.limit) warn('the OOM killer is disabled but no memory limit is set: the host may run out of memory');
    }
  }
  if (r.memorySwappiness !== undefined && r.memorySwappiness >= 0) {
    if (host.cgroupVersion === 2) warn('cgroup v2 has no memory.swappiness: --memory-swappiness is ignored');
    else memory.swappiness = r.memorySwappiness;
  }
  if (Object.keys(memory).length > 0) out.memory = memory;

  const cpu: NonNullable<SpecResources['cpu']> = {};
  if (r.cpuShares) cpu.shares = r.cpuShares;
  if (r.nanoCpus && r.nanoCpus > 0) {
    cpu.period = CPU_PERIOD;
    cpu.quota = Math.round((r.nanoCpus * CPU_PERIOD) / 1e9);
  } else {
    if (r.cpuQuota) cpu.quota = r.cpuQuota;
    if (r.cpuPeriod) cpu.period = r.cpuPeriod;
  }
  if (r.cpusetCpus) cpu.cpus = r.cpusetCpus;
  if (r.cpusetMems) cpu.mems = r.cpusetMems;
  if (r.cpuRealtimePeriod || r.cpuRealtimeRuntime) {
    if (host.cgroupVersion === 2) warn('cgroup v2 has no real-time CPU budget: --cpu-rt-period/--cpu-rt-runtime are ignored');
    else {
      if (r.cpuRealtimePeriod) cpu.realtimePeriod = r.cpuRealtimePeriod;
      if (r.cpuRealtimeRuntime) cpu.realtimeRuntime = r.cpuRealtimeRuntime;
    }
  }
  if (Object.keys(cpu).length > 0) out.cpu = cpu;

  if (r.blkioWeight) out.blockIO = { weight: r.blkioWeight };
  if (r.blkioWeightDevice?.length)
    out.blockIO = { ...(out.blockIO ?? {}), weightDevice: r.blkioWeightDevice.map(({ major, minor, weight }) => ({ major, minor, weight })) };
  const throttle = (kind: string) => (r.blkioThrottle ?? []).filter((t) => t.kind === kind).map(({ major, minor, rate }) => ({ major, minor, rate }));
  for (const [kind, field] of [
    ['readBps', 'throttleReadBpsDevice'],
    ['writeBps', 'throttleWriteBpsDevice'],
    ['readIops', 'throttleReadIOPSDevice'],
    ['writeIops', 'throttleWriteIOPSDevice'],
  ] as const) {
    const list = throttle(kind);
    if (list.length) out.blockIO = { ...(out.blockIO ?? {}), [field]: list };
  }
  // docker: 0 and -1 both mean unlimited
  if (r.pidsLimit !== undefined && r.pidsLimit > 0) out.pids = { limit: r.pidsLimit };
  return out;
}
