import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { BerthError, errorMessage } from '../core/errors/berth-error.js';
import { httpStatusOf } from '../core/errors/exit-codes.js';
import type { Engine } from '../core/engine.js';
import { commonHeaders, HttpError, sendError, sendJson, splitVersion, type Request } from './http.js';
import { match, type Route, type ServeContext } from './router.js';
import { StoreCache } from './store-cache.js';
import { LiveProcessMemo } from '../core/runtime/process-util.js';
import { ROUTES } from './routes.js';

export const DEFAULT_HOST = 'unix:///run/berth/docker.sock';

export interface ServeOptions {
  /** unix:///PATH or tcp://HOST:PORT */
  host: string;
  /** exit after this many seconds without a connection (0: never) */
  timeoutSeconds: number;
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
  /** a socket systemd passed (LISTEN_FDS): fd 3 */
  inheritedFd?: number;
  /** diagnostics (one line each) */
  log: (line: string) => void;
}

export interface RunningServer {
  /** where it listens, as a DOCKER_HOST value */
  address: string;
  /** resolves when the server has stopped (signal, timeout or close()) */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** The host address parsed: a unix socket path, or a TCP host and port (TLS only). */
export function parseHost(host: string): { unix: string } | { tcp: { host: string; port: number } } {
  if (host.startsWith('unix://')) {
    const p = host.slice('unix://'.length);
    if (!p.startsWith('/')) throw new BerthError('InvalidArgument', `invalid unix socket address ${JSON.stringify(host)}: the path must be absolute`);
    return { unix: p };
  }
  if (host.startsWith('tcp://')) {
    const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]*):(\d+)\/?$/.exec(host);
    if (!m) throw new BerthError('InvalidArgument', `invalid tcp address ${JSON.stringify(host)}: expected tcp://HOST:PORT`);
    return { tcp: { host: (m[1] as string).replace(/^\[|\]$/g, '') || '0.0.0.0', port: Number(m[2]) } };
  }
  throw new BerthError('InvalidArgument', `invalid host ${JSON.stringify(host)}: expected unix:///PATH or tcp://HOST:PORT`);
}

/** The group the socket belongs to: `docker`, else `berth`, else none (root only). */
export function socketGroup(groupFile = '/etc/group'): { name: string; gid: number } | undefined {
  let text = '';
  try {
    text = fs.readFileSync(groupFile, 'utf8');
  } catch {
    return undefined;
  }
  for (const want of ['docker', 'berth']) {
    for (const line of text.split('\n')) {
      const [name, , gid] = line.split(':');
      if (name === want && gid !== undefined && /^\d+$/.test(gid)) return { name, gid: Number(gid) };
    }
  }
  return undefined;
}

/**
 * Serve the Docker Engine API: every request is translated to the core's calls by the route
 * table; hijacked streams (attach, exec) arrive as HTTP upgrades. The server keeps no state a
 * restart loses except the streams themselves (attach requests waiting for a start among them).
 */
export async function startServer(engine: Engine, opts: ServeOptions): Promise<RunningServer> {
  const where = parseHost(opts.host);
  if ('tcp' in where && !opts.tls) {
    throw new BerthError('InvalidArgument', 'refusing to listen on tcp without --tlsverify, --tlscacert, --tlscert and --tlskey: the API is root-equivalent');
  }
  const shutdown = new AbortController();
  const s: ServeContext = {
    engine,
    pendingAttach: new Map(),
    execResize: new Map(),
    shutdown: shutdown.signal,
    cache: new StoreCache(engine),
    processes: new LiveProcessMemo(),
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    void handle(s, ROUTES, req, res).catch((e) => {
      opts.log(`request ${req.method} ${req.url}: ${errorMessage(e)}`);
      sendError(res, e);
    });
  };
  const server =
    'tcp' in where && opts.tls
      ? https.createServer(
          // half-open as the plain server is: a hijacked client's close_notify ends its input only,
          // the output still comes (the docker CLI closes its write side once stdin is done)
          { ca: opts.tls.ca, cert: opts.tls.cert, key: opts.tls.key, requestCert: true, rejectUnauthorized: true, allowHalfOpen: true },
          onRequest,
        )
      : http.createServer(onRequest);
  // streams (logs -f, events, attach) last as long as the client wants
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void handleUpgrade(s, ROUTES, req, socket, head).catch((e) => {
      opts.log(`upgrade ${req.method} ${req.url}: ${errorMessage(e)}`);
      socket.destroy();
    });
  });
  server.on('clientError', (_e, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"message":"bad request"}');
    else socket.destroy();
  });

  // idle timeout: no open connection for timeoutSeconds
  let open = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    if (opts.timeoutSeconds > 0 && open === 0) {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => void close(), opts.timeoutSeconds * 1000);
    }
  };
  const sockets = new Set<Duplex>();
  server.on('connection', (sock: Duplex) => {
    open++;
    sockets.add(sock);
    clearTimeout(idleTimer);
    sock.on('close', () => {
      open--;
      sockets.delete(sock);
      armIdle();
    });
  });

  let unixPath: string | undefined;
  let address: string;
  if (opts.inheritedFd !== undefined) {
    await listen(server, { fd: opts.inheritedFd });
    address = `fd://${opts.inheritedFd}`;
  } else if ('unix' in where) {
    unixPath = where.unix;
    fs.mkdirSync(path.dirname(unixPath), { recursive: true, mode: 0o755 });
    removeStaleSocket(unixPath);
    // the socket is root-equivalent: created with no access for others, then handed to its group
    const oldMask = process.umask(0o177);
    try {
      await listen(server, { path: unixPath });
    } finally {
      process.umask(oldMask);
    }
    const group = socketGroup();
    if (group) {
      fs.chownSync(unixPath, 0, group.gid);
      fs.chmodSync(unixPath, 0o660);
    } else {
      fs.chmodSync(unixPath, 0o600);
    }
    address = `unix://${unixPath}`;
  } else {
    const t = (where as { tcp: { host: string; port: number } }).tcp;
    await listen(server, { host: t.host, port: t.port });
    const a = server.address();
    address = `tcp://${t.host}:${typeof a === 'object' && a ? a.port : t.port}`;
  }
  armIdle();

  let closing: Promise<void> | undefined;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearTimeout(idleTimer);
      shutdown.abort();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeIdleConnections();
        // streams still open after a grace period are cut: containers do not depend on them
        setTimeout(() => {
          for (const sock of sockets) sock.destroy();
        }, 2000).unref();
      });
      if (unixPath) fs.rmSync(unixPath, { force: true });
      resolveClosed();
    })();
    return closing;
  };
  return { address, closed, close };
}

