import { randomBytes } from 'node:crypto';
import { BerthError } from '../errors/index.js';
import { immediate, type Db } from '../metadata/database.js';
import type { PortSpec } from '../spec/container-spec.js';
import { DEFAULT_BRIDGE, DEFAULT_NETWORK, DEFAULT_SUBNET, type Endpoint, type NetworkRecord, type Sandbox } from './network-record.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** names docker reserves for its built-in networks */
export const RESERVED_NAMES = new Set(['bridge', 'host', 'none', 'default']);

interface NetRow {
  id: string;
  name: string;
  bridge: string;
  subnet: string;
  gateway: string;
  internal: number;
  labels: string;
  created: string;
  dns: number;
  extra?: string | null;
}

interface EpRow {
  container_id: string;
  network_id: string;
  position: number;
  aliases: string;
  static_ip: string;
  ip: string;
  mac: string;
  if_name: string;
  cni_result: string;
}

function toNet(r: NetRow): NetworkRecord {
  return {
    id: r.id,
    name: r.name,
    driver: 'bridge',
    bridge: r.bridge,
    subnet: r.subnet,
    gateway: r.gateway,
    internal: r.internal === 1,
    labels: JSON.parse(r.labels) as Record<string, string>,
    created: r.created,
    dns: r.dns === 1,
    ...extraOf(r),
  };
}

function extraOf(r: NetRow): Pick<NetworkRecord, 'options' | 'ipRange'> {
  const x = JSON.parse(r.extra ?? '{}') as { options?: Record<string, string>; ipRange?: string };
  return { ...(x.options && Object.keys(x.options).length ? { options: x.options } : {}), ...(x.ipRange ? { ipRange: x.ipRange } : {}) };
}

function toEp(r: EpRow): Endpoint {
  return {
    containerId: r.container_id,
    networkId: r.network_id,
    position: r.position,
    aliases: JSON.parse(r.aliases) as string[],
    staticIp: r.static_ip,
    ip: r.ip,
    mac: r.mac,
    ifName: r.if_name,
    cniResult: r.cni_result,
  };
}

/**
 * Networks, endpoints (container ↔ network) and sandboxes (a container's live namespace) in
 * berth's SQLite database. Leases are the endpoints' `ip` columns: host-local hands them out
 * (it is host-wide and locked, and the default bridge is shared by every berth root), berth
 * records them here for inspect, DNS and tear-down.
 */
export class NetworkStore {
  constructor(private readonly db: Db) {}

