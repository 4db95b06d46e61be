import { createHash } from 'node:crypto';
import { prunable, type PruneFilters } from '../prune/prune-filters.js';
import { removeNetworkRules } from './host-rules.js';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { netHost, onNetHost, ROOT_NET_HOST, type NetHost } from './net-host.js';
import { BerthError } from '../errors/index.js';
import type { EngineContext } from '../engine-context.js';
import { checkStaticIp } from './endpoint-plan.js';
import { DEFAULT_BRIDGE, DEFAULT_NETWORK, DEFAULT_SUBNET, SUBNET_POOL, type NetworkRecord } from './network-record.js';
import { RESERVED_NAMES, NetworkStore } from './network-store.js';
import { networkStore } from './store-for.js';
import { contains, formatIPv4, firstHost, formatSubnet, isUsableHost, nextFreeSubnet, overlaps, parseIPv4, parseSubnet, size, type Subnet } from './subnet.js';

export interface CreateNetworkOptions {
  name: string;
  subnet?: string;
  gateway?: string;
  internal?: boolean;
  labels?: Record<string, string>;
  driver?: string;
  /** -o: com.docker.network.bridge.name, com.docker.network.driver.mtu (others kept, shown) */
  options?: Record<string, string>;
  /** --ip-range: a CIDR inside the subnet that containers get addresses from */
  ipRange?: string;
}

