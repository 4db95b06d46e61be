import { BerthError } from '../errors/index.js';
import type { EngineContext } from '../engine-context.js';
import { checkStaticIp, isBridgeMode } from './endpoint-plan.js';
import { DEFAULT_NETWORK } from './network-record.js';
import { attachEndpoint, detachEndpoint, refreshDns } from './sandbox.js';
import { networkStore } from './store-for.js';

const LIVE = new Set(['running', 'paused']);

/**
 * `network connect`: record the endpoint, and attach it at once when the container runs (a new
 * ethN in its namespace, its DNS names on that network); a stopped container joins at next start.
 */
export async function connectContainer(ctx: EngineContext, netRef: string, ctrRef: string, o: { aliases: string[]; ip?: string }): Promise<void> {
  const store = networkStore(ctx);
  if (netRef === 'host') throw new BerthError('FailedPrecondition', 'container cannot be disconnected from host network or connected to host network');
  if (netRef === 'none') throw new BerthError('FailedPrecondition', 'container cannot be connected to the none network: it has no interfaces to give');
  const net = store.lookup(netRef);
  const rec = ctx.containers.lookup(ctrRef);
  if (!isBridgeMode(rec.spec.network)) {
    throw new BerthError('FailedPrecondition', 'container sharing network namespace with another container or host cannot be connected to any other network');
  }
  if (net.name === DEFAULT_NETWORK && (o.aliases.length || o.ip)) {
    throw new BerthError('InvalidArgument', 'network-scoped alias and static IP are supported only for containers in user defined networks');
  }
  if (o.ip) checkStaticIp(net, o.ip);
  const ep = store.addEndpoint({ containerId: rec.id, networkId: net.id, aliases: o.aliases, staticIp: o.ip ?? '' });
  ctx.events.emit({ type: 'network', action: 'connect', id: net.id, attributes: { container: rec.id, name: net.name, type: 'bridge' } });
  const sb = store.sandbox(rec.id);
  if (!LIVE.has(rec.state.status) || !sb) return;
  const used = new Set(
    store
      .endpoints(rec.id)
      .map((e) => e.ifName)
      .filter(Boolean),
  );
  let i = 0;
  while (used.has(`eth${i}`)) i++;
  try {
    await attachEndpoint(ctx, rec.id, net, ep, [], `eth${i}`);
  } catch (e) {
    const cur = store.endpoints(rec.id).find((x) => x.networkId === net.id);
    if (cur) await detachEndpoint(ctx, rec.id, sb.netnsName, cur, []).catch(() => undefined);
    store.removeEndpoint(rec.id, net.id);
    throw e;
  }
  refreshDns(ctx);
}

/** `network disconnect`: detach now if running, and forget the endpoint. */
export async function disconnectContainer(ctx: EngineContext, netRef: string, ctrRef: string): Promise<void> {
  const store = networkStore(ctx);
  const net = store.lookup(netRef);
  const rec = ctx.containers.lookup(ctrRef);
  const ep = store.endpoints(rec.id).find((e) => e.networkId === net.id);
  if (!ep) throw new BerthError('FailedPrecondition', `container ${rec.id} is not connected to network ${net.name}`);
  const sb = store.sandbox(rec.id);
  if (sb) await detachEndpoint(ctx, rec.id, sb.netnsName, ep, sb.ports);
  store.removeEndpoint(rec.id, net.id);
  ctx.events.emit({ type: 'network', action: 'disconnect', id: net.id, attributes: { container: rec.id, name: net.name, type: 'bridge' } });
  refreshDns(ctx);
}
