import os from 'node:os';
import type { ServerResponse } from 'node:http';
import { BERTH_VERSION, systemInfo } from '../core/system/info.js';
import { diskUsage, verboseDiskUsage } from '../core/system/df.js';
import { EventCursor, type BerthEvent } from '../core/events/event-log.js';
import { eventMessage, matchEvent, parseEventFilters } from '../core/events/event-format.js';
import { parseSince } from '../core/format/time-arg.js';
import { BerthError } from '../core/errors/berth-error.js';
import { decodeFilters, filterArgs } from './filters.js';
import { API_VERSION, MIN_API_VERSION, readJson, sendJson, type Request } from './http.js';
import { route, type Route, type ServeContext } from './router.js';

const ARCH = os.arch() === 'x64' ? 'amd64' : os.arch();

/** GET|HEAD /_ping: "OK" with the version headers the CLI negotiates from. */
async function ping(_s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  res.writeHead(200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache',
    'Content-Length': 2,
  });
  res.end(req.method === 'HEAD' ? undefined : 'OK');
}

async function version(_s: ServeContext, _req: Request, res: ServerResponse): Promise<void> {
  sendJson(res, 200, {
    Platform: { Name: 'berth' },
    Components: [
      {
        Name: 'Engine',
        Version: BERTH_VERSION,
        Details: {
          ApiVersion: API_VERSION,
          MinAPIVersion: MIN_API_VERSION,
          GitCommit: '',
          GoVersion: `node ${process.version}`,
          Os: 'linux',
          Arch: ARCH,
          KernelVersion: os.release(),
          Experimental: 'false',
          BuildTime: '',
        },
      },
    ],
    Version: BERTH_VERSION,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: '',
    GoVersion: `node ${process.version}`,
    Os: 'linux',
    Arch: ARCH,
    KernelVersion: os.release(),
    BuildTime: '',
  });
}

async function info(s: ServeContext, _req: Request, res: ServerResponse): Promise<void> {
  const i = systemInfo(s.engine);
  const rt = i['Runtimes'] as Record<string, { path: string }>;
  sendJson(res, 200, {
    ...i,
    ID: '',
    Runtimes: Object.fromEntries(Object.entries(rt).map(([k, v]) => [k, { path: v.path }])),
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'null'], Authorization: null, Log: ['json-file', 'local', 'k8s-file', 'none'] },
    LoggingDriver: 'k8s-file',
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: { IndexConfigs: {}, InsecureRegistryCIDRs: ['127.0.0.0/8'], Mirrors: [] },
    Swarm: { LocalNodeState: 'inactive', NodeID: '', NodeAddr: '', ControlAvailable: false, Error: '', RemoteManagers: null },
    Labels: [],
    ExperimentalBuild: false,
    Debug: false,
    HttpProxy: '',
    HttpsProxy: '',
    NoProxy: '',
    Warnings: null,
  });
}

/** GET /events: the event log's lines as docker's messages, streamed (since/until/filters). */
async function events(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const filters = parseEventFilters(filterArgs(decodeFilters(req.query.get('filters'))));
  const now = Date.now();
  const nano = (v: string | null): bigint | undefined => {
    if (v === null || v === '') return undefined;
    // docker's since/until: unix seconds with an optional fraction, or a time
    const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(v);
    if (m) return BigInt(m[1] as string) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
    try {
      return BigInt(parseSince(v, now).getTime()) * 1_000_000n;
    } catch {
      throw new BerthError('InvalidArgument', `invalid time ${JSON.stringify(v)}`);
    }
  };
  const since = nano(req.query.get('since'));
  const until = nano(req.query.get('until'));
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  let closed = false;
  res.on('close', () => (closed = true));
  const send = (e: BerthEvent, history: boolean): void => {
    const t = BigInt(e.timeNano);
    if (history && since === undefined) return;
    if (since !== undefined && t < since) return;
    if (until !== undefined && t > until) return;
    if (matchEvent(e, filters)) res.write(`${JSON.stringify(eventMessage(e), (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))}\n`);
  };
  const cursor = new EventCursor(s.engine.events.file, true);
  if (since !== undefined) for (const e of s.engine.events.read()) send(e, true);
  cursor.read(); // history above (with the rotated half); what follows is new
  const nowNano = (): bigint => BigInt(Date.now()) * 1_000_000n;
  while (!closed && !s.shutdown.aborted && (until === undefined || nowNano() < until)) {
    for (const e of cursor.read()) send(e, false);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!closed) for (const e of cursor.read()) send(e, false);
  res.end();
}

/** GET /system/df: docker's DiskUsage shape. */
async function df(s: ServeContext, _req: Request, res: ServerResponse): Promise<void> {
  const rows = diskUsage(s.engine);
  const v = verboseDiskUsage(s.engine);
  const byType = new Map(rows.map((r) => [r.type, r]));
  sendJson(res, 200, {
    LayersSize: byType.get('Images')?.size ?? 0,
    Images: v.images.map((i) => ({
      Id: i.id,
      ParentId: '',
      RepoTags: i.repository === '<none>' ? [] : [`${i.repository}:${i.tag}`],
      RepoDigests: [],
      Created: Math.floor(Date.parse(i.created) / 1000) || 0,
      Size: i.size,
      SharedSize: i.sharedSize,
      VirtualSize: i.size,
      Labels: {},
      Containers: i.containers,
    })),
    Containers: v.containers.map((c) => ({
      Id: c.id,
      Names: [`/${c.name}`],
      Image: c.image,
      Command: c.command,
      Created: Math.floor(Date.parse(c.created) / 1000) || 0,
      State: c.state,
      Status: c.status,
      SizeRw: c.size,
      SizeRootFs: c.size,
      Mounts: [],
    })),
    Volumes: v.volumes.map((x) => ({
      Name: x.name,
      Driver: 'local',
      Mountpoint: '',
      Labels: {},
      Scope: 'local',
      Options: null,
      UsageData: { Size: x.size, RefCount: x.links },
    })),
    BuildCache: [],
  });
}

/** POST /auth: the credential checked against the registry; the client keeps it (docker login). */
async function auth(_s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const body = await readJson(req.raw);
  const str = (k: string): string => (typeof body[k] === 'string' ? (body[k] as string) : '');
  const { checkLoginForToken } = await import('../core/registry/login.js');
  let identityToken: string;
  try {
    const token = str('identitytoken');
    ({ identityToken } = await checkLoginForToken(str('serveraddress') || undefined, {
      username: str('username'),
      password: str('password'),
      ...(token ? { identityToken: token } : {}),
    }));
  } catch (e) {
    // docker answers a refused login with 401 and the registry's words
    if (e instanceof BerthError && e.kind === 'PermissionDenied') {
      sendJson(res, 401, { message: e.message });
      return;
    }
    throw e;
  }
  sendJson(res, 200, { Status: 'Login Succeeded', IdentityToken: identityToken });
}

export const SYSTEM_ROUTES: Route[] = [
  route('GET', '/_ping', ping),
  route('GET', '/version', version),
  route('GET', '/info', info),
  route('GET', '/events', events),
  route('GET', '/system/df', df),
  route('POST', '/auth', auth),
];
