import type { PortSpec } from '../spec/container-spec.js';
import type { NetworkRecord } from './network-record.js';
import { formatIPv4, parseSubnet, size } from './subnet.js';

/** host-local keeps its leases here: host-wide, since every berth root shares the default bridge. */
export const IPAM_DATA_DIR = '/run/berth-ipam';

export interface CniPluginConf {
  type: string;
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

export interface CniConfList {
  cniVersion: string;
  /** the bridge name: unique on the host, and the key of host-local's lease directory */
  name: string;
  plugins: CniPluginConf[];
}

/**
 * The CNI chain for one network, kept as short as the container needs (each plugin is an exec,
 * and firewall/portmap each run several iptables commands):
 * - bridge (+ host-local IPAM): veth, address and routes;
 * - portmap, only when the container publishes ports: DNAT plus the localhost SNAT that makes a
 *   port published on 127.0.0.1 answer (it sets route_localnet on the bridge).
 * Outbound NAT, forwarding and isolation between networks are per-network rules berth installs
 * once (host-rules.ts): the firewall plugin and per-container ipMasq cost ~100 ms a container.
 */
export function cniConfList(net: NetworkRecord, opts: { ports: boolean; ipamDir?: string }): CniConfList {
  const plugins: CniPluginConf[] = [
    {
      type: 'bridge',
      bridge: net.bridge,
      ...(net.options?.['com.docker.network.driver.mtu'] ? { mtu: Number(net.options['com.docker.network.driver.mtu']) } : {}),
      isGateway: true,
      isDefaultGateway: false,
      // outbound NAT is one rule per network (host-rules.ts), not one per container
      ipMasq: false,
      hairpinMode: true,
      capabilities: { ips: true },
      ipam: {
        type: 'host-local',
        dataDir: opts.ipamDir ?? IPAM_DATA_DIR,
        ranges: [[{ subnet: net.subnet, gateway: net.gateway, ...ipRange(net) }]],
        // an internal network gets no default route: nothing outside its subnet is reachable
        routes: net.internal ? [] : [{ dst: '0.0.0.0/0' }],
      },
    },
  ];
  if (opts.ports) plugins.push({ type: 'portmap', capabilities: { portMappings: true }, snat: true });
  // forwarding and isolation are per-network rules installed once (host-rules.ts): the firewall
  // plugin ran ~17 iptables commands per container start
  return { cniVersion: '1.0.0', name: net.bridge, plugins };
}

/** The portMappings capability argument (CNI conventions) for a container's published ports. */
export function portMappings(
  ports: PortSpec[],
  opts: { anyAddress?: boolean } = {},
): Array<{ hostPort: number; containerPort: number; protocol: string; hostIP?: string }> {
  return ports.map((p) => ({
    hostPort: p.hostPort,
    containerPort: p.containerPort,
    protocol: p.protocol,
    // rootless: the host address is slirp4netns's to bind; in the user's network namespace the
    // connection arrives on its tap device's address, whichever host address it came to
    ...(p.hostIp && p.hostIp !== '0.0.0.0' && !opts.anyAddress ? { hostIP: p.hostIp } : {}),
  }));
}

/** host-local's rangeStart/rangeEnd for --ip-range: its addresses, less the subnet's own ends. */
function ipRange(net: NetworkRecord): { rangeStart?: string; rangeEnd?: string } {
  if (!net.ipRange) return {};
  const subnet = parseSubnet(net.subnet);
  const r = parseSubnet(net.ipRange);
  const first = Math.max(r.base, subnet.base + 1);
  const last = Math.min(r.base + size(r) - 1, subnet.base + size(subnet) - 2);
  return { rangeStart: formatIPv4(first), rangeEnd: formatIPv4(last) };
}
