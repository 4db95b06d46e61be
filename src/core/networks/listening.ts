import fs from 'node:fs';
import { BerthError } from '../errors/index.js';
import type { PortSpec } from '../spec/container-spec.js';
import { parseIPv4 } from './subnet.js';

/** Host sockets bound to a port, from /proc/net (synchronous: create runs before any await). */
function boundPorts(proto: 'tcp' | 'udp'): Array<{ ip: string; port: number }> {
  const out: Array<{ ip: string; port: number }> = [];
  for (const f of [`/proc/net/${proto}`, `/proc/net/${proto}6`]) {
    let text = '';
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      // TCP: only listeners (state 0A); UDP: every bound socket
      if (!local || (proto === 'tcp' && cols[3] !== '0A')) continue;
      const [hexIp = '', hexPort = '0'] = local.split(':');
      let ip = '::';
      if (hexIp.length === 8) {
        const n = parseInt(hexIp, 16);
        ip = [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.');
      } else if (!/^0+$/.test(hexIp)) ip = 'v6';
      out.push({ ip, port: parseInt(hexPort, 16) });
    }
  }
  return out;
}

/**
 * Refuse host ports that a host process already holds, before the container is created (docker's
 * "Bind for 0.0.0.0:8080 failed"); start checks again by binding, which also covers races.
 */
export function checkHostPortsFree(ports: PortSpec[]): void {
  const explicit = ports.filter((p) => p.hostPort !== 0 && p.protocol !== 'sctp');
  if (!explicit.length) return;
  const bound = { tcp: boundPorts('tcp'), udp: boundPorts('udp') };
  for (const p of explicit) {
    const want = p.hostIp || '0.0.0.0';
    const hit = bound[p.protocol as 'tcp' | 'udp'].find(
      (b) =>
        b.port === p.hostPort &&
        (b.ip === want || b.ip === '0.0.0.0' || b.ip === '::' || want === '0.0.0.0' || (parseIPv4(want) === undefined && b.ip === 'v6')),
    );
    if (hit) throw new BerthError('Conflict', `Bind for ${want}:${p.hostPort}/${p.protocol} failed: address already in use`);
  }
}