/** IPv4 routes of the host (other engines' bridges, VPNs, the LAN): auto-picked subnets avoid them. */
function hostRoutes(): Subnet[] {
  const r = spawnSync('ip', ['-4', '-j', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  try {
    const routes = JSON.parse(r.stdout) as Array<{ dst?: string; type?: string }>;
    return routes
      .filter((x) => x.dst && x.dst !== 'default' && (x.type === undefined || x.type === 'unicast'))
      .map((x) => ((x.dst as string).includes('/') ? (x.dst as string) : `${x.dst as string}/32`))
      .flatMap((d) => {
        try {
          const [a = '', p = '32'] = d.split('/');
          const s = parseIPv4(a);
          if (s === undefined) return [];
          const prefix = Number(p);
          const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
          return [{ base: (s & mask) >>> 0, prefix }];
        } catch {
          return [];
        }
      });
  } catch {
    return [];
  }
}

/**
 * `network create`: a bridge network with its own subnet (given, or the next free /24 of
 * 10.90.0.0/16 that overlaps no berth network and no host route). Nothing is set up on the host
 * until a container joins: the bridge plugin creates the bridge on first use.
 */
export function createNetwork(ctx: EngineContext, o: CreateNetworkOptions): NetworkRecord {
  const store = networkStore(ctx);
  NetworkStore.validateName(o.name);
  if (o.driver && o.driver !== 'bridge') throw new BerthError('InvalidArgument', `unsupported network driver "${o.driver}": berth supports bridge`);
  if (RESERVED_NAMES.has(o.name)) throw new BerthError('Conflict', `network with name ${o.name} already exists`);
  if (store.byName(o.name)) throw new BerthError('Conflict', `network with name ${o.name} already exists`);
  const existing = store.list().map((n) => ({ n, s: parseSubnet(n.subnet) }));
  let subnet: Subnet;
  if (o.subnet) {
    subnet = parseSubnet(o.subnet);
    const clash = existing.find((e) => overlaps(e.s, subnet));
    if (clash) {
      throw new BerthError(
        'Conflict',
        `invalid pool request: Pool overlaps with other one on this address space (${formatSubnet(subnet)} overlaps ${clash.n.subnet} of network ${clash.n.name})`,
      );
    }
  } else {
    const free = nextFreeSubnet(parseSubnet(SUBNET_POOL), [...existing.map((e) => e.s), parseSubnet(DEFAULT_SUBNET), ...hostRoutes()]);
    if (!free)
      throw new BerthError('Unavailable', 'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
    subnet = free;
  }
  let gateway = formatIPv4(firstHost(subnet));
  if (o.gateway) {
    const g = parseIPv4(o.gateway);
    if (g === undefined || !isUsableHost(subnet, g))
      throw new BerthError('InvalidArgument', `invalid gateway ${o.gateway}: not a host address of subnet ${formatSubnet(subnet)}`);
    gateway = o.gateway;
  }
  const id = randomBytes(32).toString('hex');
  let ipRange: string | undefined;
  if (o.ipRange) {
    const r = parseSubnet(o.ipRange);
    if (!(contains(subnet, r.base) && contains(subnet, r.base + size(r) - 1))) {
      throw new BerthError('InvalidArgument', `invalid --ip-range ${o.ipRange}: not inside subnet ${formatSubnet(subnet)}`);
    }
    ipRange = formatSubnet(r);
  }
  checkDriverOptions(o.options ?? {});
  const bridgeName = o.options?.['com.docker.network.bridge.name'];
  if (bridgeName !== undefined) {
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,14}$/.test(bridgeName))
      throw new BerthError('InvalidArgument', `invalid bridge name "${bridgeName}": at most 15 of [a-zA-Z0-9_.-]`);
    // the isolation rules between networks match every berth bridge by this prefix (host-rules.ts)
    if (!bridgeName.startsWith('berth'))
      throw new BerthError(
        'InvalidArgument',
        `bridge name "${bridgeName}" must start with "berth": the isolation between berth networks matches bridges by that prefix`,
      );
    if (store.list().some((n) => n.bridge === bridgeName) || bridgeName === DEFAULT_BRIDGE)
      throw new BerthError('Conflict', `bridge name ${bridgeName} is already in use`);
  }
  const mtu = o.options?.['com.docker.network.driver.mtu'];
  if (mtu !== undefined && (!/^\d+$/.test(mtu) || Number(mtu) < 68 || Number(mtu) > 65535))
    throw new BerthError('InvalidArgument', `invalid mtu "${mtu}": 68 to 65535`);
  const rec: NetworkRecord = {
    id,
    name: o.name,
    driver: 'bridge',
    bridge: bridgeName ?? `berth-${id.slice(0, 8)}`,
    ...(o.options && Object.keys(o.options).length ? { options: o.options } : {}),
    ...(ipRange ? { ipRange } : {}),
    subnet: formatSubnet(subnet),
    gateway,
    internal: !!o.internal,
    labels: o.labels ?? {},
    created: new Date().toISOString(),
    dns: true,
  };
  store.insert(rec);
  ctx.events.emit({ type: 'network', action: 'create', id: rec.id, attributes: { name: rec.name, type: 'bridge' } });
  return rec;
}

/** `network rm`: refused while any container is attached (docker: disconnect them first). */
export function removeNetwork(ctx: EngineContext, ref: string): NetworkRecord {
  if (isPredefinedNetwork(ref) || ref === 'default') {
    throw new BerthError('FailedPrecondition', `${ref} is a pre-defined network and cannot be removed`);
  }
  const store = networkStore(ctx);
  const n = store.lookup(ref);
  if (n.name === DEFAULT_NETWORK) throw new BerthError('FailedPrecondition', `${n.name} is a pre-defined network and cannot be removed`);
  const users = store.deleteIfUnused(n.id).map((id) => ctx.containers.get(id)?.name ?? id.slice(0, 12));
  if (users.length) {
    throw new BerthError('Conflict', `error while removing network: network ${n.name} id ${n.id} has active endpoints (${users.join(', ')})`);
  }
  const host = netHost(ctx);
  removeBridge(n.bridge, host);
  removeNetworkRules(n, host.markersDir, host.enter);
  ctx.events.emit({ type: 'network', action: 'destroy', id: n.id, attributes: { name: n.name, type: 'bridge' } });
  return n;
}

const ISOLATION_COMMENT = 'CNI firewall plugin rules (ingressPolicy: same-bridge)';

/**
 * The bridge plugin made the device and the firewall plugin its two isolation rules, and neither
 * removes them on DEL (they are per network, not per container): berth does when the network goes.
 */
export function removeBridge(bridge: string, host: NetHost = ROOT_NET_HOST): void {
  // rootless: in the user's network namespace, if it is there at all
  if (host.netnsFile && !fs.existsSync(host.netnsFile)) return removeLeaseDir(path.join(host.ipamDir, bridge));
  const run = (program: string, args: string[]) => {
    const [cmd, rest] = onNetHost(host, program, args);
    spawnSync(cmd, rest, { stdio: 'ignore' });
  };
  run('ip', ['link', 'delete', bridge, 'type', 'bridge']);
  const c = ['-m', 'comment', '--comment', ISOLATION_COMMENT];
  run('iptables', ['-w', '-D', 'CNI-ISOLATION-STAGE-1', '-i', bridge, '!', '-o', bridge, ...c, '-j', 'CNI-ISOLATION-STAGE-2']);
  run('iptables', ['-w', '-D', 'CNI-ISOLATION-STAGE-2', '-o', bridge, ...c, '-j', 'DROP']);
  removeLeaseDir(path.join(host.ipamDir, bridge));
}

/** host-local's directory for the network: only its lock and cursor remain once no lease does. */
function removeLeaseDir(dir: string): void {
  try {
    if (fs.readdirSync(dir).every((f) => f === 'lock' || f.startsWith('last_reserved_ip'))) fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    /* never used */
  }
}

/** `network prune`: every user-defined network no container is attached to. */
export function pruneNetworks(ctx: EngineContext, filters: PruneFilters = {}): string[] {
  const store = networkStore(ctx);
  const out: string[] = [];
  for (const n of store.list()) {
    if (n.name === DEFAULT_NETWORK || store.endpointsOn(n.id).length) continue;
    if (!prunable(filters, n.created, n.labels)) continue;
    removeNetwork(ctx, n.id);
    out.push(n.name);
  }
  return out;
}

/** docker's NetworkResource JSON. */
export function networkJson(ctx: EngineContext, n: NetworkRecord): Record<string, unknown> {
  const containers: Record<string, unknown> = {};
  for (const ep of networkStore(ctx).endpointsOn(n.id)) {
    const c = ctx.containers.get(ep.containerId);
    if (!c || !ep.ip) continue;
    containers[ep.containerId] = {
      Name: c.name,
      EndpointID: ep.containerId.slice(0, 12) + n.id.slice(0, 12),
      MacAddress: ep.mac,
      IPv4Address: ep.ip ? `${ep.ip}/${n.subnet.split('/')[1] ?? ''}` : '',
      IPv6Address: '',
    };
  }
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: 'local',
    Driver: n.driver,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: n.subnet, Gateway: n.gateway, ...(n.ipRange ? { IPRange: n.ipRange } : {}) }] },
    Internal: n.internal,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    // docker shows the bridge name of its default network only; a user network's are the options it was given
    Options: n.name === DEFAULT_NETWORK ? { ...(n.options ?? {}), 'com.docker.network.bridge.name': n.bridge } : { ...(n.options ?? {}) },
    Labels: n.labels,
  };
}

