import type http from 'node:http';
import type { Readable } from 'node:stream';
import { BerthError } from '../errors/index.js';
import { trace } from '../trace.js';
import { DEFAULT_DOMAIN } from '../reference/reference.js';
import { parseChallenges, type Challenge } from './auth-challenge.js';
import type { Credential } from './credentials.js';
import { isInsecureRegistry, type RegistriesConfig } from './registries-conf.js';
import { kindOfStatus, networkError, registryErrorText } from './registry-errors.js';
import { isRetryableError, isRetryableStatus, parseRetryAfter, retryDelay, sleep, DEFAULT_RETRY, type RetryPolicy } from './retry.js';
import type { BlobRequest } from './layer-job.js';
import { discard, loadTlsFiles, makeAgent, readBody, send, type HttpResponse, type TlsFiles } from './transport.js';

export interface ClientOptions {
  /** the registry as references name it: `docker.io`, `localhost:5000` */
  registry: string;
  config: RegistriesConfig;
  /** from the credentials file, or given to login */
  credential?: Credential | undefined;
  /** ask a token server for a refresh token too (login's identity token: see identityToken()) */
  offlineToken?: boolean | undefined;
  /** false: --tls-verify=false (no verification, plain HTTP allowed); undefined: the config decides */
  tlsVerify?: boolean | undefined;
  /** podman's --cert-dir: CA and client certificates for this registry */
  certDir?: string | undefined;
  retry?: RetryPolicy;
  /** sockets per registry; at least the download concurrency */
  maxSockets?: number;
}

export interface RequestSpec {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** a path under the registry (`/v2/…`), or an absolute URL (upload Locations) */
  path: string;
  /** token scopes: `repository:team/app:pull` */
  scopes: string[];
  headers?: Record<string, string>;
  /** a Buffer, or a function that opens the body again for each attempt */
  body?: Buffer | (() => Readable);
  /** statuses returned rather than thrown (404 of a HEAD, 202 of an upload…); 2xx always are */
  accept?: number[];
  /** what is being fetched, for messages: `manifest "x:1"` */
  what: string;
}

const MAX_REDIRECTS = 5;
const MAX_ERROR_BODY = 64 * 1024;
const MAX_TOKEN_BODY = 1024 * 1024;

/** The host that serves a registry's API: Docker Hub's is not docker.io. */
export function apiHost(registry: string): string {
  return registry === DEFAULT_DOMAIN ? 'registry-1.docker.io' : registry;
}

/**
 * A client of one registry's HTTP API v2: chooses https or (for insecure registries only) http,
 * answers auth challenges (anonymous, Basic, Bearer tokens per scope, cached), follows redirects
 * (dropping credentials when the host changes), retries 429/5xx and broken connections with
 * backoff, and turns failures into one-line BerthErrors. Credentials never appear in messages.
 *
 * @example
 * const c = new RegistryClient({ registry: 'localhost:5000', config });
 * const res = await c.request({ method: 'GET', path: '/v2/x/manifests/1', scopes: ['repository:x:pull'], what: 'manifest' });
 */
export class RegistryClient {
  readonly registry: string;
  private readonly opts: ClientOptions;
  private readonly insecure: boolean;
  private base: URL | undefined;
  private agent: http.Agent | undefined;
  private tls: TlsFiles = { ca: [] };
  private challenge: Challenge | undefined;
  private pinged: Promise<void> | undefined;
  private readonly tokens = new Map<string, Promise<string>>();
  private refreshToken: string | undefined;

  constructor(opts: ClientOptions) {
    this.opts = opts;
    this.registry = opts.registry;
    this.insecure = opts.tlsVerify === false || (opts.tlsVerify === undefined && isInsecureRegistry(opts.config, opts.registry));
  }

  /** Close idle keep-alive sockets so the process can exit promptly. */
  close(): void {
    this.agent?.destroy();
  }

