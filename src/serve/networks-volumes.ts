import type { ServerResponse } from 'node:http';
import { BerthError } from '../core/errors/berth-error.js';
import { volumeUser } from '../core/containers/volumes.js';
import {
  builtinNetworkJson,
  connectContainer,
  createNetwork,
  disconnectContainer,
  listNetworks,
  networkJson,
  networkStore,
  pruneNetworks,
  removeNetwork,
} from '../core/networks/index.js';
import { listVolumes, volumeJson } from '../core/volumes/list.js';
import { pruneVolumes } from '../core/volumes/prune.js';
import { parseVolumePruneFilters } from '../core/prune/prune-filters.js';
import { decodeFilters, filterArgs } from './filters.js';
import { boolParam, readJson, sendEmpty, sendJson, type Request } from './http.js';
import { pruneFilters } from './prune.js';
import { route, type Route, type ServeContext } from './router.js';

type Json = Record<string, unknown>;

function strMap(v: unknown, field: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw new BerthError('InvalidArgument', `invalid JSON: ${field}: expected a map of strings`);
  }
  return v as Record<string, string>;
}

function optString(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new BerthError('InvalidArgument', `invalid JSON: ${field}: expected a string`);
  return v;
}

function networkByRef(s: ServeContext, ref: string): Json {
  return builtinNetworkJson(s.engine, ref) ?? networkJson(s.engine, networkStore(s.engine).lookup(ref));
}

async function networkList(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const rows = listNetworks(s.engine, filterArgs(decodeFilters(req.query.get('filters'))));
  sendJson(
    res,
    200,
    rows.map((r) => networkByRef(s, r.ID)),
  );
}

async function networkInspect(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  sendJson(res, 200, networkByRef(s, req.params['id'] as string));
}

/** POST /networks/create: docker's NetworkCreateRequest (one IPv4 IPAM config, bridge driver). */
async function networkCreate(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const body = await readJson(req.raw);
  const name = optString(body['Name'], 'Name');
  if (!name) throw new BerthError('InvalidArgument', 'network name is required');
  if (body['EnableIPv6'] === true) throw new BerthError('InvalidArgument', 'IPv6 networks are not supported by berth');
  const ipam = (body['IPAM'] ?? {}) as Json;
  const configs = Array.isArray(ipam['Config']) ? (ipam['Config'] as Json[]) : [];
  if (configs.length > 1) throw new BerthError('InvalidArgument', 'berth networks take one IPAM config (one IPv4 subnet)');
  const c = configs[0] ?? {};
  const subnet = optString(c['Subnet'], 'IPAM.Config.Subnet');
  const gateway = optString(c['Gateway'], 'IPAM.Config.Gateway');
  const ipRange = optString(c['IPRange'], 'IPAM.Config.IPRange');
  const driver = optString(body['Driver'], 'Driver') ?? 'bridge';
  const n = createNetwork(s.engine, {
    name,
    driver,
    internal: body['Internal'] === true,
    labels: strMap(body['Labels'], 'Labels'),
    options: strMap(body['Options'], 'Options'),
    ...(subnet ? { subnet } : {}),
    ...(gateway ? { gateway } : {}),
    ...(ipRange ? { ipRange } : {}),
  });
  sendJson(res, 201, { Id: n.id, Warning: '' });
}

async function networkRemove(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  removeNetwork(s.engine, req.params['id'] as string);
  sendEmpty(res, 204);
}

async function networkConnect(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const body = await readJson(req.raw);
  const container = optString(body['Container'], 'Container');
  if (!container) throw new BerthError('InvalidArgument', 'Container is required');
  const ep = (body['EndpointConfig'] ?? {}) as Json;
  const aliases = Array.isArray(ep['Aliases']) ? (ep['Aliases'] as unknown[]).filter((a): a is string => typeof a === 'string') : [];
  const ip = optString(((ep['IPAMConfig'] ?? {}) as Json)['IPv4Address'], 'EndpointConfig.IPAMConfig.IPv4Address');
  await connectContainer(s.engine, req.params['id'] as string, container, { aliases, ...(ip ? { ip } : {}) });
  sendEmpty(res, 200);
}

async function networkDisconnect(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const body = await readJson(req.raw);
  const container = optString(body['Container'], 'Container');
  if (!container) throw new BerthError('InvalidArgument', 'Container is required');
  await disconnectContainer(s.engine, req.params['id'] as string, container);
  sendEmpty(res, 200);
}

async function networkPrune(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const removed = pruneNetworks(s.engine, pruneFilters(req));
  sendJson(res, 200, { NetworksDeleted: removed.length ? removed : null });
}

async function volumeList(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const list = listVolumes(s.engine, filterArgs(decodeFilters(req.query.get('filters'))));
  sendJson(res, 200, { Volumes: list.map(volumeJson), Warnings: null });
}

async function volumeCreate(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const body = await readJson(req.raw);
  const name = optString(body['Name'], 'Name');
  const driver = optString(body['Driver'], 'Driver') ?? 'local';
  const v = s.engine.volumes.create({
    ...(name ? { name } : {}),
    driver,
    labels: strMap(body['Labels'], 'Labels'),
    options: strMap(body['DriverOpts'], 'DriverOpts'),
  });
  sendJson(res, 201, volumeJson(v));
}

async function volumeInspect(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  sendJson(res, 200, volumeJson(s.engine.volumes.get(req.params['name'] as string)));
}

async function volumeRemove(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const name = req.params['name'] as string;
  s.engine.volumes.remove(name, volumeUser(s.engine, name), boolParam(req.query, 'force'));
  sendEmpty(res, 204);
}

/** POST /volumes/prune: API 1.41 prunes every unused volume (1.42 made named ones opt-in with all=true). */
async function volumePrune(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const f = decodeFilters(req.query.get('filters'));
  const filters = parseVolumePruneFilters([...f].flatMap(([k, vs]) => vs.map((v) => `${k}=${v}`)));
  const r = pruneVolumes(s.engine, { all: filters.all ?? true, filters: { labels: filters.labels } });
  sendJson(res, 200, { VolumesDeleted: r.removed.length ? r.removed : null, SpaceReclaimed: r.reclaimed });
}

export const NETWORK_VOLUME_ROUTES: Route[] = [
  route('GET', '/networks', networkList),
  route('POST', '/networks/create', networkCreate),
  route('POST', '/networks/prune', networkPrune),
  route('GET', '/networks/{id}', networkInspect),
  route('DELETE', '/networks/{id}', networkRemove),
  route('POST', '/networks/{id}/connect', networkConnect),
  route('POST', '/networks/{id}/disconnect', networkDisconnect),
  route('GET', '/volumes', volumeList),
  route('POST', '/volumes/create', volumeCreate),
  route('POST', '/volumes/prune', volumePrune),
  route('GET', '/volumes/{name}', volumeInspect),
  route('DELETE', '/volumes/{name}', volumeRemove),
];
