import { rootlessMode } from '../rootless/mode.js';
import { ensureRootlessNetns, publishPorts, releaseRootlessNetns, unpublishPorts } from '../rootless/rootless-netns.js';
import { isNamespaceFile, netHost } from './net-host.js';
import { slirpPorts, stopSlirp } from '../rootless/slirp.js';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError, wrap } from '../errors/index.js';
import type { EngineContext } from '../engine-context.js';
import { exposedPorts, type ContainerRecord } from '../containers/container-record.js';
import { isProcessAlive } from '../runtime/process-util.js';
import type { PortSpec } from '../spec/container-spec.js';
import { cniAdd, cniDel, type CniResult } from './cni.js';
import { ensureNetworkRules } from './host-rules.js';
import { cniConfList, portMappings } from './cni-config.js';
import { syncDns, type DnsNetwork } from './dns.js';
import { createNetns, deleteLinkIn, deleteNetns, netnsNameFor, netnsPath } from './netns.js';
import type { Endpoint, NetworkRecord } from './network-record.js';
import { isBridgeMode } from './endpoint-plan.js';
import { resolvePorts } from './ports.js';
import { trace } from '../trace.js';
import { networkStore } from './store-for.js';

/** What start needs from the network: the namespace to join, and when it is ready to use. */
export interface NetworkSetup {
  namespacePath: string;
  /**
   * Runs the CNI chains (once; later calls return the same promise), which resolves once every
   * interface, rule, lease and DNS entry is in place. Start launches it right after conmon, so
   * the runtime's create, the longest step, begins first and the two run side by side.
   */
  attach: () => Promise<void>;
  /** the attach under way, if one was launched (for an undo to wait on) */
  launched: () => Promise<void> | undefined;
}

interface StoredResult {
  withPorts: boolean;
  result?: CniResult;
}

export function dnsDir(ctx: EngineContext): string {
  return path.join(ctx.paths.runRoot, 'aardvark-dns');
}

/**
 * Prepare a container's network before the runtime creates it: tear down what an earlier run
 * left, decide the published ports (failing here, before anything exists, when one is taken),
 * record the sandbox and make the namespace. The caller passes `namespacePath` to the runtime,
 * launches `attach` once the runtime is under way and awaits it before starting the process;
 * on any failure it calls tearDownNetwork.
 */
export async function setUpNetwork(
  ctx: EngineContext,
  rec: ContainerRecord,
  onAttached: (primary: { ip: string; gateway: string; dns: boolean }) => void,
): Promise<NetworkSetup | undefined> {
  if (!isBridgeMode(rec.spec.network)) return undefined;
  const store = networkStore(ctx);
  await tearDownNetwork(ctx, rec.id);
  let eps = store.endpoints(rec.id);
  if (eps.length === 0) {
    // a container created before networks existed in berth: it meant the default network
    store.addEndpoint({ containerId: rec.id, networkId: store.lookup(rec.spec.network).id, aliases: [], staticIp: '' });
    eps = store.endpoints(rec.id);
  }
  const nets = eps.map((e) => {
    const n = store.byId(e.networkId);
    if (!n) throw new BerthError('NotFound', `network ${e.networkId} not found`);
    return n;
  });
  const taken = store
    .sandboxes()
    .filter((s) => s.containerId !== rec.id)
    .flatMap((s) => s.ports);
  const exposed = exposedPorts(rec);
  const ports = await resolvePorts(rec.spec.publish, rec.spec.publishAll, exposed, taken);
  const name = netnsNameFor(rec.id);
  const host = netHost(ctx);
  // write-ahead: the row exists before the namespace, so repair always finds what we make
  store.insertSandbox({ containerId: rec.id, netnsName: name, ports });
  store.claimSandbox(rec.id, () => false);
  try {
    // rootless: the bridges live in the user's network namespace, made on first use
    if (host.rootless) await ensureRootlessNetns(ctx);
    createNetns(name, host.netnsDir);
  } catch (e) {
    await tearDownNetwork(ctx, rec.id).catch(() => undefined);
    throw e;
  }
  let attached: Promise<void> | undefined;
  const attach = (): Promise<void> => {
    attached ??= (async () => {
      for (const [i, ep] of eps.entries()) {
        const net = nets[i] as NetworkRecord;
        const lease = await attachEndpoint(ctx, rec.id, net, ep, i === 0 ? ports : [], `eth${i}`);
        // docker's events of a start: network connect, for each network, before container start
        ctx.events.emit({ type: 'network', action: 'connect', id: net.id, attributes: { container: rec.id, name: net.name, type: 'bridge' } });
        if (i === 0) onAttached({ ip: lease, gateway: net.gateway, dns: net.dns });
      }
      if (host.rootless) await publishPorts(ctx, rec.id, ports);
      refreshDns(ctx);
    })();
    attached.catch(() => undefined);
    return attached;
  };
  return { namespacePath: netnsPath(name, host.netnsDir), attach, launched: () => attached };
}