  /**
   * `GET /v2/`: picks the scheme (https, falling back to http only for an insecure registry) and
   * learns which auth the registry wants. Runs once; later calls share the result.
   */
  ping(): Promise<void> {
    this.pinged ??= this.doPing().catch((e: unknown) => {
      this.pinged = undefined;
      throw e;
    });
    return this.pinged;
  }

  private async doPing(): Promise<void> {
    const host = apiHost(this.registry);
    const files = loadTlsFiles(this.registry, this.opts.certDir);
    const attempt = async (scheme: 'https' | 'http'): Promise<PingAnswer> => {
      const agent = makeAgent(scheme, files, !this.insecure, this.opts.maxSockets ?? 8);
      try {
        const res = await this.withRetry(() => send({ method: 'GET', url: new URL(`${scheme}://${host}/v2/`), headers: { 'User-Agent': USER_AGENT }, agent }));
        discard(res.body);
        return { scheme, agent, res };
      } catch (e) {
        agent.destroy();
        return { scheme, error: e };
      }
    };
    let answer: PingAnswer;
    if (!this.insecure) answer = await attempt('https');
    else {
      // docker's order is https, then http. A port that answers a plain-HTTP ping as a registry
      // does (200, 401) is not speaking TLS, so https could not succeed there: it is used as it
      // is, and TLS (~25 ms to set up the first time) is left alone. Anything else (a TLS
      // port's 400, a refused connection) goes on to https, and back to this answer if that fails.
      const plain = await attempt('http');
      const speaksHttp = plain.res !== undefined && (plain.res.status === 200 || plain.res.status === 401);
      answer = speaksHttp ? plain : await attempt('https');
      if (answer.res === undefined) answer = plain;
      else if (answer !== plain) plain.agent?.destroy();
    }
    const { res, agent } = answer;
    if (res === undefined || agent === undefined) {
      throw answer.error instanceof BerthError ? answer.error : networkError(answer.error, host);
    }
    trace(`registry ${host}: ${answer.scheme}`);
    this.base = new URL(`${answer.scheme}://${host}`);
    this.agent = agent;
    this.tls = files;
    if (res.status === 401) {
      const challenges = parseChallenges(res.headers['www-authenticate']);
      this.challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
    } else if (res.status < 200 || res.status >= 300) {
      throw new BerthError(kindOfStatus(res.status), `pinging registry ${this.registry}: ${registryErrorText(res.status, Buffer.alloc(0))}`);
    }
  }

  /** The refresh token a token server sent for offlineToken (docker's identity token), if any. */
  identityToken(): string | undefined {
    return this.refreshToken;
  }

  /** Whether the registry asked for credentials on its ping (login needs to know). */
  async authScheme(): Promise<'none' | 'basic' | 'bearer'> {
    await this.ping();
    return this.challenge?.scheme === 'bearer' ? 'bearer' : this.challenge?.scheme === 'basic' ? 'basic' : 'none';
  }

  /**
   * Send a request with auth, redirects and retries. Non-2xx answers not in `accept` become a
   * BerthError: 401/403 PermissionDenied, 404 NotFound, 429/5xx Unavailable after the retries.
   */
  async request(spec: RequestSpec): Promise<HttpResponse> {
    await this.ping();
    let authorization = await this.authorization(spec.scopes, false);
    let reauthed = false;
    for (;;) {
      const res = await this.follow(spec, authorization);
      if (res.status === 401 && !reauthed && this.challenge !== undefined) {
        // a token for the scopes the registry names now (a cross-repo mount adds one), once
        const c = parseChallenges(res.headers['www-authenticate']).find((x) => x.scheme === this.challenge?.scheme);
        discard(res.body);
        if (c?.scheme === 'bearer') this.challenge = c;
        const extra = c?.params['scope'] ? c.params['scope'].split(' ') : [];
        authorization = await this.authorization([...new Set([...spec.scopes, ...extra])], true);
        reauthed = true;
        continue;
      }
      if ((res.status >= 200 && res.status < 300) || spec.accept?.includes(res.status)) return res;
      const body = await readBody(res.body, MAX_ERROR_BODY).catch(() => Buffer.alloc(0));
      const text = registryErrorText(res.status, body);
      throw new BerthError(kindOfStatus(res.status), `${spec.what}: ${text}`, {
        ...(res.status === 401 && !this.opts.credential ? { hint: `log in first: berth login ${this.registry}` } : {}),
      });
    }
  }

