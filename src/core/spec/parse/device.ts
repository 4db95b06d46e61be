import { invalidArgument } from './invalid.js';

export interface DeviceSpec {
  hostPath: string;
  containerPath: string;
  permissions: string;
}

/** r, w, m each at most once, nothing else (docker's validDeviceMode). */
function isDeviceMode(mode: string): boolean {
  if (mode === '') return false;
  const seen = new Set<string>();
  for (const c of mode) {
    if (!'rwm'.includes(c) || seen.has(c)) return false;
    seen.add(c);
  }
  return true;
}

/**
 * --device `host[:container[:perms]]`; the second field is taken as permissions when it looks like
 * them (`/dev/fuse:rw`), as docker does. Default permissions are rwm.
 *
 * @example parseDevice('/dev/fuse') // { hostPath: '/dev/fuse', containerPath: '/dev/fuse', permissions: 'rwm' }
 */
export function parseDevice(value: string): DeviceSpec {
  const parts = value.split(':');
  const hostPath = parts[0] ?? '';
  let containerPath = hostPath;
  let permissions = 'rwm';
  if (parts.length === 2) {
    if (isDeviceMode(parts[1] ?? '')) permissions = parts[1] ?? permissions;
    else containerPath = parts[1] ?? '';
  } else if (parts.length === 3) {
    containerPath = parts[1] ?? '';
    if (!isDeviceMode(parts[2] ?? '')) throw invalidArgument(`invalid device mode "${parts[2]}" in "${value}"`);
    permissions = parts[2] ?? permissions;
  } else if (parts.length > 3) {
    throw invalidArgument(`invalid device specification: "${value}"`);
  }
  if (!hostPath.startsWith('/')) throw invalidArgument(`invalid device specification: "${value}": host path must be absolute`);
  if (!containerPath.startsWith('/')) throw invalidArgument(`invalid device specification: "${value}": "${containerPath}" is not an absolute path`);
  return { hostPath, containerPath, permissions };
}

/**
 * docker's --device-cgroup-rule: `TYPE MAJOR:MINOR ACCESS`, type a (all), b or c, numbers or `*`,
 * access some of r, w, m.
 */
export function parseDeviceCgroupRule(value: string): { type: string; major: number | null; minor: number | null; access: string } {
  const m = /^([abc]) (\d+|\*):(\d+|\*) ([rwm]{1,3})$/.exec(value.trim());
  if (!m) throw invalidArgument(`invalid device cgroup format '${value}'`);
  const num = (s: string) => (s === '*' ? null : Number(s));
  return { type: m[1] as string, major: num(m[2] as string), minor: num(m[3] as string), access: m[4] as string };
}
