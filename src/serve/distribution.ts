import http from 'node:http';
import https from 'node:https';
import type { ServerResponse } from 'node:http';
import { BerthError } from '../core/errors/berth-error.js';
import { normalizeReference } from '../core/reference/reference.js';
import { fetchNamedManifest } from '../core/registry/inspect-manifest.js';
import { openClient } from '../core/registry/session.js';
import { readBody } from '../core/registry/transport.js';
import { decodeFilters } from './filters.js';
import { HttpError, intParam, sendJson, type Request } from './http.js';
import { registryAuth } from './images.js';
import { route, type Route, type ServeContext } from './router.js';

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

interface OciPlatform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
}

function platformOf(v: unknown): OciPlatform | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o['architecture'] !== 'string' || typeof o['os'] !== 'string') return undefined;
  const p: OciPlatform = { architecture: o['architecture'], os: o['os'] };
  if (typeof o['os.version'] === 'string' && o['os.version'] !== '') p['os.version'] = o['os.version'];
  if (Array.isArray(o['os.features']) && o['os.features'].length > 0) p['os.features'] = o['os.features'].filter((x): x is string => typeof x === 'string');
  if (typeof o['variant'] === 'string' && o['variant'] !== '') p.variant = o['variant'];
  return p;
}

/**
 * GET /distribution/{name}/json: the descriptor of what the registry serves for the reference and
 * the platforms it is for (an index's entries, or an image's config), with X-Registry-Auth's
 * credential. `docker service create` and buildx ask it before they pull.
 */
async function distributionInspect(_s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  req.raw.resume();
  const name = req.params['name'] as string;
  let ref: ReturnType<typeof normalizeReference>;
  try {
    ref = normalizeReference(name);
  } catch (e) {
    throw new BerthError('InvalidArgument', e instanceof Error ? e.message : String(e));
  }
  const credential = registryAuth(req);
  const client = openClient(ref.domain, credential ? { credential } : {});
  try {
    const m = await fetchNamedManifest(client, ref);
    const doc = JSON.parse(m.bytes.toString('utf8')) as Record<string, unknown>;
    let platforms: OciPlatform[] = [];
    if (m.kind === 'index') {
      const manifests = Array.isArray(doc['manifests']) ? (doc['manifests'] as unknown[]) : [];
      platforms = manifests.map((d) => platformOf((d as { platform?: unknown } | null)?.platform)).filter((p): p is OciPlatform => p !== undefined);
    } else {
      const config = doc['config'] as { digest?: unknown } | undefined;
      if (typeof config?.digest === 'string') {
        const r = await client.request({
          method: 'GET',
          path: `/v2/${ref.path}/blobs/${config.digest}`,
          scopes: [`repository:${ref.path}:pull`],
          what: `config of ${name}`,
        });
        const p = platformOf(JSON.parse((await readBody(r.body, MAX_CONFIG_BYTES)).toString('utf8')) as unknown);
        if (p) platforms = [p];
      }
    }
    sendJson(res, 200, { Descriptor: { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length }, Platforms: platforms });
  } finally {
    client.close();
  }
}

interface SearchResult {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

const HUB_INDEX = 'index.docker.io';

/** The index a search term names (`host:port/term`, else Docker Hub's) and the term for it. */
function splitSearchTerm(term: string): { index: string; remote: string } {
  const i = term.indexOf('/');
  if (i > 0) {
    const first = term.slice(0, i);
    if (first.includes('.') || first.includes(':') || first === 'localhost')
      return { index: first === 'docker.io' ? HUB_INDEX : first, remote: term.slice(i + 1) };
  }
  return { index: HUB_INDEX, remote: term };
}

function isLoopback(host: string): boolean {
  const h = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

/** One GET of the v1 search API; errors worded as Go's client words them (`Get "URL": …`). */
function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    // a connection of its own: a pooled keep-alive socket the index closed since would hang up
    const req = mod.get(url, { headers: { 'User-Agent': 'berth/0.1', Accept: 'application/json' }, timeout: 15_000, agent: false }, (r) => {
      if (r.statusCode !== 200) {
        r.resume();
        reject(new HttpError(500, `Unexpected status code ${r.statusCode ?? 0}`));
        return;
      }
      readBody(r, 8 * 1024 * 1024).then((b) => {
        try {
          resolve(JSON.parse(b.toString('utf8')) as unknown);
        } catch {
          reject(new HttpError(500, `Get "${url}": invalid JSON from the index`));
        }
      }, reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout awaiting response headers')));
    req.on('error', (e: NodeJS.ErrnoException) => {
      const cause =
        e.code === 'ECONNREFUSED' ? 'connect: connection refused' : e.code === 'ENOTFOUND' ? `lookup ${new URL(url).hostname}: no such host` : e.message;
      reject(new HttpError(500, `Get "${url}": ${cause}`));
    });
  });
}

/**
 * GET /images/search?term=&limit=&filters=: the index's v1 search API (Docker Hub's unless the
 * term names a registry). berth keeps no index of its own: when the index cannot be reached the
 * answer is dockerd's, a 500 with the failed GET.
 */
async function search(_s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  req.raw.resume();
  const term = req.query.get('term') ?? '';
  if (term === '') throw new BerthError('InvalidArgument', 'term is required');
  if (/^[a-z]+:\/\//i.test(term)) throw new BerthError('InvalidArgument', `invalid repository name: repository name (${term}) should not have a scheme`);
  const limit = intParam(req.query, 'limit') ?? 25;
  if (limit < 1 || limit > 100) throw new BerthError('InvalidArgument', `limit ${limit} is outside the range of [1, 100]`);
  const filters = decodeFilters(req.query.get('filters'));
  let minStars = 0;
  let official: boolean | undefined;
  let automated: boolean | undefined;
  for (const [k, values] of filters) {
    for (const v of values) {
      if (k === 'stars') {
        if (!/^\d+$/.test(v)) throw new BerthError('InvalidArgument', `invalid filter 'stars=${v}'`);
        minStars = Math.max(minStars, Number(v));
      } else if (k === 'is-official' || k === 'is-automated') {
        if (v !== 'true' && v !== 'false') throw new BerthError('InvalidArgument', `invalid filter '${k}=${v}'`);
        if (k === 'is-official') official = v === 'true';
        else automated = v === 'true';
      } else {
        throw new BerthError('InvalidArgument', `invalid filter '${k}'`);
      }
    }
  }
  const { index, remote } = splitSearchTerm(term);
  const scheme = isLoopback(index) ? 'http' : 'https';
  const url = `${scheme}://${index}/v1/search?q=${encodeURIComponent(remote)}&n=${limit}`;
  const body = (await getJson(url)) as { results?: unknown };
  const results = (Array.isArray(body.results) ? body.results : []).map((r): SearchResult => {
    const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
    return {
      name: typeof o['name'] === 'string' ? o['name'] : '',
      description: typeof o['description'] === 'string' ? o['description'] : '',
      star_count: typeof o['star_count'] === 'number' ? o['star_count'] : 0,
      is_official: o['is_official'] === true,
      is_automated: o['is_automated'] === true,
    };
  });
  sendJson(
    res,
    200,
    results
      .filter(
        (r) => r.star_count >= minStars && (official === undefined || r.is_official === official) && (automated === undefined || r.is_automated === automated),
      )
      .slice(0, limit),
  );
}

export const DISTRIBUTION_ROUTES: Route[] = [route('GET', '/distribution/{name*}/json', distributionInspect), route('GET', '/images/search', search)];
