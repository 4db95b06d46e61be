import type { IncomingMessage, ServerResponse } from 'node:http';
import { BerthError, errorMessage } from '../core/errors/berth-error.js';
import { httpStatusOf } from '../core/errors/exit-codes.js';

/** The highest Engine API version whose behaviour berth implements, and the oldest it serves. */
export const API_VERSION = '1.41';
export const MIN_API_VERSION = '1.24';

/** A request body larger than this is refused (413) before it is read: JSON bodies are small. */
export const MAX_JSON_BODY = 4 * 1024 * 1024;

export interface Request {
  raw: IncomingMessage;
  method: string;
  /** the path without the /vX.Y prefix */
  path: string;
  /** the API version the client asked for (the prefix), or the server's own */
  version: string;
  query: URLSearchParams;
  params: Record<string, string>;
}

/** `a.b` versions compared numerically: -1, 0, 1. */
export function compareVersions(a: string, b: string): number {
  const [a1 = 0, a2 = 0] = a.split('.').map(Number);
  const [b1 = 0, b2 = 0] = b.split('.').map(Number);
  return a1 !== b1 ? Math.sign(a1 - b1) : Math.sign(a2 - b2);
}

/**
 * Split `/v1.41/containers/json` into its version and path; an unversioned path is served at
 * the server's version. A version outside MIN…API is refused with docker's words.
 */
export function splitVersion(pathname: string): { version: string; path: string } {
  const m = /^\/v(\d+\.\d+)(\/.*)?$/.exec(pathname);
  if (!m) {
    if (/^\/v[^/]*\//.test(pathname) && /^\/v\d/.test(pathname)) throw new BerthError('InvalidArgument', `invalid API version in path ${pathname}`);
    return { version: API_VERSION, path: pathname };
  }
  const version = m[1] as string;
  if (compareVersions(version, API_VERSION) > 0) {
    throw new BerthError('InvalidArgument', `client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
  }
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw new BerthError(
      'InvalidArgument',
      `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  }
  return { version, path: m[2] ?? '/' };
}

/** The headers every answer carries, as dockerd sends them. */
export function commonHeaders(res: ServerResponse): void {
  res.setHeader('Api-Version', API_VERSION);
  res.setHeader('Docker-Experimental', 'false');
  res.setHeader('Ostype', 'linux');
  res.setHeader('Server', `Docker/berth-0.1.0 (linux)`);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

/** sendJson of a body serialized already. */
export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}

/** Docker's error body: `{"message": "…"}` with exactly application/json, and its status code. */
export function sendError(res: ServerResponse, e: unknown): void {
  const status = e instanceof HttpError ? e.status : httpStatusOf(e);
  const message = errorMessage(e);
  if (res.headersSent) {
    // the status line is gone: a stream's error is the end of the stream
    res.destroy();
    return;
  }
  sendJson(res, status, { message });
}

/** An error with an HTTP status of its own (304 not modified, 413 too large, 404 no route). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The request body as bytes, refused past `limit` (413) without reading the rest. */
export async function readBody(req: IncomingMessage, limit = MAX_JSON_BODY): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) throw new HttpError(413, `request body too large: ${declared} bytes (limit ${limit})`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body too large (limit ${limit} bytes)`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A JSON body, `{}` when empty; bad JSON is a 400 with the parser's reason. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req);
  if (body.length === 0 || body.toString('utf8').trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new BerthError('InvalidArgument', `invalid JSON: ${errorMessage(e)}`);
  }
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new BerthError('InvalidArgument', 'invalid JSON: expected an object');
  return v as Record<string, unknown>;
}

/** docker's boolean query values: 1/true/True (and an empty `?stream` counts as false). */
export function boolParam(q: URLSearchParams, name: string, dflt = false): boolean {
  const v = q.get(name);
  if (v === null) return dflt;
  const l = v.toLowerCase();
  if (l === '1' || l === 'true') return true;
  if (l === '0' || l === 'false' || l === '') return false;
  throw new BerthError('InvalidArgument', `invalid value for ${name}: ${JSON.stringify(v)}: expected a boolean`);
}

export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw new BerthError('InvalidArgument', `invalid value for ${name}: ${JSON.stringify(v)}: expected an integer`);
  return Number(v);
}

/** Docker's 8-byte stream header: stream id (0 stdin, 1 stdout, 2 stderr), 3 zero bytes, big-endian length. */
export function frame(stream: 0 | 1 | 2, data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(data.length, 4);
  return Buffer.concat([h, data]);
}
