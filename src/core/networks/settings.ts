import type { EngineContext } from '../engine-context.js';
import { exposedPorts, type ContainerRecord } from '../containers/container-record.js';
import { isBridgeMode } from './endpoint-plan.js';
import { netHost } from './net-host.js';
import { netnsPath } from './netns.js';
import { networkStore } from './store-for.js';
import { isSlirp, slirpPorts, SLIRP_ADDRESS } from '../rootless/slirp.js';

type Bindings = Record<string, Array<{ HostIp: string; HostPort: string }> | null>;

/**
 * docker inspect's NetworkSettings for a container: one entry per network with its address while
 * running, the published ports as bound (host port 0 resolved), and the top-level fields docker
 * fills from the default network.
 */
export function containerNetworkSettings(ctx: EngineContext, rec: ContainerRecord): Record<string, unknown> {
  const store = networkStore(ctx);
  const sb = store.sandbox(rec.id);
  const ports: Bindings = {};
  const exposed = exposedPorts(rec);
  const slirp = isSlirp(rec.spec.network) ? slirpPorts(ctx, rec.id) : undefined;
  const bound = sb?.ports ?? slirp;
  if (bound) {
    for (const e of exposed) ports[e.includes('/') ? e : `${e}/tcp`] = null;
    for (const p of bound) {
      const key = `${p.containerPort}/${p.protocol}`;
      (ports[key] ??= []).push({ HostIp: p.hostIp || '0.0.0.0', HostPort: String(p.hostPort) });
    }
  }
  const { networks, top } = containerNetworkEntries(ctx, rec, slirp);
  return {
    Bridge: '',
    SandboxID: sb ? sb.netnsName : '',
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    Ports: ports,
    SandboxKey: sb ? netnsPath(sb.netnsName, netHost(ctx).netnsDir) : rec.state.pid > 0 && rec.spec.network !== 'host' ? `/proc/${rec.state.pid}/ns/net` : '',
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    ...top,
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPv6Gateway: '',
    Networks: networks,
  };
}

interface NetworkTop {
  EndpointID: string;
  IPAddress: string;
  Gateway: string;
  IPPrefixLen: number;
  MacAddress: string;
}

/**
 * NetworkSettings.Networks of a container (docker's container list shows it too), and the
 * fields of its first live endpoint that docker repeats at the top of NetworkSettings.
 * `slirp`: a rootless container's ports on slirp4netns, when it has them.
 */
export function containerNetworkEntries(
  ctx: EngineContext,
  rec: ContainerRecord,
  slirp = isSlirp(rec.spec.network) ? slirpPorts(ctx, rec.id) : undefined,
): { networks: Record<string, unknown>; top: NetworkTop } {
  const store = networkStore(ctx);
  const networks: Record<string, unknown> = {};
  let top: NetworkTop = { EndpointID: '', IPAddress: '', Gateway: '', IPPrefixLen: 0, MacAddress: '' };
  if (isBridgeMode(rec.spec.network)) {
    for (const ep of store.endpoints(rec.id)) {
      const n = store.byId(ep.networkId);
      if (!n) continue;
      const prefix = Number(n.subnet.split('/')[1] ?? 0);
      const live = ep.ip !== '';
      const endpointId = live ? rec.id.slice(0, 12) + n.id.slice(0, 12) : '';
      networks[n.name] = {
        IPAMConfig: ep.staticIp ? { IPv4Address: ep.staticIp } : null,
        Links: null,
        Aliases: n.dns ? [...ep.aliases, rec.id.slice(0, 12)] : null,
        NetworkID: n.id,
        EndpointID: endpointId,
        Gateway: live ? n.gateway : '',
        IPAddress: ep.ip,
        IPPrefixLen: live ? prefix : 0,
        IPv6Gateway: '',
        GlobalIPv6Address: '',
        GlobalIPv6PrefixLen: 0,
        MacAddress: ep.mac,
        DriverOpts: null,
        DNSNames: live && n.dns ? [rec.name, ...ep.aliases, rec.id.slice(0, 12)] : null,
      };
      if (live && top.IPAddress === '') top = { EndpointID: endpointId, IPAddress: ep.ip, Gateway: n.gateway, IPPrefixLen: prefix, MacAddress: ep.mac };
    }
  } else if (slirp) {
    // a running rootless container on slirp4netns: its fixed address there
    const a = SLIRP_ADDRESS;
    networks[rec.spec.network] = {
      IPAMConfig: null,
      Links: null,
      Aliases: null,
      NetworkID: rec.spec.network,
      EndpointID: '',
      Gateway: a.gateway,
      IPAddress: a.ip,
      IPPrefixLen: a.prefixLen,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      MacAddress: '',
      DriverOpts: null,
    };
    top = { EndpointID: '', IPAddress: a.ip, Gateway: a.gateway, IPPrefixLen: a.prefixLen, MacAddress: '' };
  } else {
    networks[rec.spec.network] = {
      IPAMConfig: null,
      Links: null,
      Aliases: null,
      NetworkID: rec.spec.network,
      EndpointID: '',
      Gateway: '',
      IPAddress: '',
      IPPrefixLen: 0,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      MacAddress: '',
      DriverOpts: null,
    };
  }
  return { networks, top };
}