  /**
   * A GET as plain data, for another thread to send (a pull's layer workers): URL, headers with
   * the current auth, and the TLS settings. Whoever sends it follows redirects; anything but a
   * 200 is theirs to hand back to request(), which answers challenges and retries.
   */
  async plainGet(path: string, scopes: string[]): Promise<BlobRequest> {
    await this.ping();
    const authorization = await this.authorization(scopes, false);
    const base = this.base as URL;
    return {
      url: new URL(path, base).href,
      headers: { 'User-Agent': USER_AGENT, ...(authorization ? { Authorization: authorization } : {}) },
      scheme: base.protocol === 'http:' ? 'http' : 'https',
      tls: this.tls,
      verify: !this.insecure,
    };
  }

  /** One request following redirects; retried on 429/5xx and broken connections. */
  private async follow(spec: RequestSpec, authorization: string | undefined): Promise<HttpResponse> {
    const base = this.base as URL;
    return this.withRetry(async () => {
      let url = new URL(spec.path, base);
      for (let hops = 0; ; hops++) {
        const sameHost = url.host === base.host;
        const headers: Record<string, string> = { 'User-Agent': USER_AGENT, ...spec.headers };
        if (sameHost && authorization) headers['Authorization'] = authorization;
        const body = typeof spec.body === 'function' ? spec.body() : spec.body;
        const res = await send({
          method: spec.method,
          url,
          headers,
          ...(body !== undefined ? { body } : {}),
          agent: sameHost ? (this.agent as http.Agent) : await defaultAgent(url),
        });
        const loc = res.headers.location;
        if ([301, 302, 303, 307, 308].includes(res.status) && loc && (spec.method === 'GET' || spec.method === 'HEAD')) {
          discard(res.body);
          if (hops >= MAX_REDIRECTS) throw new BerthError('Unavailable', `${spec.what}: too many redirects`);
          url = new URL(loc, url);
          continue;
        }
        return res;
      }
    });
  }

  /** Run fn, again after a delay while it fails in a way that may heal (see retry.ts). */
  private async withRetry(fn: () => Promise<HttpResponse>): Promise<HttpResponse> {
    const policy = this.opts.retry ?? DEFAULT_RETRY;
    for (let attempt = 1; ; attempt++) {
      let res: HttpResponse;
      try {
        res = await fn();
      } catch (e) {
        const delay = isRetryableError(e) ? retryDelay(policy, attempt) : undefined;
        if (delay === undefined) throw e instanceof BerthError ? e : networkError(e, apiHost(this.registry));
        await sleep(delay);
        continue;
      }
      if (!isRetryableStatus(res.status)) return res;
      const h = res.headers['retry-after'];
      const delay = retryDelay(policy, attempt, parseRetryAfter(Array.isArray(h) ? h[0] : h));
      if (delay === undefined) return res;
      discard(res.body);
      await sleep(delay);
    }
  }

  /** The Authorization header for these scopes: none, Basic, or a (cached) Bearer token. */
  private async authorization(scopes: string[], fresh: boolean): Promise<string | undefined> {
    const c = this.challenge;
    const cred = this.opts.credential;
    if (c?.scheme === 'basic') return cred && !(cred.identityToken && cred.password === '') ? `Basic ${basic(cred)}` : undefined;
    if (c?.scheme !== 'bearer') return undefined;
    const key = [...scopes].sort().join(' ');
    if (fresh) this.tokens.delete(key);
    let t = this.tokens.get(key);
    if (!t) {
      t = this.fetchToken(c, scopes);
      this.tokens.set(key, t);
      t.catch(() => this.tokens.delete(key));
    }
    return `Bearer ${await t}`;
  }