function listen(server: http.Server, where: { path: string } | { fd: number } | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** A socket file left by a server that died is replaced; a live server's is not taken over. */
function removeStaleSocket(p: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return;
  }
  if (!st.isSocket()) throw new BerthError('AlreadyExists', `${p} exists and is not a socket`);
  fs.rmSync(p);
}

function toRequest(req: IncomingMessage): Request {
  const url = new URL(req.url ?? '/', 'http://localhost');
  // a path with .. or encoded slashes is not a route of ours
  const { version, path: p } = splitVersion(url.pathname);
  return { raw: req, method: req.method ?? 'GET', path: p, version, query: url.searchParams, params: {} };
}

async function handle(s: ServeContext, routes: readonly Route[], raw: IncomingMessage, res: ServerResponse): Promise<void> {
  commonHeaders(res);
  let req: Request;
  let m: ReturnType<typeof match>;
  try {
    req = toRequest(raw);
    m = match(routes, req.method, req.path);
  } catch (e) {
    raw.resume();
    sendError(res, e);
    return;
  }
  if (m === undefined || m === 'method') {
    raw.resume();
    sendJson(res, 404, { message: 'page not found' });
    return;
  }
  req.params = m.params;
  try {
    if (m.route.handler) await m.route.handler(s, req, res);
    else if (m.route.hijack) {
      // a hijack route without Upgrade: the stream is the body of a 200
      const gone = new Promise<void>((r) => res.on('close', () => r()));
      await m.route.hijack(s, req, {
        upgraded: false,
        begin: (contentType) => {
          res.writeHead(200, { 'Content-Type': contentType });
          res.flushHeaders();
        },
        input: raw,
        output: res,
        end: () => res.end(),
        gone,
      });
    }
  } catch (e) {
    raw.resume();
    if (!(e instanceof HttpError) && !(e instanceof BerthError))
      process.stderr.write(`berth serve: ${req.method} ${req.path}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    sendError(res, e);
  }
}

async function handleUpgrade(s: ServeContext, routes: readonly Route[], raw: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  let req: Request;
  let m: ReturnType<typeof match>;
  try {
    req = toRequest(raw);
    m = match(routes, req.method, req.path);
  } catch (e) {
    rawError(socket, 400, errorMessage(e));
    return;
  }
  if (m === undefined || m === 'method' || !m.route.hijack) {
    rawError(socket, 404, 'page not found');
    return;
  }
  req.params = m.params;
  if (head.length > 0) socket.unshift(head);
  let begun = false;
  const gone = new Promise<void>((r) => socket.on('close', () => r()));
  socket.on('error', () => undefined);
  try {
    await m.route.hijack(s, req, {
      upgraded: true,
      begin: (contentType) => {
        begun = true;
        socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nApi-Version: 1.41\r\n\r\n`);
      },
      input: socket,
      output: socket,
      end: () => {
        socket.end();
        // the client may keep its side open: the stream is over either way
        setTimeout(() => socket.destroy(), 10_000).unref();
      },
      gone,
    });
  } catch (e) {
    if (!(e instanceof HttpError) && !(e instanceof BerthError))
      process.stderr.write(`berth serve: ${req.method} ${req.path}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    if (begun) socket.destroy();
    else rawError(socket, e instanceof HttpError ? e.status : httpStatusOf(e), errorMessage(e));
  }
}

/** An error answer written straight to a socket that has not had its status line yet. */
export function rawError(socket: Duplex, status: number, message: string): void {
  if (!socket.writable) return;
  const body = JSON.stringify({ message });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