  static validateName(name: string): void {
    if (!NAME_RE.test(name)) throw new BerthError('InvalidArgument', `invalid network name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }

  /** The default network, created on first use (no setup step, as docker's `bridge`). */
  defaultNetwork(): NetworkRecord {
    const cur = this.byName(DEFAULT_NETWORK);
    if (cur) return cur;
    this.db
      .prepare('INSERT OR IGNORE INTO networks (id, name, bridge, subnet, gateway, internal, labels, created, dns) VALUES (?,?,?,?,?,0,?,?,0)')
      .run(randomBytes(32).toString('hex'), DEFAULT_NETWORK, DEFAULT_BRIDGE, DEFAULT_SUBNET, '10.90.0.1', '{}', new Date().toISOString());
    return this.byName(DEFAULT_NETWORK) as NetworkRecord;
  }

  insert(n: NetworkRecord): void {
    try {
      this.db
        .prepare('INSERT INTO networks (id, name, bridge, subnet, gateway, internal, labels, created, dns, extra) VALUES (?,?,?,?,?,?,?,?,?,?)')
        .run(
          n.id,
          n.name,
          n.bridge,
          n.subnet,
          n.gateway,
          n.internal ? 1 : 0,
          JSON.stringify(n.labels),
          n.created,
          n.dns ? 1 : 0,
          JSON.stringify({ options: n.options ?? {}, ...(n.ipRange ? { ipRange: n.ipRange } : {}) }),
        );
    } catch (e) {
      if (e instanceof Error && /UNIQUE/.test(e.message)) throw new BerthError('Conflict', `network with name ${n.name} already exists`);
      throw e;
    }
  }

  byName(name: string): NetworkRecord | undefined {
    const r = this.db.prepare('SELECT * FROM networks WHERE name = ?').get(name) as NetRow | undefined;
    return r ? toNet(r) : undefined;
  }

  byId(id: string): NetworkRecord | undefined {
    const r = this.db.prepare('SELECT * FROM networks WHERE id = ?').get(id) as NetRow | undefined;
    return r ? toNet(r) : undefined;
  }

  /** A name, full id or unique id prefix; docker's wording when nothing matches. */
  lookup(ref: string): NetworkRecord {
    if (ref === DEFAULT_NETWORK || ref === 'default') return this.defaultNetwork();
    const exact = this.byName(ref) ?? this.byId(ref);
    if (exact) return exact;
    if (/^[a-f0-9]+$/.test(ref)) {
      const rows = this.db.prepare("SELECT * FROM networks WHERE id LIKE ? || '%' LIMIT 2").all(ref) as NetRow[];
      if (rows.length === 1 && rows[0]) return toNet(rows[0]);
    }
    throw new BerthError('NotFound', `network ${ref} not found`);
  }

  list(): NetworkRecord[] {
    this.defaultNetwork();
    return (this.db.prepare('SELECT * FROM networks ORDER BY created').all() as NetRow[]).map(toNet);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM networks WHERE id = ?').run(id);
  }

  /**
   * Delete the network unless it has endpoints, in one write transaction: against a concurrent
   * `run --network` (whose addEndpoint checks the network in its own), one of the two wins.
   * Returns the containers of the endpoints that kept it (empty: deleted).
   */
  deleteIfUnused(id: string): string[] {
    return immediate(this.db, () => {
      const users = this.endpointsOn(id).map((e) => e.containerId);
      if (users.length === 0) this.delete(id);
      return users;
    });
  }

  // endpoints

  addEndpoint(ep: Omit<Endpoint, 'position' | 'ip' | 'mac' | 'ifName' | 'cniResult'>): Endpoint {
    return immediate(this.db, () => {
      // removed since the caller looked it up (a concurrent `network rm` won)
      if (!this.db.prepare('SELECT 1 FROM networks WHERE id = ?').get(ep.networkId)) {
        throw new BerthError('NotFound', `network ${ep.networkId} not found`);
      }
      const exists = this.db.prepare('SELECT 1 FROM network_endpoints WHERE container_id = ? AND network_id = ?').get(ep.containerId, ep.networkId);
      if (exists) throw new BerthError('Conflict', 'container is already connected to this network');
      const row = this.db.prepare('SELECT COALESCE(MAX(position), -1) + 1 AS n FROM network_endpoints WHERE container_id = ?').get(ep.containerId) as {
        n: number;
      };
      this.db
        .prepare('INSERT INTO network_endpoints (container_id, network_id, position, aliases, static_ip) VALUES (?,?,?,?,?)')
        .run(ep.containerId, ep.networkId, row.n, JSON.stringify(ep.aliases), ep.staticIp);
      return { ...ep, position: row.n, ip: '', mac: '', ifName: '', cniResult: '' };
    });
  }

  endpoints(containerId: string): Endpoint[] {
    return (this.db.prepare('SELECT * FROM network_endpoints WHERE container_id = ? ORDER BY position').all(containerId) as EpRow[]).map(toEp);
  }

  endpointsOn(networkId: string): Endpoint[] {
    return (this.db.prepare('SELECT * FROM network_endpoints WHERE network_id = ? ORDER BY container_id').all(networkId) as EpRow[]).map(toEp);
  }

  allEndpoints(): Endpoint[] {
    return (this.db.prepare('SELECT * FROM network_endpoints').all() as EpRow[]).map(toEp);
  }

  setLease(containerId: string, networkId: string, lease: { ip: string; mac: string; ifName: string; cniResult: string }): void {
    this.db
      .prepare('UPDATE network_endpoints SET ip = ?, mac = ?, if_name = ?, cni_result = ? WHERE container_id = ? AND network_id = ?')
      .run(lease.ip, lease.mac, lease.ifName, lease.cniResult, containerId, networkId);
  }

  removeEndpoint(containerId: string, networkId: string): void {
    this.db.prepare('DELETE FROM network_endpoints WHERE container_id = ? AND network_id = ?').run(containerId, networkId);
  }

  removeEndpoints(containerId: string): void {
    this.db.prepare('DELETE FROM network_endpoints WHERE container_id = ?').run(containerId);
  }

  // sandboxes

  insertSandbox(s: Omit<Sandbox, 'claimPid'>): void {
    // born claimed by this process: a concurrent repair must not take a sandbox that is being set up
    this.db
      .prepare('INSERT OR REPLACE INTO network_sandboxes (container_id, netns, ports, claim_pid) VALUES (?,?,?,?)')
      .run(s.containerId, s.netnsName, JSON.stringify(s.ports), process.pid);
  }

  sandbox(containerId: string): Sandbox | undefined {
    const r = this.db.prepare('SELECT * FROM network_sandboxes WHERE container_id = ?').get(containerId) as
      | { container_id: string; netns: string; ports: string; claim_pid: number }
      | undefined;
    return r ? { containerId: r.container_id, netnsName: r.netns, ports: JSON.parse(r.ports) as PortSpec[], claimPid: r.claim_pid } : undefined;
  }

  sandboxes(): Sandbox[] {
    const ids = this.db.prepare('SELECT container_id FROM network_sandboxes').all() as Array<{ container_id: string }>;
    return ids.map((r) => this.sandbox(r.container_id)).filter((s): s is Sandbox => s !== undefined);
  }

  /** Take the sandbox for tear-down unless a live process already does; false when taken. */
  claimSandbox(containerId: string, alive: (pid: number) => boolean): boolean {
    return immediate(this.db, () => {
      const s = this.sandbox(containerId);
      if (!s) return false;
      if (s.claimPid !== 0 && s.claimPid !== process.pid && alive(s.claimPid)) return false;
      this.db.prepare('UPDATE network_sandboxes SET claim_pid = ? WHERE container_id = ?').run(process.pid, containerId);
      return true;
    });
  }

  releaseSandboxClaim(containerId: string): void {
    this.db.prepare('UPDATE network_sandboxes SET claim_pid = 0 WHERE container_id = ?').run(containerId);
  }

  deleteSandbox(containerId: string): void {
    this.db.prepare('DELETE FROM network_sandboxes WHERE container_id = ?').run(containerId);
  }
}
