import type { ServerResponse } from 'node:http';
import { BerthError, errorMessage } from '../core/errors/berth-error.js';
import { imageRows } from '../core/images/image-rows.js';
import { loadArchive } from '../core/images/archive-load.js';
import { saveImages } from '../core/images/archive-save.js';
import { parsePlatform } from '../core/images/platform.js';
import { familiarString } from '../core/reference/reference.js';
import { headline, layerText, type ProgressEvent } from '../core/registry/progress.js';
import type { Credential } from '../core/registry/credentials.js';
import { decodeFilters, filterArgs } from './filters.js';
import { boolParam, sendJson, type Request } from './http.js';
import { pruneFilters } from './prune.js';
import { route, type Route, type ServeContext } from './router.js';

function familiar(ref: string): string {
  try {
    return familiarString(ref);
  } catch {
    return ref;
  }
}

/** GET /images/json: one summary per image, its tags and digests as docker shows them. */
async function list(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const rows = imageRows(s.engine, { filters: filterArgs(decodeFilters(req.query.get('filters'))), noTrunc: true });
  const ids = [...new Set(rows.map((r) => r.ID))];
  const byId = new Map(s.engine.images.list().map((i) => [i.id, i]));
  const out = ids.flatMap((id) => {
    const img = byId.get(id);
    if (!img) return [];
    const tags = rows.filter((r) => r.ID === id && r.Repository !== '<none>').map((r) => `${r.Repository}:${r.Tag}`);
    return [
      {
        Id: img.id,
        ParentId: '',
        RepoTags: tags,
        RepoDigests: img.digests.map(familiar),
        Created: img.created ? Math.floor(Date.parse(img.created) / 1000) : 0,
        Size: img.size,
        VirtualSize: img.size,
        SharedSize: -1,
        Labels: img.config.config?.Labels ?? {},
        Containers: s.engine.containers.usersOf(img.id).length,
      },
    ];
  });
  sendJson(res, 200, out);
}

async function inspect(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const img = s.engine.images.resolve(req.params['name'] as string);
  const out: Record<string, unknown> = { ...s.engine.images.inspect(img.id) };
  // API 1.41's fields of images made by a container (dockerd 20.10 answers them, empty for others)
  out['Container'] ??= '';
  out['ContainerConfig'] ??= {
    Hostname: '',
    Domainname: '',
    User: '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: null,
    Cmd: null,
    Image: '',
    Volumes: null,
    WorkingDir: '',
    Entrypoint: null,
    OnBuild: null,
    Labels: null,
  };
  out['VirtualSize'] ??= out['Size'];
  sendJson(res, 200, out);
}

async function history(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const img = s.engine.images.resolve(req.params['name'] as string);
  sendJson(res, 200, s.engine.images.history(img.id));
}

async function tag(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const repo = req.query.get('repo');
  if (!repo) throw new BerthError('InvalidArgument', 'repository name (repo) is required');
  const t = req.query.get('tag');
  s.engine.images.tag(req.params['name'] as string, t ? `${repo}:${t}` : repo);
  res.writeHead(201, { 'Content-Length': 0 });
  res.end();
}

async function remove(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const r = s.engine.images.remove(req.params['name'] as string, {
    force: boolParam(req.query, 'force'),
    usedBy: (id: string) => s.engine.containers.usersOf(id),
  });
  sendJson(res, 200, [...r.untagged.map((u) => ({ Untagged: familiar(u) })), ...r.deleted.map((d) => ({ Deleted: d }))]);
}

async function prune(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const raw = decodeFilters(req.query.get('filters'));
  const dangling = raw.get('dangling');
  raw.delete('dangling');
  const filters = pruneFilters({ ...req, query: new URLSearchParams(raw.size ? { filters: JSON.stringify(Object.fromEntries(raw)) } : {}) });
  const r = s.engine.images.prune({
    all: dangling?.some((d) => d === 'false' || d === '0') ?? false,
    usedBy: (id: string) => s.engine.containers.usersOf(id),
    liveChainIds: s.engine.containers.liveChainIds(),
    filters,
    labelsOf: (id: string) => s.engine.images.config(id).config?.Labels ?? {},
  });
  const deleted = [...r.untagged.map((u) => ({ Untagged: u })), ...r.deleted.map((d) => ({ Deleted: d }))];
  sendJson(res, 200, { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: r.spaceReclaimed });
}

/**
 * A stream of docker's JSON messages: the 200 goes out with the first message, so a failure
 * before anything happened is still an HTTP error; later ones are `errorDetail` lines.
 */
class JsonStream {
  private started = false;
  constructor(private readonly res: ServerResponse) {}

  write(msg: Record<string, unknown>): void {
    if (!this.started) {
      this.started = true;
      this.res.writeHead(200, { 'Content-Type': 'application/json' });
    }
    if (!this.res.destroyed) this.res.write(`${JSON.stringify(msg)}\n`);
  }

  /** a failure: an error line when streaming, else thrown for the usual error answer */
  fail(e: unknown): void {
    if (!this.started) throw e;
    this.write({ errorDetail: { message: errorMessage(e) }, error: errorMessage(e) });
  }

  end(): void {
    if (!this.started) {
      this.started = true;
      this.res.writeHead(200, { 'Content-Type': 'application/json' });
    }
    this.res.end();
  }
}

