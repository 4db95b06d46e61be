import { isIP } from 'node:net';
import { BerthError } from '../../errors/berth-error.js';

/**
 * docker's --add-host: `host:ip` or `host=ip`, an IPv6 address optionally in brackets, or the
 * word `host-gateway`; returned in the `host:ip` form the container's /etc/hosts is written from.
 *
 * @example
 * parseAddHost('my-hostname=[2001:db8::33]') // 'my-hostname:2001:db8::33'
 */
export function parseAddHost(value: string): string {
  let i = value.indexOf('=');
  if (i < 0) i = value.indexOf(':');
  const host = i < 0 ? '' : value.slice(0, i);
  let ip = i < 0 ? '' : value.slice(i + 1);
  if (host === '' || host.includes(':')) {
    throw new BerthError('InvalidArgument', `invalid argument "${value}" for "--add-host" flag: bad format for add-host: "${value}"`);
  }
  if (ip !== 'host-gateway') {
    if (ip.length > 2 && ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
    if (isIP(ip) === 0) throw new BerthError('InvalidArgument', `invalid argument "${value}" for "--add-host" flag: invalid IP address in add-host: "${ip}"`);
  }
  return `${host}:${ip}`;
}
