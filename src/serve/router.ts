import type { ServerResponse } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import { BerthError } from '../core/errors/berth-error.js';
import type { Engine } from '../core/engine.js';
import type { StoreCache } from './store-cache.js';
import type { LiveProcessMemo } from '../core/runtime/process-util.js';
import type { Request } from './http.js';

/** What handlers share: the engine and the server's in-memory registries (of live streams only). */
export interface ServeContext {
  engine: Engine;
  /** attach requests waiting for their container's start (conmon keeps no replay buffer) */
  pendingAttach: Map<string, PendingAttach[]>;
  /** how to resize the terminal of an exec this server runs, by exec id (the instances are files: exec-store) */
  execResize: Map<string, (rows: number, cols: number) => Promise<boolean>>;
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
