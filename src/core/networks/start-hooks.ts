import fs from 'node:fs';
import os from 'node:os';
import { BerthError } from '../errors/index.js';
import type { EngineContext } from '../engine-context.js';
import type { ContainerRecord } from '../containers/container-record.js';
import { containerPaths } from '../containers/container-paths.js';
import { hostsFile, resolvConf } from '../containers/etc-files.js';
import { networkStarted, setUpNetwork, tearDownNetwork } from './sandbox.js';

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
    return { ...noop, networkNamespace: `/proc/${other.state.pid}/ns/net`, etcFiles: { hosts: op.hosts, resolvConf: op.resolvConf, hostname: containerPaths(ctx.paths, rec.id).hostname } };
  }
  const p = containerPaths(ctx.paths, rec.id);
  const setup = await setUpNetwork(ctx, rec, (primary) => {
    const s = rec.spec;
    fs.writeFileSync(p.hosts, hostsFile(s.hostname ?? os.hostname(), s.extraHosts, primary));
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
