import { BerthError } from '../errors/index.js';
import { isSlirp } from '../rootless/slirp.js';
import type { EngineContext } from '../engine-context.js';
import type { ContainerSpec } from '../spec/container-spec.js';
import { DEFAULT_NETWORK } from './network-record.js';
import type { NetworkRecord } from './network-record.js';
import { networkStore } from './store-for.js';
import { contains, isUsableHost, parseIPv4, parseSubnet } from './subnet.js';

/** What a container asks of its network mode: its own namespace on a berth network, or not. */
export function isBridgeMode(network: string): boolean {
  // a rootless container's default network is slirp4netns, no berth network
  return network !== 'none' && network !== 'host' && !network.startsWith('container:') && !isSlirp(network);
}

export interface PlannedEndpoint {
  network: NetworkRecord;
  aliases: string[];
  staticIp: string;
}

/**
 * Check a new container's network flags against the networks that exist (docker's rules:
 * --ip and --network-alias only on user-defined networks, --ip inside the subnet), before
 * anything is created. Returns the endpoint to record, or undefined for none/host/container:.
 */
export function planEndpoint(ctx: EngineContext, spec: ContainerSpec): PlannedEndpoint | undefined {
  const aliases = spec.networkAliases ?? [];
  const ip = spec.ip ?? '';
  if (!isBridgeMode(spec.network)) {
    if (aliases.length) throw new BerthError('InvalidArgument', 'network-scoped alias is supported only for containers in user defined networks');
    if (ip) throw new BerthError('InvalidArgument', 'user specified IP address is supported on user defined networks only');
    if (spec.network.startsWith('container:')) ctx.containers.lookup(spec.network.slice('container:'.length));
    return undefined;
  }
  const network = networkStore(ctx).lookup(spec.network);
  if (network.name === DEFAULT_NETWORK) {
    if (aliases.length) throw new BerthError('InvalidArgument', 'network-scoped alias is supported only for containers in user defined networks');
    if (ip) throw new BerthError('InvalidArgument', 'user specified IP address is supported on user defined networks only');
  }
  if (ip) checkStaticIp(network, ip);
  return { network, aliases, staticIp: ip };
}

export function checkStaticIp(network: NetworkRecord, ip: string): void {
  const n = parseIPv4(ip);
  if (n === undefined) throw new BerthError('InvalidArgument', `invalid IPv4 address: ${ip}`);
  const s = parseSubnet(network.subnet);
  if (!contains(s, n) || !isUsableHost(s, n) || ip === network.gateway) {
    throw new BerthError('InvalidArgument', `invalid address ${ip}: it does not belong to any of this network's subnets (${network.subnet}) or is reserved`);
  }
}
