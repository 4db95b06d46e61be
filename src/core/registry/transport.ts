import fs from 'node:fs';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { Readable } from 'node:stream';
import tls from 'node:tls';

/**
 * The HTTP layer under the registry client: node:http and node:https directly. Chosen over the
 * global fetch (undici) because a per-registry CA bundle and client certificate (certs.d) are
 * plain `ca`/`cert`/`key` options of an https.Agent, while fetch would need the undici package
 * for its dispatcher; and because a response body is a Node Readable that flows straight, with
 * back-pressure, into the content store.
 */
export interface TlsFiles {
  /** extra CA certificates, added to the system roots */
  ca: Buffer[];
  cert?: Buffer;
  key?: Buffer;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  url: URL;
}

export interface SendOptions {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer | Readable;
  agent: http.Agent;
  /** idle time on the socket before the request fails */
  timeoutMs?: number;
}

/** The system-wide per-registry CA directories, docker's and podman's ($BERTH_CERTS_D overrides, colon-separated). */
export function certsDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const v = env['BERTH_CERTS_D'];
  if (v !== undefined) return v.split(':').filter(Boolean);
  return ['/etc/containers/certs.d', '/etc/docker/certs.d'];
}

/**
 * TLS files for a registry: `*.crt` are CAs, `*.cert` with the `*.key` of the same name a client
 * certificate (docker's and containers-certs.d's layout). `certDir` (podman's --cert-dir) holds
 * them directly; otherwise `<dir>/<host[:port]>/` of each certs.d directory is read.
 */
export function loadTlsFiles(registry: string, certDir?: string, dirs: string[] = certsDirs()): TlsFiles {
  const out: TlsFiles = { ca: [] };
  const candidates = certDir !== undefined ? [certDir] : dirs.map((d) => path.join(d, registry));
  for (const dir of candidates) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      const p = path.join(dir, n);
      if (n.endsWith('.crt')) out.ca.push(fs.readFileSync(p));
      else if (n.endsWith('.cert') && out.cert === undefined) {
        const key = path.join(dir, `${n.slice(0, -'.cert'.length)}.key`);
        if (fs.existsSync(key)) {
          out.cert = fs.readFileSync(p);
          out.key = fs.readFileSync(key);
        }
      }
    }
  }
  return out;
}

/**
 * The CAs of $NODE_EXTRA_CA_CERTS, which node would add to its trust store. bin/berth hands the
 * variable over as BERTH_EXTRA_CA_CERTS instead: node reads and parses that file at every
 * start when it is set (~30 ms, more than half of a bare node's start), and only a registry
 * connection needs it.
 */
function extraCas(): string[] {
  const file = process.env['BERTH_EXTRA_CA_CERTS'];
  if (!file) return [];
  try {
    return [fs.readFileSync(file, 'utf8')];
  } catch {
    return []; // as node does: an unreadable file is ignored
  }
}

/** A keep-alive agent for one registry: verification on or off, extra CAs, client certificate. */
export function makeAgent(scheme: 'https' | 'http', files: TlsFiles, verify: boolean, maxSockets: number): http.Agent {
  if (scheme === 'http') return new http.Agent({ keepAlive: true, maxSockets });
  // without verification no CA is ever consulted: parsing them (~50 ms for a system bundle in
  // $NODE_EXTRA_CA_CERTS) would only slow down the https attempt at an insecure registry
  const extra = verify ? [...extraCas(), ...files.ca.map((b) => b.toString())] : [];
  return new https.Agent({
    keepAlive: true,
    maxSockets,
    rejectUnauthorized: verify,
    ...(extra.length > 0 ? { ca: [...tls.rootCertificates, ...extra] } : {}),
    ...(files.cert && files.key ? { cert: files.cert, key: files.key } : {}),
  });
}

/** One HTTP exchange; resolves when the response head arrives (the body is left to the caller). */
export function send(opts: SendOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const mod = opts.url.protocol === 'http:' ? http : https;
    const req = mod.request(opts.url, { method: opts.method, headers: opts.headers, agent: opts.agent });
    req.setTimeout(opts.timeoutMs ?? 60_000, () => {
      const e = new Error(`timeout waiting for ${opts.url.host}`) as Error & { code: string };
      e.code = 'ETIMEDOUT';
      req.destroy(e);
    });
    req.on('error', reject);
    req.on('response', (res) => {
      // a body stalled later is cut by the same idle timeout, as an error of the stream
      res.setTimeout?.(opts.timeoutMs ?? 60_000, () => res.destroy(Object.assign(new Error('timeout reading response body'), { code: 'ETIMEDOUT' })));
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url: opts.url });
    });
    const body = opts.body;
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      body.on('error', (e) => req.destroy(e));
      body.pipe(req);
    }
  });
}

/** Read a (small) response body whole, refusing more than `limit` bytes. */
export async function readBody(res: IncomingMessage | Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res) {
    const b = c as Buffer;
    n += b.length;
    if (n > limit) {
      res.destroy();
      throw Object.assign(new Error(`response larger than ${limit} bytes`), { code: 'ETOOBIG' });
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Throw the body away, so the keep-alive socket can be reused. */
export function discard(res: IncomingMessage): void {
  res.resume();
  res.on('error', () => undefined);
}