/** After the process started: the sandbox belongs to the container now, not to this process. */
export async function networkStarted(ctx: EngineContext, rec: ContainerRecord, opts: { callerFinalizes?: boolean } = {}): Promise<void> {
  if (!isBridgeMode(rec.spec.network)) return;
  networkStore(ctx).releaseSandboxClaim(rec.id);
  // it may have exited already, before any exit hook could claim the sandbox; a foreground run
  // tears down in its finalizeExit, beside the runtime's delete
  const ended = rec.state.status === 'exited';
  if (ended && !opts.callerFinalizes) await tearDownNetwork(ctx, rec.id).catch(() => undefined);
}

export async function attachEndpoint(ctx: EngineContext, id: string, net: NetworkRecord, ep: Endpoint, ports: PortSpec[], ifName: string): Promise<string> {
  const store = networkStore(ctx);
  const sb = store.sandbox(id);
  if (!sb) throw new BerthError('Internal', 'network sandbox vanished');
  const host = netHost(ctx);
  ensureNetworkRules(net, host.markersDir, host.enter);
  const list = cniConfList(net, { ports: ports.length > 0, ipamDir: host.ipamDir });
  const macAddress = ctx.containers.get(id)?.spec.macAddress;
  const rt = {
    containerId: id,
    netns: netnsPath(sb.netnsName, host.netnsDir),
    ifName,
    enter: host.enter,
    capabilityArgs: { portMappings: portMappings(ports, { anyAddress: host.rootless }), ...(ep.staticIp ? { ips: [ep.staticIp] } : {}) },
    // --mac-address: the container's first network only, as docker applies it
    ...(macAddress && ifName === 'eth0' ? { args: { MAC: macAddress } } : {}),
  };
  // recorded before ADD: a crash half-way still leaves a row that tear-down DELs
  const pending: StoredResult = { withPorts: ports.length > 0 };
  store.setLease(id, net.id, { ip: '', mac: '', ifName, cniResult: JSON.stringify(pending) });
  let result: CniResult;
  try {
    result = await cniAdd(list, rt);
  } catch (e) {
    throw wrap(e, `connecting to network ${net.name}`);
  }
  const ip = (result.ips?.[0]?.address ?? '').split('/')[0] ?? '';
  const mac = result.interfaces?.find((i) => i.sandbox)?.mac ?? '';
  store.setLease(id, net.id, { ip, mac, ifName, cniResult: JSON.stringify({ ...pending, result }) });
  return ip;
}

