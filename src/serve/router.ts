import type { ServerResponse } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import { BerthError } from '../core/errors/berth-error.js';
import type { Engine } from '../core/engine.js';
import type { StoreCache } from './store-cache.js';
import type { LiveProcessMemo } from '../core/runtime/process-util.js';
import type { Request } from './http.js';

/** What handlers share: the engine and the server's in-memory registries. */
export interface ServeContext {
  engine: Engine;
  /** attach requests waiting for their container's start (conmon keeps no replay buffer) */
  pendingAttach: Map<string, PendingAttach[]>;
  /** exec instances by id (docker keeps them in memory too, until the container goes) */
  execs: Map<string, ExecInstance>;
  /** aborted when the server shuts down: streaming handlers end */
  shutdown: AbortSignal;
  /** what was derived from the store, while it is unchanged (no state of its own) */
  cache: StoreCache;
  /** which monitors (conmon) are alive, for the container list's checks */
  processes: LiveProcessMemo;
}

/** An attach request waiting for its container's start: connected just before the process runs, or ended. */
export interface PendingAttach {
  connect(info: { id: string; bundle: string }): Promise<void>;
  /** the start failed: end the stream */
  abort(): void;
}

export interface ExecInstance {
  id: string;
  containerId: string;
  cmd: string[];
  env: string[];
  user?: string;
  workdir?: string;
  tty: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  privileged: boolean;
  running: boolean;
  exitCode: number | null;
  pid: number;
  /** when it ended (ms since the epoch) */
  endedAt?: number;
  /** set while running with a terminal: resize its pty */
  resize?: (rows: number, cols: number) => Promise<boolean>;
}

/**
 * A hijacked connection: the raw socket after `101 UPGRADED`, or, for a client that did not ask
 * for an upgrade, a 200 whose body is the stream. Errors thrown before begin() are answered as
 * JSON errors; after it the stream just ends.
 */
export interface Hijacked {
  upgraded: boolean;
  /** send the status line and headers */
  begin(contentType: string): void;
  /** the client's input (stdin); ends when the client half-closes */
  input: Readable;
  output: Writable;
  /** end the output (and the connection once the client is done) */
  end(): void;
  /** resolves when the client went away */
  gone: Promise<void>;
}

export type Handler = (s: ServeContext, req: Request, res: ServerResponse) => Promise<void>;
export type HijackHandler = (s: ServeContext, req: Request, conn: Hijacked) => Promise<void>;

export interface Route {
  method: string;
  pattern: RegExp;
  handler?: Handler;
  hijack?: HijackHandler;
}

/** `/containers/{id}/start` → a regex with named groups; ids and names never contain a slash. */
export function route(method: string, template: string, h: Handler): Route {
  return { method, pattern: compile(template), handler: h };
}

export function hijackRoute(method: string, template: string, h: HijackHandler): Route {
  return { method, pattern: compile(template), hijack: h };
}

function compile(template: string): RegExp {
  // {name*} takes the rest of the path (image names contain slashes)
  const re = template
    .replace(/[.]/g, '\\.')
    .replace(/\{(\w+)\*\}/g, '(?<$1>.+)')
    .replace(/\{(\w+)\}/g, '(?<$1>[^/]+)');
  return new RegExp(`^${re}/?$`);
}

export function match(routes: readonly Route[], method: string, path: string): { route: Route; params: Record<string, string> } | 'method' | undefined {
  let wrongMethod = false;
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    if (r.method !== method && !(method === 'HEAD' && r.method === 'GET')) {
      wrongMethod = true;
      continue;
    }
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) {
      try {
        params[k] = decodeURIComponent(v);
      } catch {
        throw new BerthError('InvalidArgument', `malformed escape in the path: ${JSON.stringify(v)}`);
      }
    }
    return { route: r, params };
  }
  return wrongMethod ? 'method' : undefined;
}
