import type { PortSpec } from '../spec/container-spec.js';
import type { NetworkRecord } from './network-record.js';

/** host-local keeps its leases here: host-wide, since every berth root shares the default bridge. */
export const IPAM_DATA_DIR = '/run/berth-ipam';
/** the firewall plugin's admin chain: berth's own name (its other chains are CNI-* fixed names) */
export const ADMIN_CHAIN = 'BERTH-ADMIN';

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
 * - bridge (+ host-local IPAM): veth, address, routes, and outbound NAT unless internal;
 * - portmap, only when the container publishes ports: DNAT plus the localhost SNAT that makes a
 *   port published on 127.0.0.1 answer (it sets route_localnet on the bridge);
 * - firewall: FORWARD accepts (hosts whose FORWARD policy is DROP, as docker sets it) and, with
 *   ingressPolicy same-bridge, docker's isolation between networks: traffic from one berth
 *   network to another is dropped, so an internal network cannot leave through the published
 *   port of a container elsewhere.
 */
export function cniConfList(net: NetworkRecord, opts: { ports: boolean }): CniConfList {
  const plugins: CniPluginConf[] = [
    {
      type: 'bridge',
      bridge: net.bridge,
      isGateway: true,
      isDefaultGateway: false,
      ipMasq: !net.internal,
      hairpinMode: true,
      capabilities: { ips: true },
      ipam: {
        type: 'host-local',
        dataDir: IPAM_DATA_DIR,
        ranges: [[{ subnet: net.subnet, gateway: net.gateway }]],
        // an internal network gets no default route: nothing outside its subnet is reachable
        routes: net.internal ? [] : [{ dst: '0.0.0.0/0' }],
      },
    },
  ];
  if (opts.ports) plugins.push({ type: 'portmap', capabilities: { portMappings: true }, snat: true });
  plugins.push({ type: 'firewall', backend: 'iptables', iptablesAdminChainName: ADMIN_CHAIN, ingressPolicy: 'same-bridge' });
  return { cniVersion: '1.0.0', name: net.bridge, plugins };
}

/** The portMappings capability argument (CNI conventions) for a container's published ports. */
export function portMappings(ports: PortSpec[]): Array<{ hostPort: number; containerPort: number; protocol: string; hostIP?: string }> {
  return ports.map((p) => ({
    hostPort: p.hostPort,
    containerPort: p.containerPort,
    protocol: p.protocol,
    ...(p.hostIp && p.hostIp !== '0.0.0.0' ? { hostIP: p.hostIp } : {}),
  }));
}
