import fs from 'node:fs';
import os from 'node:os';
import { BerthError } from '../errors/index.js';
import type { EngineContext } from '../engine-context.js';
import type { ContainerRecord } from '../containers/container-record.js';
import { containerPaths } from '../containers/container-paths.js';
import { hostsFile, resolvConf } from '../containers/etc-files.js';
import { networkStarted, setUpNetwork, tearDownNetwork } from './sandbox.js';
import { networkStore } from './store-for.js';

/** What startContainer needs from networks, in one object so start.ts stays short. */
export interface StartNetwork {
  /** the network namespace to join instead of creating one */
  networkNamespace?: string;
  /** /etc files to bind instead of the container's own (container:NAME shares the other's) */
  etcFiles?: { hosts?: string; resolvConf?: string; hostname?: string };
  /** set up the data plane (CNI), in the background: call once the runtime is creating */
  launch(): void;
  /** wait for the data plane before the process starts */
  ready(): Promise<void>;
  /** after the process started; `callerFinalizes`: the caller runs finalizeExit when it ends */
  started(rec: ContainerRecord, opts?: { callerFinalizes?: boolean }): Promise<void>;
  /** undo after a failed start */
  abort(): Promise<void>;
}

/**
 * Network part of `start`: prepares the namespace and launches the CNI chain (it runs while conmon
 * and runc create the container), rewrites /etc/hosts and resolv.conf once the address is known.
 */
export async function networkForStart(ctx: EngineContext, rec: ContainerRecord): Promise<StartNetwork> {
  const mode = rec.spec.network;
  const noop = { launch: () => undefined, ready: async () => undefined, started: async () => undefined, abort: async () => undefined };
  if (mode.startsWith('container:')) {
    const other = ctx.containers.lookup(mode.slice('container:'.length));
    if (other.state.status !== 'running' && other.state.status !== 'paused') {
      throw new BerthError('FailedPrecondition', `cannot join network of a non running container: ${other.name}`);
    }
    const op = containerPaths(ctx.paths, other.id);
    return {
      ...noop,
      networkNamespace: `/proc/${other.state.pid}/ns/net`,
      etcFiles: { hosts: op.hosts, resolvConf: op.resolvConf, hostname: containerPaths(ctx.paths, rec.id).hostname },
    };
  }
  const p = containerPaths(ctx.paths, rec.id);
  const setup = await setUpNetwork(ctx, rec, (primary) => {
    const s = rec.spec;
    fs.writeFileSync(p.hosts, hostsFile(s.hostname ?? os.hostname(), [...s.extraHosts, ...linkHosts(ctx, s.links ?? [])], primary));
    // user-defined networks resolve container names through aardvark-dns on their gateway
    if (primary.dns && s.dns.length === 0) fs.writeFileSync(p.resolvConf, resolvConf([primary.gateway], s.dnsSearch, s.dnsOptions));
  });
  if (!setup) return noop;
  return {
    networkNamespace: setup.namespacePath,
    launch: () => void setup.attach(),
    ready: () => setup.attach(),
    started: (r, o) => networkStarted(ctx, r, o),
    abort: async () => {
      await setup.launched()?.catch(() => undefined);
      await tearDownNetwork(ctx, rec.id).catch(() => undefined);
    },
  };
}

/**
 * docker's legacy --link NAME[:ALIAS]: a hosts line `IP ALIAS SHORT-ID NAME` for each linked
 * container, at its address as this one starts (in --add-host's `names:ip` form).
 */
function linkHosts(ctx: EngineContext, links: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of links) {
    const [name, alias] = l.split(':') as [string, string | undefined];
    let other: ContainerRecord;
    try {
      other = ctx.containers.lookup(name);
    } catch {
      continue; // removed since: docker drops the link too
    }
    const ip = networkStore(ctx)
      .endpoints(other.id)
      .find((e) => e.ip)?.ip;
    if (!ip) continue;
    out.push(`${[...new Set([alias ?? other.name, other.id.slice(0, 12), other.name])].join(' ')}:${ip}`);
  }
  return out;
}
