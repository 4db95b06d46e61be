import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { BerthError, errorMessage } from '../core/errors/berth-error.js';
import type { RunContainerSettings } from '../core/build/build-options.js';
import { parsePlatform } from '../core/images/platform.js';
import { familiarString, parseReference } from '../core/reference/reference.js';
import { decodeFilters } from './filters.js';
import { boolParam, intParam, sendJson, type Request } from './http.js';
import { route, type Route, type ServeContext } from './router.js';

function jsonMap(q: URLSearchParams, name: string): Record<string, string | null> {
  const v = q.get(name);
  if (v === null || v === '') return {};
  let o: unknown;
  try {
    o = JSON.parse(v);
  } catch {
    throw new BerthError('InvalidArgument', `invalid ${name}: not JSON`);
  }
  if (o === null) return {};
  if (typeof o !== 'object' || Array.isArray(o) || Object.values(o).some((x) => x !== null && typeof x !== 'string')) {
    throw new BerthError('InvalidArgument', `invalid ${name}: expected a map of strings`);
  }
  return o as Record<string, string | null>;
}

/** The build's limits from docker's query parameters; ones berth cannot honour are refused. */
function runSettings(q: URLSearchParams): RunContainerSettings {
  const resources: NonNullable<RunContainerSettings['resources']> = {};
  const n = (k: string): number | undefined => {
    const v = intParam(q, k);
    return v === undefined || v === 0 ? undefined : v;
  };
  const memory = n('memory');
  if (memory !== undefined) resources.memory = memory;
  const swap = n('memswap');
  if (swap !== undefined) resources.memorySwap = swap;
  const shares = n('cpushares');
  if (shares !== undefined) resources.cpuShares = shares;
  const period = n('cpuperiod');
  if (period !== undefined) resources.cpuPeriod = period;
  const quota = n('cpuquota');
  if (quota !== undefined) resources.cpuQuota = quota;
  const cpus = q.get('cpusetcpus');
  if (cpus) resources.cpusetCpus = cpus;
  const mems = q.get('cpusetmems');
  if (mems) resources.cpusetMems = mems;
  const out: RunContainerSettings = {};
  if (Object.keys(resources).length > 0) out.resources = resources;
  const shm = n('shmsize');
  if (shm !== undefined) out.shmSize = shm;
  const hosts = q.get('extrahosts');
  if (hosts) out.extraHosts = hosts.split(',').filter(Boolean);
  return out;
}

/**
 * POST /build: docker's classic builder API. The body is the context tar (plain or compressed);
 * the answer is docker's JSON stream: `{"stream": …}` lines, `{"aux": {"ID": …}}`, and an
 * `errorDetail` line when the build fails.
 */
async function build(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const q = req.query;
  if (boolParam(q, 'squash'))
    throw new BerthError('InvalidArgument', 'squash is not supported: a multi-stage build that COPYs into a fresh stage gives one layer');
  const remote = q.get('remote');
  if (remote)
    throw new BerthError('NotImplemented', 'building from a remote context (git or URL) is not supported by berth serve: send the context as the body');
  const outputs = q.get('outputs');
  if (outputs) throw new BerthError('NotImplemented', 'build outputs are not supported by the classic builder API');
  const isolation = q.get('isolation');
  if (isolation && isolation !== 'default') throw new BerthError('InvalidArgument', `invalid isolation "${isolation}": Linux only supports "default"`);
  const buildArgs = new Map<string, string>();
  for (const [k, v] of Object.entries(jsonMap(q, 'buildargs'))) if (v !== null) buildArgs.set(k, v);
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(jsonMap(q, 'labels'))) labels[k] = v ?? '';
  const pullText = q.get('pull');
  const pull = pullText === null || pullText === '' || pullText === '0' || pullText === 'false' ? 'missing' : 'always';
  const network = q.get('networkmode');
  const platform = q.get('platform');
  const target = q.get('target');
  const quiet = boolParam(q, 'q');
  const runContainer = runSettings(q);
  const dockerfile = q.get('dockerfile');
  const { openBuildContext, buildImage } = await import('../core/build/index.js');
  const bctx = await openBuildContext({ context: '-', ...(dockerfile ? { file: dockerfile } : {}), stdin: req.raw, tmpDir: s.engine.paths.tmp });
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const send = (msg: Record<string, unknown>): void => {
    if (!res.destroyed) res.write(`${JSON.stringify(msg)}\n`);
  };
  const say = (text: string): void => {
    if (!quiet) send({ stream: `${text}\n` });
  };
  const output = new Writable({
    write(chunk: Buffer, _e, cb) {
      if (!quiet) send({ stream: chunk.toString('utf8') });
      cb();
    },
  });
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
  try {
    await buildImage(s.engine, {
      context: bctx,
      tags: q.getAll('t').filter(Boolean),
      buildArgs,
      ...(target ? { target } : {}),
      noCache: boolParam(q, 'nocache'),
      pull,
      labels,
      secrets: new Map(),
      ...(network && network !== 'default' ? { network } : {}),
      ...(platform ? { platform: parsePlatform(platform) } : {}),
      ...(Object.keys(runContainer).length > 0 ? { runContainer } : {}),
      stdout: output,
      stderr: output,
      signal: abort.signal,
      onEvent: (e) => {
        switch (e.type) {
          case 'step':
            return say(`Step ${e.n}/${e.total} : ${e.text}`);
          case 'cache-hit':
            return say(' ---> Using cache');
          case 'triggers':
            return say(`# Executing ${e.count} build trigger${e.count === 1 ? '' : 's'}`);
          case 'warning':
            return say(`[Warning] ${e.message}`);
          case 'commit':
            return undefined;
          case 'done':
            say(` ---> ${short(e.imageId)}`);
            send({ aux: { ID: e.imageId } });
            // quiet: the id is the whole output, as dockerd writes it
            if (quiet) send({ stream: `${e.imageId}\n` });
            say(`Successfully built ${short(e.imageId)}`);
            for (const t of e.tags) say(`Successfully tagged ${familiarString(parseReference(t))}`);
            return undefined;
        }
      },
    });
  } catch (e) {
    send({ errorDetail: { message: errorMessage(e) }, error: errorMessage(e) });
  } finally {
    bctx.cleanup();
  }
  res.end();
}

/** POST /build/prune?keep-storage=&all=&filters=: the build cache (until= is the only filter). */
async function buildPrune(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const { pruneBuildCache } = await import('../core/build/cache-prune.js');
  const { parseSince } = await import('../core/format/time-arg.js');
  const f = decodeFilters(req.query.get('filters'));
  let until: Date | undefined;
  for (const [k, vs] of f) {
    if (k !== 'until' && k !== 'unused-for')
      throw new BerthError('InvalidArgument', `invalid filter '${k}': the build cache prune takes until=<duration or timestamp>`);
    for (const v of vs) until = parseSince(v);
  }
  const keep = intParam(req.query, 'keep-storage');
  const r = pruneBuildCache(s.engine, { ...(until ? { until } : {}), ...(keep ? { keepStorage: keep } : {}) });
  sendJson(res, 200, { CachesDeleted: null, SpaceReclaimed: r.reclaimed });
}

export const BUILD_ROUTES: Route[] = [route('POST', '/build', build), route('POST', '/build/prune', buildPrune)];