/** pull/push progress events as docker's JSON messages. */
function progressSink(out: JsonStream, pushing: boolean): (e: ProgressEvent) => void {
  return (e) => {
    if (e.type === 'layer') {
      const id = e.digest.replace(/^sha256:/, '').slice(0, 12);
      const detail = e.current !== undefined ? { current: e.current, ...(e.total !== undefined ? { total: e.total } : {}) } : {};
      out.write({ status: layerText(e.status, pushing, e.from), progressDetail: detail, id });
      return;
    }
    if (e.type === 'pulling') {
      out.write({ status: `Pulling from ${e.repository}`, id: e.tag });
      return;
    }
    const text = headline(e);
    if (text !== undefined) out.write({ status: text });
    if (e.type === 'pushed') out.write({ progressDetail: {}, aux: { Tag: e.tag, Digest: e.digest, Size: e.size } });
  };
}

/** X-Registry-Auth: base64url JSON with username and password, or an identity token (login's IdentityToken). */
export function registryAuth(req: Request): Credential | undefined {
  const h = req.raw.headers['x-registry-auth'];
  if (typeof h !== 'string' || h === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(h.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
  } catch {
    throw new BerthError('InvalidArgument', 'invalid X-Registry-Auth header: not base64 JSON');
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const username = typeof o['username'] === 'string' ? o['username'] : '';
  if (typeof o['identitytoken'] === 'string' && o['identitytoken'] !== '') return { username, password: '', identityToken: o['identitytoken'] };
  if (typeof o['password'] === 'string' && username !== '') return { username, password: o['password'] };
  return undefined;
}

/** POST /images/create?fromImage=&tag=: a pull, streamed as docker's progress messages. */
async function create(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const from = req.query.get('fromImage');
  if (!from) {
    if (req.query.get('fromSrc') !== null) return importImage(s, req, res);
    throw new BerthError('InvalidArgument', 'fromImage is required');
  }
  req.raw.resume();
  const t = req.query.get('tag');
  const name = t ? (t.startsWith('sha256:') ? `${from}@${t}` : `${from}:${t}`) : from;
  const platform = req.query.get('platform');
  const out = new JsonStream(res);
  const { pullImage } = await import('../core/registry/pull.js');
  const credential = registryAuth(req);
  try {
    await pullImage(s.engine.images, name, {
      ...(platform ? { platform: parsePlatform(platform) } : {}),
      ...(credential ? { credential } : {}),
      onProgress: progressSink(out, false),
    });
  } catch (e) {
    out.fail(e);
  }
  out.end();
}

async function push(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  req.raw.resume();
  const t = req.query.get('tag');
  const name = req.params['name'] as string;
  const ref = t ? `${name}:${t}` : name;
  s.engine.images.resolve(ref);
  const out = new JsonStream(res);
  const { pushImage } = await import('../core/registry/push.js');
  const credential = registryAuth(req);
  try {
    await pushImage(s.engine.images, ref, undefined, { ...(credential ? { credential } : {}), onProgress: progressSink(out, true) });
  } catch (e) {
    out.fail(e);
  }
  out.end();
}

/** GET /images/{name}/get and /images/get?names=: a docker-archive tar. */
async function save(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const names = req.params['name'] !== undefined ? [req.params['name']] : req.query.getAll('names');
  if (names.length === 0) throw new BerthError('InvalidArgument', 'names is required');
  for (const n of names) s.engine.images.resolve(n);
  res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  await saveImages(s.engine.images, names, res, 'docker-archive');
  for (const n of names) s.engine.images.onEvent?.('save', s.engine.images.resolve(n).id, { name: n });
  res.end();
}

/** POST /images/load: a docker-archive or OCI archive body; "Loaded image: …" lines. */
async function load(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const r = await loadArchive(s.engine.images, req.raw);
  for (const l of r.loaded) s.engine.images.onEvent?.('load', l.replace(/^Loaded image(?: ID)?: /, ''), {});
  res.writeHead(200, { 'Content-Type': 'application/json' });
  for (const l of r.loaded) res.write(`${JSON.stringify({ stream: `${l}\n` })}\n`);
  res.end();
}

/** POST /images/create?fromSrc=-&repo=&tag=&changes=&message=: the body is a root filesystem tar (docker import). */
async function importImage(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const q = req.query;
  if (q.get('fromSrc') !== '-')
    throw new BerthError('NotImplemented', 'import from a URL is not supported by berth serve: send the tar as the body (fromSrc=-)');
  const repo = q.get('repo');
  const t = q.get('tag');
  const message = q.get('message');
  const platform = q.get('platform');
  const { importRootfs } = await import('../core/images/import.js');
  const id = await importRootfs(s.engine.images, req.raw, {
    ...(repo ? { tag: t ? `${repo}:${t}` : repo } : {}),
    changes: q.getAll('changes').filter((c) => c.trim() !== ''),
    ...(message ? { message } : {}),
    source: '-',
    ...(platform ? { platform: parsePlatform(platform) } : {}),
  });
  sendJson(res, 200, { status: id });
}

export const IMAGE_ROUTES: Route[] = [
  route('GET', '/images/json', list),
  route('POST', '/images/create', create),
  route('POST', '/images/load', load),
  route('POST', '/images/prune', prune),
  route('GET', '/images/get', save),
  route('GET', '/images/{name*}/json', inspect),
  route('GET', '/images/{name*}/history', history),
  route('GET', '/images/{name*}/get', save),
  route('POST', '/images/{name*}/tag', tag),
  route('POST', '/images/{name*}/push', push),
  route('DELETE', '/images/{name*}', remove),
];
