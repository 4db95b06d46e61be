import { parseCpuList } from './cpuset.js';
import { BerthError } from '../errors/index.js';
import type { ContainerSpec } from './container-spec.js';
import { validateSysctls } from './opts/sysctls.js';
import { parseSignal } from './parse/signal.js';
import { ULIMIT_RLIMITS } from './parse/ulimit.js';

const MIN_MEMORY = 6 * 1024 * 1024;

function invalid(message: string): BerthError {
  return new BerthError('InvalidArgument', message);
}

function checkMode(flag: string, value: string | undefined, allowed: readonly string[], inPod = false): void {
  if (value === undefined || value === '' || allowed.includes(value)) return;
  // pods: a member joins its infra's uts namespace too (docker's --uts never joins a container's)
  if (value.startsWith('container:') && value.length > 'container:'.length && (flag !== '--uts' || inPod)) return;
  throw invalid(`invalid ${flag}: "${value}"`);
}

function checkResources(r: ContainerSpec['resources']): void {
  if (r.memory !== undefined && r.memory > 0 && r.memory < MIN_MEMORY) throw invalid('minimum memory limit allowed is 6MB');
  if (r.memorySwap !== undefined && r.memorySwap > 0) {
    if (!r.memory) throw invalid('you should always set the memory limit when using the memory-swap limit');
    if (r.memorySwap < r.memory) throw invalid('minimum memory-swap limit should be larger than the memory limit');
  }
  if (r.memoryReservation && r.memory && r.memory < r.memoryReservation) {
    throw invalid('minimum memory limit can not be less than the memory reservation limit');
  }
  if (r.nanoCpus !== undefined && r.nanoCpus > 0) {
    if (r.cpuPeriod) throw invalid('conflicting options: nano cpus and cpu period cannot both be set');
    if (r.cpuQuota) throw invalid('conflicting options: nano cpus and cpu quota cannot both be set');
  }
  if (r.cpuQuota !== undefined && r.cpuQuota > 0 && r.cpuQuota < 1000) throw invalid('cpu cfs quota can not be less than 1ms (i.e. 1000)');
  if (r.cpuPeriod !== undefined && r.cpuPeriod !== 0 && (r.cpuPeriod < 1000 || r.cpuPeriod > 1000000)) {
    throw invalid('cpu cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  }
  if (r.cpuShares !== undefined && r.cpuShares < 0) throw invalid('invalid cpu shares: must not be negative');
  if (r.cpusetCpus !== undefined && parseCpuList(r.cpusetCpus) === null) {
    throw invalid(`invalid value "${r.cpusetCpus}" for cpuset cpus`);
  }
  if (r.cpusetMems !== undefined && parseCpuList(r.cpusetMems) === null) {
    throw invalid(`invalid value "${r.cpusetMems}" for cpuset mems`);
  }
  if (r.cpuRealtimePeriod && r.cpuRealtimeRuntime && r.cpuRealtimeRuntime > r.cpuRealtimePeriod) {
    throw invalid('cpu-rt-runtime cannot be higher than cpu-rt-period');
  }
}

function checkMounts(spec: ContainerSpec): void {
  const seen = new Set<string>();
  for (const m of spec.mounts) {
    if (!m.target.startsWith('/')) throw invalid(`invalid mount path "${m.target}": mount path must be absolute`);
    if (seen.has(m.target)) throw invalid(`duplicate mount point: "${m.target}"`);
    seen.add(m.target);
  }
}

/**
 * docker's validateNetContainerMode: a container on another's network stack (--network
 * container:NAME) has that container's DNS, /etc/hosts, ports and MAC address, so flags that
 * set them are refused (a pod's members are placed on the pod's stack by berth, not the user).
 */
function checkContainerNetworkMode(spec: ContainerSpec): void {
  if (spec.pod !== undefined) return;
  const net = spec.network;
  if (net.startsWith('container:')) {
    if (spec.dns.length > 0) throw invalid('conflicting options: dns and the network mode');
    if (spec.extraHosts.length > 0) throw invalid('conflicting options: custom host-to-IP mapping and the network mode');
    if ((spec.links ?? []).length > 0)
      throw invalid("conflicting options: container type network can't be used with links. This would result in undefined behavior");
    if (spec.publish.length > 0 || spec.publishAll) throw invalid('conflicting options: port publishing and the container type network mode');
    if ((spec.expose ?? []).length > 0) throw invalid('conflicting options: port exposing and the container type network mode');
  }
  if ((net.startsWith('container:') || net === 'host') && spec.macAddress !== undefined) {
    throw invalid('conflicting options: mac-address and the network mode');
  }
}

/**
 * The checks that need neither the image nor the host: conflicting flags, values out of range,
 * sysctls that would leak to the host. `generateRuntimeSpec` calls it first; the CLI may call it
 * before pulling anything.
 */
export function validateContainerSpec(spec: ContainerSpec): void {
  if (spec.autoRemove && spec.restartPolicy.name !== 'no') {
    throw invalid('conflicting options: cannot specify both --restart and --rm');
  }
  if (spec.restartPolicy.name !== 'on-failure' && spec.restartPolicy.maximumRetryCount > 0) {
    throw invalid(`maximum retry count cannot be used with restart policy "${spec.restartPolicy.name}"`);
  }
  checkMode('--pid', spec.pidMode, ['private', 'host']);
  checkMode('--ipc', spec.ipcMode, ['private', 'shareable', 'host', 'none']);
  checkMode('--uts', spec.utsMode, ['private', 'host'], spec.pod !== undefined);
  checkMode('--cgroupns', spec.cgroupnsMode, ['private', 'host']);
  checkContainerNetworkMode(spec);
  if (spec.utsMode === 'host' && (spec.hostname || spec.domainname)) {
    throw invalid('conflicting options: hostname and the UTS mode');
  }
  checkResources(spec.resources);
  if (spec.shmSize !== undefined && spec.shmSize <= 0) throw invalid('invalid --shm-size: must be greater than 0');
  for (const u of spec.ulimits) {
    if (!(u.name in ULIMIT_RLIMITS)) throw invalid(`invalid ulimit type: "${u.name}"`);
  }
  for (const d of spec.devices) {
    if (!d.containerPath.startsWith('/')) throw invalid(`invalid device path "${d.containerPath}": must be absolute`);
  }
  checkMounts(spec);
  if (spec.stopSignal !== undefined) parseSignal(spec.stopSignal);
  if (spec.stopTimeout !== undefined && spec.stopTimeout < -1) throw invalid('invalid --stop-timeout: must be -1 or more');
  validateSysctls(spec);
}
