import net from 'node:net';
import type { PortSpec } from '../container-spec.js';
import { invalidArgument } from './invalid.js';

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

function portRange(text: string, what: string, allowZero: boolean): [number, number] {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  const start = m ? Number(m[1]) : NaN;
  const end = m?.[2] === undefined ? start : Number(m[2]);
  const min = allowZero && m?.[2] === undefined ? 0 : 1;
  if (!m || start < min || end > 65535 || end < start) throw invalidArgument(`invalid ${what}: "${text}"`);
  return [start, end];
}

/** `80/udp` → ['80', 'udp']; tcp when no protocol is given. */
function splitProtocol(value: string): [string, string] {
  const slash = value.lastIndexOf('/');
  if (slash < 0) return [value, 'tcp'];
  const protocol = value.slice(slash + 1).toLowerCase();
  if (!PROTOCOLS.has(protocol)) throw invalidArgument(`invalid proto: "${protocol}"`);
  return [value.slice(0, slash), protocol];
}

/**
 * -p / --publish `[ip:][hostPort:]containerPort[/proto]` with ranges (`8000-8001:80-81`) and IPv6
 * addresses in brackets (`[::1]:8080:80`). A missing or 0 host port means "pick one" (hostPort 0);
 * a missing ip means all interfaces (hostIp ""). One PortSpec per container port.
 *
 * @example parsePublish('127.0.0.1:8080:80/udp') // [{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'udp' }]
 */
export function parsePublish(value: string): PortSpec[] {
  const [rest, protocol] = splitProtocol(value);
  const parts = rest.split(':');
  const containerText = parts[parts.length - 1] ?? '';
  let hostText = '';
  let ip = '';
  if (parts.length === 2) hostText = parts[0] ?? '';
  else if (parts.length > 2) {
    hostText = parts[parts.length - 2] ?? '';
    ip = parts.slice(0, -2).join(':');
    if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
    if (ip !== '' && net.isIP(ip) === 0) throw invalidArgument(`invalid ip address: "${ip}"`);
  }
  const [cStart, cEnd] = portRange(containerText, 'containerPort', false);
  let hStart = 0;
  let hEnd = 0;
  if (hostText !== '') [hStart, hEnd] = portRange(hostText, 'hostPort', true);
  if (hostText !== '' && hStart !== 0 && hEnd - hStart !== cEnd - cStart) {
    throw invalidArgument(`invalid ranges specified for container and host ports: "${containerText}" and "${hostText}"`);
  }
  const out: PortSpec[] = [];
  for (let p = cStart; p <= cEnd; p++) {
    out.push({
      hostIp: ip,
      hostPort: hStart === 0 ? 0 : hStart + (p - cStart),
      containerPort: p,
      protocol: protocol as PortSpec['protocol'],
    });
  }
  return out;
}

/**
 * --expose `port[/proto]` or a range `start-end[/proto]`: the ports as "80/tcp", one each.
 *
 * @example parseExpose('8000-8001/udp') // ['8000/udp', '8001/udp']
 */
export function parseExpose(value: string): string[] {
  const [rest, protocol] = splitProtocol(value);
  const [start, end] = portRange(rest, 'range format for --expose specification', false);
  const out: string[] = [];
  for (let p = start; p <= end; p++) out.push(`${p}/${protocol}`);
  return out;
}