/** Read back the address CNI gave an interface, for a DEL whose ADD result was never recorded. */
function resultFromNetns(netns: string, ifName: string, dir: string): CniResult | undefined {
  const file = netnsPath(netns, dir);
  const r =
    file === netnsPath(netns)
      ? spawnSync('ip', ['-n', netns, '-j', 'addr', 'show', 'dev', ifName], { encoding: 'utf8' })
      : spawnSync('nsenter', [`--net=${file}`, '--', 'ip', '-j', 'addr', 'show', 'dev', ifName], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  try {
    const info = JSON.parse(r.stdout) as Array<{ addr_info?: Array<{ family: string; local: string; prefixlen: number }> }>;
    const a = info[0]?.addr_info?.find((x) => x.family === 'inet');
    if (!a) return undefined;
    return { cniVersion: '1.0.0', interfaces: [{ name: ifName, sandbox: file }], ips: [{ address: `${a.local}/${a.prefixlen}`, interface: 0 }] };
  } catch {
    return undefined;
  }
}

export async function detachEndpoint(ctx: EngineContext, id: string, netnsName: string, ep: Endpoint, ports: PortSpec[]): Promise<void> {
  const store = networkStore(ctx);
  const net = store.byId(ep.networkId);
  if (!net || ep.cniResult === '') return;
  const stored = JSON.parse(ep.cniResult) as StoredResult;
  const host = netHost(ctx);
  // rootless: the user's network namespace is gone (every process of the user ended, or a
  // reboot), and the bridge, veth, rules and DNS entry with it: nothing is left to delete
  if (host.netnsFile && !isNamespaceFile(host.netnsFile)) {
    store.setLease(id, net.id, { ip: '', mac: '', ifName: '', cniResult: '' });
    return;
  }
  const nsFile = netnsPath(netnsName, host.netnsDir);
  const nsExists = fs.existsSync(nsFile);
  const prev = stored.result ?? (nsExists ? resultFromNetns(netnsName, ep.ifName, host.netnsDir) : undefined);
  const list = cniConfList(net, { ports: stored.withPorts, ipamDir: host.ipamDir });
  const ifName = ep.ifName || 'eth0';
  await cniDel(
    list,
    {
      containerId: id,
      // a namespace already gone (reboot) is not an error: the plugins skip what lived inside it
      netns: nsExists ? nsFile : '',
      ifName,
      enter: host.enter,
      capabilityArgs: { portMappings: portMappings(stored.withPorts ? ports : [], { anyAddress: host.rootless }) },
    },
    prev,
    { deleteInterface: async () => nsExists && (await deleteLinkIn(netnsName, ifName, host.netnsDir)) },
  );
  store.setLease(id, net.id, { ip: '', mac: '', ifName: '', cniResult: '' });
}

/**
 * Undo everything setUpNetwork made, in reverse: CNI DEL of each attachment (rules, veth, lease),
 * the DNS entries, the namespace, then the row. Idempotent and safe to race: the exit hook, rm,
 * stop and the next command's repair may all call it; one claims the sandbox, the others return.
 * A failed DEL keeps the row (and the namespace, which DEL needs) for the next attempt.
 */
export async function tearDownNetwork(ctx: EngineContext, id: string): Promise<boolean> {
  if (rootlessMode()) stopSlirp(ctx, id);
  const store = networkStore(ctx);
  if (!store.claimSandbox(id, isProcessAlive)) return !store.sandbox(id);
  const sb = store.sandbox(id);
  if (!sb) return true;
  const host = netHost(ctx);
  if (host.rootless) await unpublishPorts(ctx, id);
  let failed: unknown;
  for (const ep of store.endpoints(id).reverse()) {
    const wasAttached = ep.cniResult !== '';
    const ok = await detachEndpoint(ctx, id, sb.netnsName, ep, sb.ports).then(
      () => true,
      (e: unknown) => {
        failed ??= e;
        return false;
      },
    );
    // and of a stop: network disconnect, for each network the container was attached to
    const net = wasAttached && ok ? store.byId(ep.networkId) : undefined;
    if (net) ctx.events.emit({ type: 'network', action: 'disconnect', id: net.id, attributes: { container: id, name: net.name, type: 'bridge' } });
  }
  refreshDns(ctx);
  if (failed) {
    store.releaseSandboxClaim(id);
    return false;
  }
  deleteNetns(sb.netnsName, host.netnsDir);
  trace('netns deleted');
  store.deleteSandbox(id);
  // rootless: the user's network namespace goes with the last container on its networks
  if (host.rootless) await releaseRootlessNetns(ctx, () => store.sandboxes().length > 0);
  return true;
}

/** The DNS view of the database: every attached endpoint of every user-defined network. */
export function refreshDns(ctx: EngineContext): void {
  try {
    syncDns(dnsDir(ctx), () => dnsView(ctx), netHost(ctx).enter);
  } catch {
    /* name resolution is best effort: a missing resolver must not block starting or stopping */
  }
}

function dnsView(ctx: EngineContext): DnsNetwork[] {
  const store = networkStore(ctx);
  const nets = new Map<string, DnsNetwork>();
  for (const n of store.list()) if (n.dns) nets.set(n.id, { key: n.bridge, gateway: n.gateway, entries: [] });
  for (const ep of store.allEndpoints()) {
    const n = nets.get(ep.networkId);
    if (!n || !ep.ip) continue;
    const c = ctx.containers.get(ep.containerId);
    if (!c) continue;
    n.entries.push({ containerId: ep.containerId, ip: ep.ip, names: [c.name, ...ep.aliases, ep.containerId.slice(0, 12)] });
  }
  return [...nets.values()];
}

/**
 * Repair for the next berth command: tear down the sandbox of every container that is not
 * running (it died with its monitor, or berth was killed before cleaning up), and forget the
 * endpoints of containers that no longer exist.
 */
export async function repairNetworks(ctx: EngineContext, isLive: (id: string) => boolean): Promise<void> {
  const store = networkStore(ctx);
  for (const sb of store.sandboxes()) {
    if (sb.claimPid !== 0 && sb.claimPid !== process.pid && isProcessAlive(sb.claimPid)) continue;
    if (isLive(sb.containerId)) continue;
    await tearDownNetwork(ctx, sb.containerId).catch(() => undefined);
  }
  for (const ep of store.allEndpoints()) {
    if (!ctx.containers.has(ep.containerId) && !store.sandbox(ep.containerId)) store.removeEndpoint(ep.containerId, ep.networkId);
  }
}

/** rm: the container's network records go with it (after tear-down). */
export async function forgetContainerNetworks(ctx: EngineContext, id: string): Promise<void> {
  await tearDownNetwork(ctx, id);
  const store = networkStore(ctx);
  if (!store.sandbox(id)) store.removeEndpoints(id);
}

/** The ports a running container publishes, host ports resolved. */
export function publishedPorts(ctx: EngineContext, id: string): PortSpec[] {
  // a rootless container's ports are slirp4netns's
  return networkStore(ctx).sandbox(id)?.ports ?? (rootlessMode() ? slirpPorts(ctx, id) : undefined) ?? [];
}
