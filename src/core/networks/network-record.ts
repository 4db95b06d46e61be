import type { PortSpec } from '../spec/container-spec.js';

/** A network as berth stores it (docker's NetworkResource, trimmed to what a bridge needs). */
export interface NetworkRecord {
  id: string;
  name: string;
  driver: 'bridge';
  /** the Linux bridge device: berth0 for the default network, berth-<id8> for the others */
  bridge: string;
  subnet: string;
  gateway: string;
  internal: boolean;
  labels: Record<string, string>;
  created: string;
  /** containers resolve each other by name: user-defined networks only, as in docker */
  dns: boolean;
  /** driver options as docker shows them (com.docker.network.bridge.name, …driver.mtu) */
  options?: Record<string, string>;
  /** --ip-range: the sub-range of the subnet containers get addresses from */
  ipRange?: string;
}

/** One container's membership of one network (docker's endpoint settings). */
export interface Endpoint {
  containerId: string;
  networkId: string;
  /** order of attachment: the first network carries the default route and the published ports */
  position: number;
  aliases: string[];
  /** --ip: the address asked for, '' for any */
  staticIp: string;
  /** the leased address while the container runs, '' when it does not */
  ip: string;
  mac: string;
  /** interface name inside the container while attached (eth0, eth1, …) */
  ifName: string;
  /** the CNI ADD result (JSON), handed back to DEL as prevResult; '' when not attached */
  cniResult: string;
}

/**
 * The network namespace of a running (or starting) container. The row is written before the
 * namespace exists, so every namespace, veth, lease and rule berth makes has a row that
 * tear-down and repair can find, even after kill -9.
 */
export interface Sandbox {
  containerId: string;
  netnsName: string;
  /** published ports with the host port actually bound (0 in the request resolved) */
  ports: PortSpec[];
  /** PID of the process tearing it down; 0 when nobody is */
  claimPid: number;
}

/** The name docker (and berth) gives its default network. */
export const DEFAULT_NETWORK = 'bridge';
export const DEFAULT_BRIDGE = 'berth0';
/** Not podman's 10.88.0.0/16 nor docker's 172.17.0.0/16, so the engines never fight over routes. */
export const DEFAULT_SUBNET = '10.90.0.0/24';
/** user-defined networks without --subnet get the next free /24 of this pool */
export const SUBNET_POOL = '10.90.0.0/16';
