import dgram from 'node:dgram';
import net from 'node:net';
import { BerthError } from '../errors/index.js';
import type { PortSpec } from '../spec/container-spec.js';

/** docker's message when a host port is taken, naming it. */
function inUse(p: PortSpec, why: string): BerthError {
  return new BerthError('Conflict', `Bind for ${p.hostIp || '0.0.0.0'}:${p.hostPort}/${p.protocol} failed: ${why}`);
}

/** Try to bind the host port the way a server would; resolves to the port bound (0 → picked). */
function probe(p: PortSpec): Promise<number> {
  const host = p.hostIp || '0.0.0.0';
  if (p.protocol === 'udp') {
    return new Promise((resolve, reject) => {
      const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
      s.once('error', (e) => {
        s.close();
        reject(e);
      });
      s.bind(p.hostPort, host, () => {
        const port = s.address().port;
        s.close(() => resolve(port));
      });
    });
  }
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ port: p.hostPort, host, exclusive: true }, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The ports a container publishes, with every host port decided: -p as given, plus -P's exposed
 * ports, and 0 resolved to a free ephemeral port (the kernel picks it, as docker's allocator does
 * from the same range). A host port some process listens on, or another berth container
 * publishes, is refused before anything is set up: DNAT would otherwise silently shadow it.
 */
export async function resolvePorts(requested: PortSpec[], publishAll: boolean, exposed: string[], taken: PortSpec[]): Promise<PortSpec[]> {
  const out: PortSpec[] = requested.map((p) => ({ ...p }));
  if (publishAll) {
    for (const e of exposed) {
      const [port = '', proto = 'tcp'] = e.split('/');
      const containerPort = Number(port);
      if (!Number.isInteger(containerPort) || containerPort <= 0) continue;
      if (out.some((p) => p.containerPort === containerPort && p.protocol === proto)) continue;
      out.push({ hostIp: '', hostPort: 0, containerPort, protocol: proto as PortSpec['protocol'] });
    }
  }
  for (const p of out) {
    if (p.protocol === 'sctp') throw new BerthError('InvalidArgument', `publishing ${p.containerPort}/sctp is not supported`);
    const clash = taken.find((t) => t.hostPort === p.hostPort && t.protocol === p.protocol && (t.hostIp === p.hostIp || !t.hostIp || !p.hostIp));
    if (p.hostPort !== 0 && clash) throw inUse(p, 'port is already allocated');
    try {
      p.hostPort = await probe(p);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EADDRINUSE') throw inUse(p, 'address already in use');
      if (code === 'EADDRNOTAVAIL') throw new BerthError('InvalidArgument', `cannot publish on ${p.hostIp}: address not available on this host`);
      throw new BerthError('Internal', `checking host port ${p.hostPort}: ${(e as Error).message}`);
    }
  }
  const seen = new Set<string>();
  for (const p of out) {
    const k = `${p.hostIp}:${p.hostPort}/${p.protocol}`;
    if (seen.has(k)) throw inUse(p, 'port is already allocated');
    seen.add(k);
  }
  return out;
}
