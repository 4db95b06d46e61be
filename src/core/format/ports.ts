/**
 * The PORTS column of docker ps (cli/command/formatter/container.go DisplayablePorts): exposed
 * ports and ports published on the same host port are grouped into ranges; other publications
 * follow as `ip:host->container/proto`.
 */

export interface PortEntry {
  /** host address the port is published on; absent for a port that is only exposed */
  hostIp?: string;
  hostPort?: number;
  containerPort: number;
  protocol: string;
}

interface Ip {
  text: string;
  bytes: number[];
}

function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

function parseIPv6(s: string): number[] | undefined {
  let text = s;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = v4;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): string[] => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0] as string);
  const rest = halves.length === 2 ? groups(halves[1] as string) : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const bytes = all.flatMap((g) => {
    const v = parseInt(g, 16);
    return [v >> 8, v & 0xff];
  });
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** netip.Addr.String for IPv6: lower case, longest run of zero groups as "::". */
function formatIPv6(bytes: number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function parseIp(s: string | undefined): Ip | undefined {
  if (s === undefined || s === '') return undefined;
  const v4 = parseIPv4(s);
  if (v4) return { text: v4.join('.'), bytes: v4 };
  const v6 = parseIPv6(s);
  if (v6) return { text: formatIPv6(v6), bytes: v6 };
  return undefined;
}

/** netip.Addr.Less: no address, then IPv4, then IPv6, each by value. */
function compareIp(a: Ip | undefined, b: Ip | undefined): number {
  const la = a?.bytes.length ?? 0;
  const lb = b?.bytes.length ?? 0;
  if (la !== lb) return la - lb;
  for (let i = 0; i < la; i++) {
    const d = (a?.bytes[i] as number) - (b?.bytes[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function formGroup(key: string, start: number, last: number): string {
  const parts = key.split('/');
  let groupType = parts[0] as string;
  let ip = '';
  if (parts.length > 1) {
    ip = parts[0] as string;
    groupType = parts[1] as string;
  }
  let group = String(start);
  if (start !== last) group = `${group}-${last}`;
  if (ip !== '') group = `${joinHostPort(ip, group)}->${group}`;
  return `${group}/${groupType}`;
}

/**
 * Formats a container's ports as docker ps does.
 *
 * @example
 * formatPorts([
 *   { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
 *   { hostIp: '::', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
 * ]) // "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp"
 */
export function formatPorts(ports: readonly PortEntry[]): string {
  const sorted = ports
    .map((p) => ({ ...p, ip: parseIp(p.hostIp), hostPort: p.hostPort ?? 0 }))
    .sort(
      (a, b) =>
        a.containerPort - b.containerPort ||
        compareIp(a.ip, b.ip) ||
        a.hostPort - b.hostPort ||
        (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0),
    );
  const groups = new Map<string, { first: number; last: number }>();
  const result: string[] = [];
  const hostMappings: string[] = [];
  for (const port of sorted) {
    const current = port.containerPort;
    let key = port.protocol;
    if (port.ip !== undefined) {
      if (port.hostPort !== current) {
        hostMappings.push(`${joinHostPort(port.ip.text, String(port.hostPort))}->${current}/${port.protocol}`);
        continue;
      }
      key = `${port.ip.text}/${port.protocol}`;
    }
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, { first: current, last: current });
      continue;
    }
    if (current === group.last + 1) {
      group.last = current;
      continue;
    }
    result.push(formGroup(key, group.first, group.last));
    // docker re-creates the group but keeps its first position in the final listing
    groups.set(key, { first: current, last: current });
  }
  for (const [key, g] of groups) result.push(formGroup(key, g.first, g.last));
  result.push(...hostMappings);
  return result.join(', ');
}
