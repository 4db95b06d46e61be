import { BerthError } from '../../errors/index.js';
import type { SpecDeviceCgroup, SpecLinuxDevice } from '../../oci/types.js';
import type { ContainerSpec } from '../container-spec.js';
import { statDevice, type DeviceInfo, type HostFacts } from '../host-facts.js';

/**
 * The devices cgroup rules of an unprivileged container: deny everything, then allow creating any
 * node (using one is what matters) and the standard set runc creates in /dev.
 */
export const DEFAULT_DEVICE_RULES: readonly SpecDeviceCgroup[] = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', access: 'm' },
  { allow: true, type: 'b', access: 'm' },
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, // null
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' }, // zero
  { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' }, // full
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' }, // random
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' }, // urandom
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' }, // tty
  { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' }, // console
  { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' }, // ptmx
  { allow: true, type: 'c', major: 136, access: 'rwm' }, // pts/*
  { allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' }, // net/tun, as docker has always allowed
];

function toSpecDevice(d: DeviceInfo): SpecLinuxDevice {
  return { path: d.path, type: d.type, major: d.major, minor: d.minor, fileMode: d.fileMode, uid: d.uid, gid: d.gid };
}

/**
 * linux.devices and their cgroup rules. runc itself creates the standard nodes (null, zero, full,
 * random, urandom, tty, ptmx, pts), so linux.devices lists only --device ones; privileged
 * containers get every host device and no device restriction.
 */
export function devices(spec: ContainerSpec, host: HostFacts): { devices: SpecLinuxDevice[]; rules: SpecDeviceCgroup[] } {
  if (spec.privileged) {
    return { devices: (host.hostDevices?.() ?? []).map(toSpecDevice), rules: [{ allow: true, access: 'rwm' }] };
  }
  const lookup = host.device ?? ((p: string) => statDevice(p));
  const list: SpecLinuxDevice[] = [];
  const rules = [...DEFAULT_DEVICE_RULES];
  for (const d of spec.devices) {
    const info = lookup(d.hostPath);
    if (!info || info.type === 'p') {
      throw new BerthError(
        'InvalidArgument',
        `error gathering device information while adding custom device "${d.hostPath}": not a device node or does not exist`,
      );
    }
    list.push(toSpecDevice({ ...info, path: d.containerPath }));
    rules.push({ allow: true, type: info.type, major: info.major, minor: info.minor, access: d.permissions });
  }
  for (const r of spec.deviceCgroupRules ?? []) {
    rules.push({
      allow: true,
      type: r.type,
      ...(r.major !== null ? { major: r.major } : {}),
      ...(r.minor !== null ? { minor: r.minor } : {}),
      access: r.access,
    });
  }
  return { devices: list, rules };
}