  /**
   * The Bearer token flow: GET realm?service=…&scope=…, with Basic credentials when known; with an
   * identity token, the OAuth2 refresh-token grant (a POST to the realm, as docker's daemon does).
   */
  private async fetchToken(c: Challenge, scopes: string[]): Promise<string> {
    const realm = c.params['realm'];
    if (!realm) throw new BerthError('Unavailable', `registry ${this.registry} sent a bearer challenge without a realm`);
    const url = new URL(realm);
    const cred = this.opts.credential;
    const headers: Record<string, string> = { 'User-Agent': USER_AGENT };
    let form: Buffer | undefined;
    if (cred?.identityToken) {
      const f = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.identityToken, client_id: OAUTH_CLIENT_ID });
      if (c.params['service']) f.set('service', c.params['service']);
      if (scopes.length) f.set('scope', scopes.join(' '));
      form = Buffer.from(f.toString());
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else {
      if (c.params['service']) url.searchParams.set('service', c.params['service']);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (cred) url.searchParams.set('account', cred.username);
      if (this.opts.offlineToken && cred) {
        url.searchParams.set('offline_token', 'true');
        url.searchParams.set('client_id', OAUTH_CLIENT_ID);
      }
      if (cred) headers['Authorization'] = `Basic ${basic(cred)}`;
    }
    const agent = url.host === this.base?.host ? (this.agent as http.Agent) : await defaultAgent(url, this.insecure);
    let res: HttpResponse;
    try {
      res = await this.withRetry(() => send({ method: form ? 'POST' : 'GET', url, headers, agent, ...(form ? { body: form } : {}) }));
    } catch (e) {
      throw e instanceof BerthError ? e : networkError(e, url.host);
    }
    const body = await readBody(res.body, MAX_TOKEN_BODY);
    if (form && (res.status === 400 || res.status === 401 || res.status === 403)) {
      throw new BerthError('PermissionDenied', 'unauthorized: the token server refused the identity token');
    }
    if (res.status === 401 || res.status === 403) {
      throw new BerthError('PermissionDenied', cred ? 'unauthorized: incorrect username or password' : 'unauthorized: authentication required');
    }
    if (res.status !== 200) {
      throw new BerthError(kindOfStatus(res.status), `getting a token from ${url.host}: ${registryErrorText(res.status, body)}`);
    }
    let parsed: { token?: unknown; access_token?: unknown; refresh_token?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw new BerthError('Unavailable', `token server ${url.host} answered with invalid json`);
    }
    const token = typeof parsed.token === 'string' ? parsed.token : parsed.access_token;
    if (typeof token !== 'string' || token === '') throw new BerthError('Unavailable', `token server ${url.host} sent no token`);
    if (typeof parsed.refresh_token === 'string' && parsed.refresh_token !== '') this.refreshToken = parsed.refresh_token;
    return token;
  }
}

export const USER_AGENT = 'berth/0.1';
/** the client_id of the OAuth2 token requests (docker's daemon sends `docker`) */
const OAUTH_CLIENT_ID = 'berth';

/** What one scheme's `GET /v2/` brought: an answer on a kept agent, or the error. */
interface PingAnswer {
  scheme: 'https' | 'http';
  agent?: http.Agent;
  res?: HttpResponse;
  error?: unknown;
}

function basic(c: Credential): string {
  return Buffer.from(`${c.username}:${c.password}`).toString('base64');
}

const defaultAgents = new Map<string, http.Agent>();

/** Agents for other hosts (token servers, blob redirects to storage): system CAs. */
async function defaultAgent(url: URL, insecure = false): Promise<http.Agent> {
  const key = `${url.protocol}${insecure}`;
  let a = defaultAgents.get(key);
  if (!a) {
    a = makeAgent(url.protocol === 'http:' ? 'http' : 'https', { ca: [] }, !insecure, 8);
    defaultAgents.set(key, a);
  }
  return a;
}

/** Scope strings of the token flow. */
export function repoScope(path: string, actions: 'pull' | 'push,pull' | 'pull,push'): string {
  return `repository:${path}:${actions}`;
}