/** docker's predefined host and none networks: modes, not records, with ids stable per host. */
export const BUILTIN_NETWORKS = ['host', 'none'] as const;

/** bridge, host and none: what `network ls --filter type=builtin` lists and `network rm` refuses. */
export function isPredefinedNetwork(name: string): boolean {
  return name === DEFAULT_NETWORK || (BUILTIN_NETWORKS as readonly string[]).includes(name);
}

export function builtinNetworkId(name: (typeof BUILTIN_NETWORKS)[number]): string {
  return createHash('sha256').update(`berth-builtin-network-${name}`).digest('hex');
}

/** `network inspect host|none` (by name or id prefix), as docker shows its predefined ones; else undefined. */
export function builtinNetworkJson(ctx: EngineContext, ref: string): Record<string, unknown> | undefined {
  const name = BUILTIN_NETWORKS.find((n) => n === ref || (ref.length >= 3 && builtinNetworkId(n).startsWith(ref)));
  if (!name) return undefined;
  const containers: Record<string, unknown> = {};
  for (const c of ctx.containers.list()) {
    if (c.spec.network !== name || (c.state.status !== 'running' && c.state.status !== 'paused')) continue;
    containers[c.id] = { Name: c.name, EndpointID: '', MacAddress: '', IPv4Address: '', IPv6Address: '' };
  }
  return {
    Name: name,
    Id: builtinNetworkId(name),
    Created: '0001-01-01T00:00:00Z',
    Scope: 'local',
    Driver: name === 'host' ? 'host' : 'null',
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: null },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: {},
    Labels: {},
  };
}

export { checkStaticIp };

/** docker's bridge driver options that berth has only at their defaults: any other value is refused. */
const DEFAULT_ONLY: Record<string, { value: string; why: string }> = {
  'com.docker.network.bridge.enable_icc': { value: 'true', why: 'containers on a berth network always reach each other' },
  'com.docker.network.bridge.enable_ip_masquerade': { value: 'true', why: "a berth network's outbound traffic is always masqueraded" },
  'com.docker.network.bridge.host_binding_ipv4': { value: '0.0.0.0', why: 'publish on an address with -p IP:HOST:CONTAINER' },
  'com.docker.network.container_iface_prefix': { value: 'eth', why: 'container interfaces are named eth0, eth1, …' },
  'com.docker.network.bridge.default_bridge': { value: 'false', why: "the default bridge is berth's own" },
};

/**
 * -o options: the bridge name and MTU are honoured, the documented ones above only at their
 * defaults, other com.docker.network.* ones refused (never accepted and ignored); keys outside
 * docker's namespace are kept and shown, as docker's bridge driver does.
 */
function checkDriverOptions(options: Readonly<Record<string, string>>): void {
  for (const [k, v] of Object.entries(options)) {
    if (k === 'com.docker.network.bridge.name' || k === 'com.docker.network.driver.mtu') continue;
    const d = DEFAULT_ONLY[k];
    if (d) {
      const norm = v.toLowerCase() === '1' ? 'true' : v.toLowerCase() === '0' ? 'false' : v.toLowerCase();
      if (norm !== d.value) throw new BerthError('InvalidArgument', `network option ${k}=${v} is not supported by berth: ${d.why}`);
    } else if (k.startsWith('com.docker.network.')) {
      throw new BerthError(
        'InvalidArgument',
        `network option ${k} is not supported by berth (it honours com.docker.network.bridge.name and com.docker.network.driver.mtu)`,
      );
    }
  }
}
