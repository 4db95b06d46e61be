import type { EngineContext } from '../engine-context.js';
import { exposedPorts, type ContainerRecord } from '../containers/container-record.js';
import { isBridgeMode } from './endpoint-plan.js';
import { networkStore } from './store-for.js';

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
  if (sb) {
    for (const e of exposed) ports[e.includes('/') ? e : `${e}/tcp`] = null;
    for (const p of sb.ports) {
      const key = `${p.containerPort}/${p.protocol}`;
      (ports[key] ??= []).push({ HostIp: p.hostIp || '0.0.0.0', HostPort: String(p.hostPort) });
    }
  }
  const networks: Record<string, unknown> = {};
  let top = { IPAddress: '', Gateway: '', IPPrefixLen: 0, MacAddress: '' };
  if (isBridgeMode(rec.spec.network)) {
    for (const ep of store.endpoints(rec.id)) {
      const n = store.byId(ep.networkId);
      if (!n) continue;
      const prefix = Number(n.subnet.split('/')[1] ?? 0);
      const live = ep.ip !== '';
      networks[n.name] = {
        IPAMConfig: ep.staticIp ? { IPv4Address: ep.staticIp } : null,
        Links: null,
        Aliases: n.dns ? [...ep.aliases, rec.id.slice(0, 12)] : null,
        NetworkID: n.id,
        EndpointID: live ? rec.id.slice(0, 12) + n.id.slice(0, 12) : '',
        Gateway: live ? n.gateway : '',
        IPAddress: ep.ip,
        IPPrefixLen: live ? prefix : 0,
        IPv6Gateway: '',
        GlobalIPv6Address: '',
        GlobalIPv6PrefixLen: 0,
        MacAddress: ep.mac,
        DNSNames: live && n.dns ? [rec.name, ...ep.aliases, rec.id.slice(0, 12)] : null,
      };
      if (live && top.IPAddress === '') top = { IPAddress: ep.ip, Gateway: n.gateway, IPPrefixLen: prefix, MacAddress: ep.mac };
    }
  } else {
    networks[rec.spec.network] = { NetworkID: rec.spec.network, IPAddress: '', Gateway: '', MacAddress: '', Aliases: null };
  }
  return {
    Bridge: '',
    SandboxID: sb ? sb.netnsName : '',
    HairpinMode: false,
    Ports: ports,
    SandboxKey: sb ? `/run/netns/${sb.netnsName}` : rec.state.pid > 0 && rec.spec.network !== 'host' ? `/proc/${rec.state.pid}/ns/net` : '',
    ...top,
    Networks: networks,
  };
}
