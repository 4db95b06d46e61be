import { BerthError } from '../../errors/index.js';
import type { SpecLinux } from '../../oci/types.js';
import type { ContainerSpec } from '../container-spec.js';
import type { HostFacts } from '../host-facts.js';

type Namespace = NonNullable<SpecLinux['namespaces']>[number];

/** Namespaces to join instead of creating, by runtime-spec type (e.g. network: "/run/netns/x"). */
export type NamespacePaths = Partial<Record<'pid' | 'network' | 'ipc' | 'uts' | 'cgroup', string>>;

function one(type: keyof NamespacePaths, mode: string | undefined, paths: NamespacePaths, flag: string): Namespace | undefined {
  if (mode === 'host') return undefined;
  const path = paths[type];
  if (path) return { type, path };
  if (mode?.startsWith('container:')) {
    throw new BerthError('InvalidArgument', `${flag} "${mode}" needs the other container's namespace path`);
  }
  return { type };
}

/**
 * linux.namespaces: new pid, network, ipc, uts and mount namespaces, minus those the user shares
 * with the host (--pid/--ipc/--uts host, --network host). A cgroup namespace only on cgroup v2
 * hosts, as docker does: on v1 docker's default is the host's cgroup namespace, and tools inside
 * v1 containers expect to see their full cgroup paths. --cgroupns host|private overrides that.
 */
export function namespaces(spec: ContainerSpec, host: HostFacts, paths: NamespacePaths = {}): Namespace[] {
  const out: Array<Namespace | undefined> = [
    one('pid', spec.pidMode, paths, '--pid'),
    one('network', spec.network === 'host' ? 'host' : spec.network.startsWith('container:') ? spec.network : undefined, paths, '--network'),
    one('ipc', spec.ipcMode, paths, '--ipc'),
    one('uts', spec.utsMode, paths, '--uts'),
    { type: 'mount' },
  ];
  const privateCgroups = spec.cgroupnsMode === undefined ? host.cgroupVersion === 2 : spec.cgroupnsMode === 'private';
  if (privateCgroups || paths.cgroup) out.push(paths.cgroup ? { type: 'cgroup', path: paths.cgroup } : { type: 'cgroup' });
  return out.filter((n): n is Namespace => n !== undefined);
}
