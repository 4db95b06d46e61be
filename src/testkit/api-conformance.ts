import fs from 'node:fs';
import http from 'node:http';

/**
 * The same requests against dockerd (recorded once into a fixture) and against berth serve
 * (test/e2e/serve-conformance), reduced to what clients depend on: status codes, content types,
 * JSON key sets (nested, for the objects clients index) and stream framing.
 *
 * Record: node dist/src/testkit/api-conformance.js record /run/dockerd.sock test/e2e/fixtures/dockerd-20.10-api.json
 * (dockerd with busybox:latest loaded; `dockerd --bridge=none --iptables=false` keeps it off the host's networks)
 */

export interface Observation {
  name: string;
  status: number;
  contentType: string | undefined;
  /** header names the answer carries, of those clients read */
  headers: string[];
  /** 'a.b.c' paths of the keys of a JSON body (arrays: their first element as '[]') */
  keys?: string[];
  /** a JSON body's error message */
  message?: string;
  /** a multiplexed stream: [stream id, text] per frame */
  frames?: Array<[number, string]>;
  /** values a client acts on */
  values?: Record<string, unknown>;
}

const WATCHED_HEADERS = ['api-version', 'ostype', 'server', 'docker-experimental', 'content-type'];

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(sock: string, method: string, path: string, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: sock, method, path, headers: body !== undefined ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Key paths of a JSON value: objects by key, arrays by their first element. Maps keyed by data (ports, labels, networks) stop at `*`. */
export function keyPaths(v: unknown, prefix = '', out: string[] = []): string[] {
  if (Array.isArray(v)) {
    if (v.length > 0) keyPaths(v[0], `${prefix}[]`, out);
    return out;
  }
  if (v === null || typeof v !== 'object') return out;
  const dataKeyed =
    /(^|\.)(Labels|Ports|ExposedPorts|Networks|Volumes|Options|Containers|Config\.Labels|PortBindings|Tmpfs|Sysctls|Runtimes|DriverOpts|Annotations|Health)$/.test(
      prefix,
    );
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const p = dataKeyed ? `${prefix}.*` : prefix ? `${prefix}.${k}` : k;
    if (!out.includes(p)) out.push(p);
    if (!dataKeyed) keyPaths(x, p, out);
  }
  return out;
}

function demux(buf: Buffer): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (let off = 0; off + 8 <= buf.length; ) {
    const len = buf.readUInt32BE(off + 4);
    out.push([buf[off] as number, buf.subarray(off + 8, off + 8 + len).toString('utf8')]);
    off += 8 + len;
  }
  return out;
}

function observe(name: string, r: Reply, how: 'json' | 'text' | 'frames' | 'none' = 'json'): Observation {
  const o: Observation = {
    name,
    status: r.status,
    contentType: r.headers['content-type'],
    headers: WATCHED_HEADERS.filter((h) => r.headers[h] !== undefined),
  };
  if (how === 'json' && r.body.length > 0) {
    const v = JSON.parse(r.body.toString('utf8')) as unknown;
    o.keys = keyPaths(v).sort();
    if (v && typeof v === 'object' && 'message' in v) o.message = String((v as { message: unknown }).message);
  }
  if (how === 'frames') o.frames = demux(r.body);
  return o;
}

/** The conversation: a container's life, images, networks, volumes and the errors clients meet. */
export async function converse(sock: string): Promise<Observation[]> {
  const obs: Observation[] = [];
  const v = '/v1.41';
  const ping = await request(sock, 'GET', '/_ping');
  obs.push({ ...observe('ping', ping, 'text'), values: { body: ping.body.toString(), apiVersion: ping.headers['api-version'] } });
  obs.push(observe('version', await request(sock, 'GET', `${v}/version`)));
  obs.push(observe('version too new', await request(sock, 'GET', '/v1.99/version')));
  obs.push(observe('no such container', await request(sock, 'GET', `${v}/containers/conformance-nosuch/json`)));
  obs.push(observe('no such route', await request(sock, 'GET', `${v}/conformance/nothing`)));
  obs.push(observe('create bad json', await request(sock, 'POST', `${v}/containers/create`, '{bad')));
  const created = await request(
    sock,
    'POST',
    `${v}/containers/create?name=conformance1`,
    JSON.stringify({
      Image: 'busybox',
      Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 3'],
      Labels: { conformance: '1' },
      HostConfig: { NetworkMode: 'none' },
    }),
  );
  obs.push(observe('create', created));
  obs.push(
    observe(
      'create same name',
      await request(
        sock,
        'POST',
        `${v}/containers/create?name=conformance1`,
        JSON.stringify({ Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } }),
      ),
    ),
  );
  obs.push(
    observe('create no such image', await request(sock, 'POST', `${v}/containers/create`, JSON.stringify({ Image: 'conformance-nosuch:1', Cmd: ['true'] }))),
  );
  const list = await request(sock, 'GET', `${v}/containers/json?all=1&filters=${encodeURIComponent('{"label":["conformance=1"]}')}`);
  obs.push(observe('list', list));
  obs.push(observe('inspect created', await request(sock, 'GET', `${v}/containers/conformance1/json`)));
  obs.push(observe('start', await request(sock, 'POST', `${v}/containers/conformance1/start`), 'none'));
  const waited = await request(sock, 'POST', `${v}/containers/conformance1/wait`);
  obs.push({ ...observe('wait', waited), values: { StatusCode: (JSON.parse(waited.body.toString()) as { StatusCode: number }).StatusCode } });
  obs.push(observe('logs', await request(sock, 'GET', `${v}/containers/conformance1/logs?stdout=1&stderr=1`), 'frames'));
  obs.push(observe('logs no stream', await request(sock, 'GET', `${v}/containers/conformance1/logs`)));
  obs.push(observe('stop stopped', await request(sock, 'POST', `${v}/containers/conformance1/stop`), 'none'));
  obs.push(observe('kill stopped', await request(sock, 'POST', `${v}/containers/conformance1/kill`)));
  obs.push(observe('inspect exited', await request(sock, 'GET', `${v}/containers/conformance1/json`)));
  obs.push(observe('remove', await request(sock, 'DELETE', `${v}/containers/conformance1`), 'none'));
  obs.push(observe('remove again', await request(sock, 'DELETE', `${v}/containers/conformance1`)));
  obs.push(observe('images', await request(sock, 'GET', `${v}/images/json`)));
  obs.push(observe('image inspect', await request(sock, 'GET', `${v}/images/busybox/json`)));
  obs.push(observe('no such image', await request(sock, 'GET', `${v}/images/conformance-nosuch:1/json`)));
  obs.push(observe('networks', await request(sock, 'GET', `${v}/networks?filters=${encodeURIComponent('{"name":["none"]}')}`)));
  obs.push(observe('volume create', await request(sock, 'POST', `${v}/volumes/create`, JSON.stringify({ Name: 'conformancevol' }))));
  obs.push(observe('volumes', await request(sock, 'GET', `${v}/volumes?filters=${encodeURIComponent('{"name":["conformancevol"]}')}`)));
  obs.push(observe('volume remove', await request(sock, 'DELETE', `${v}/volumes/conformancevol`), 'none'));
  obs.push(observe('no such volume', await request(sock, 'GET', `${v}/volumes/conformancevol`)));
  return obs;
}

if (process.argv[2] === 'record' && process.argv[3] && process.argv[4]) {
  const obs = await converse(process.argv[3]);
  fs.writeFileSync(process.argv[4], `${JSON.stringify(obs, null, 1)}\n`);
}
