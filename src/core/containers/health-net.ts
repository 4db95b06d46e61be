import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { EngineContext } from '../engine-context.js';
import type { ContainerRecord } from './container-record.js';
import { networkStore } from '../networks/index.js';

/**
 * Kubernetes' httpGet and tcpSocket probes (kube play), made from the host into the container's
 * network namespace, so the image needs no curl or nc: healthcheck tests of the form
 * ['BERTH-HTTP-GET', scheme, host, port, path] and ['BERTH-TCP', host, port] (an empty host is the
 * container's address on its network: its pod's, or 127.0.0.1 on the host's network).
 */
export function isNetProbe(test: readonly string[]): boolean {
  return test[0] === 'BERTH-HTTP-GET' || test[0] === 'BERTH-TCP';
}

/** The address the host reaches the container's network namespace at. */
function containerAddress(ctx: EngineContext, rec: ContainerRecord): string | undefined {
  let id = rec.id;
  let mode = rec.spec.network;
  if (mode.startsWith('container:')) {
    const other = ctx.containers.get(mode.slice('container:'.length)) ?? ctx.containers.findByName(mode.slice('container:'.length));
    if (!other) return undefined;
    id = other.id;
    mode = other.spec.network;
  }
  if (mode === 'host') return '127.0.0.1';
  return networkStore(ctx)
    .endpoints(id)
    .find((e) => e.ip)?.ip;
}

export async function netProbe(
  ctx: EngineContext,
  rec: ContainerRecord,
  test: readonly string[],
  timeoutMs: number,
): Promise<{ exitCode: number; output: string }> {
  const host = (test[0] === 'BERTH-HTTP-GET' ? test[2] : test[1]) || containerAddress(ctx, rec);
  if (!host) return { exitCode: 1, output: 'the container has no address the host can reach (network none)' };
  if (test[0] === 'BERTH-TCP') {
    const port = Number(test[2]);
    return new Promise((resolve) => {
      const s = net.connect({ host, port, timeout: timeoutMs });
      s.on('connect', () => {
        s.destroy();
        resolve({ exitCode: 0, output: `connected to ${host}:${port}` });
      });
      s.on('timeout', () => {
        s.destroy();
        resolve({ exitCode: 1, output: `timed out connecting to ${host}:${port}` });
      });
      s.on('error', (e) => resolve({ exitCode: 1, output: `${host}:${port}: ${e.message}` }));
    });
  }
  const scheme = test[1] === 'HTTPS' ? 'https' : 'http';
  const port = Number(test[3]);
  const path = test[4] || '/';
  const lib = scheme === 'https' ? https : http;
  return new Promise((resolve) => {
    const req = lib.get(
      { host, port, path, timeout: timeoutMs, headers: { 'User-Agent': 'kube-probe/berth' }, ...(scheme === 'https' ? { rejectUnauthorized: false } : {}) },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        // Kubernetes: 200 <= status < 400 succeeds
        resolve({ exitCode: code >= 200 && code < 400 ? 0 : 1, output: `HTTP ${code} from ${scheme}://${host}:${port}${path}` });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => resolve({ exitCode: 1, output: `${scheme}://${host}:${port}${path}: ${e.message}` }));
  });
}
