import fs from 'node:fs';
import path from 'node:path';
import linux from 'berth-linux';
import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import { lockFile } from '../host/lock.js';
import { rootlessNetFiles } from '../networks/net-host.js';
import { deleteNetns } from '../networks/netns.js';
import type { PortSpec } from '../spec/container-spec.js';
import { trace } from '../trace.js';
import { freeHostPort, killRecorded, launchSlirp, recordedAlive, slirpApi, slirpProgram, SLIRP_ADDRESS } from './slirp.js';

/**
 * User-defined networks of an ordinary user, as podman's "rootless netns": one network namespace
 * of the user's own (made by the user's namespace root, so the user owns it) holds the bridges of
 * all the user's networks, their iptables rules, leases and DNS server (aardvark-dns), exactly as
 * root's networks have them on the host. Each container on such a network has its own namespace
 * with a veth to the bridge, so containers reach each other by address and, through the DNS
 * server on the bridge's gateway, by name. One slirp4netns connects this namespace to the host
 * (outbound traffic is NATed to its tap device), and `-p` is a slirp4netns forward of the host
 * port to the same port on the tap device's address, which the portmap plugin's DNAT sends on to
 * the container. Made on first use, removed with its slirp4netns when no container uses it.
 */

async function withNetnsLock<T>(ctx: Pick<EngineContext, 'paths'>, fn: () => Promise<T> | T): Promise<T> {
  const f = rootlessNetFiles(ctx.paths.runRoot);
  fs.mkdirSync(f.dir, { recursive: true, mode: 0o700 });
  const lock = await lockFile(f.lock);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/**
 * The user's network namespace and its slirp4netns, made when missing. The caller has recorded
 * its container's sandbox before: releaseRootlessNetns sees it and keeps the namespace.
 */
export async function ensureRootlessNetns(ctx: Pick<EngineContext, 'paths'>): Promise<void> {
  const f = rootlessNetFiles(ctx.paths.runRoot);
  // always under the lock (two syscalls): a removal that began before this container's sandbox
  // was recorded finishes first, and the namespace is then made again here
  await withNetnsLock(ctx, async () => {
    const slirpUp = recordedAlive(f.slirpPid);
    let made: boolean;
    try {
      made = linux.netnsCreate(f.netns);
    } catch (e) {
      throw new BerthError('Internal', `creating the rootless network namespace: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (slirpUp && !made) return;
    // a new namespace has none of the rules a marker says were installed, and none of the
    // interfaces the leases were for (a namespace goes only with every process of the user's)
    if (made) {
      fs.rmSync(f.markers, { recursive: true, force: true });
      fs.rmSync(f.ipam, { recursive: true, force: true });
    }
    killRecorded(f.slirpPid);
    trace('rootless netns slirp4netns begin');
    const ok = await launchSlirp(slirpProgram(), ['--netns-type=path', f.netns], f.slirpSocket, f.slirpPid);
    trace('rootless netns slirp4netns end');
    if (!ok) {
      killRecorded(f.slirpPid);
      throw new BerthError('Unavailable', 'slirp4netns could not connect the rootless network namespace to the host');
    }
  });
}

/**
 * Remove the user's network namespace and stop its slirp4netns once no container has a network
 * sandbox left (`inUse` is asked under the lock, which every set-up takes after recording its
 * sandbox, so none is removed under a container that is joining).
 */
export async function releaseRootlessNetns(ctx: Pick<EngineContext, 'paths'>, inUse: () => boolean): Promise<void> {
  const f = rootlessNetFiles(ctx.paths.runRoot);
  if (!fs.existsSync(f.netns) && !fs.existsSync(f.slirpPid)) return;
  await withNetnsLock(ctx, () => {
    if (inUse()) return;
    killRecorded(f.slirpPid);
    fs.rmSync(f.slirpPid, { force: true });
    fs.rmSync(f.slirpSocket, { force: true });
    deleteNetns(path.basename(f.netns), path.dirname(f.netns));
    fs.rmSync(f.markers, { recursive: true, force: true });
  });
}

interface Forward {
  id: number;
  port: PortSpec;
}

function forwardsFile(ctx: Pick<EngineContext, 'paths'>, id: string): string {
  return path.join(ctx.paths.runContainers, id, 'rootless-fwd.json');
}

/**
 * Publish a container's ports on the host: slirp4netns of the user's namespace listens on each
 * host port and forwards it to the same port of its tap address, where the portmap plugin's DNAT
 * leads to the container. The forwards' ids are kept for unpublishPorts.
 */
export async function publishPorts(ctx: Pick<EngineContext, 'paths'>, id: string, ports: readonly PortSpec[]): Promise<void> {
  if (ports.length === 0) return;
  const f = rootlessNetFiles(ctx.paths.runRoot);
  const done: Forward[] = [];
  const file = forwardsFile(ctx, id);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    for (const p of ports) {
      if (p.protocol === 'sctp')
        throw new BerthError('InvalidArgument', 'publishing an sctp port is not available to rootless containers (slirp4netns forwards tcp and udp)');
      const hostPort = p.hostPort || (await freeHostPort());
      const r = (await slirpApi(f.slirpSocket, {
        execute: 'add_hostfwd',
        arguments: { proto: p.protocol, host_addr: p.hostIp || '0.0.0.0', host_port: hostPort, guest_addr: SLIRP_ADDRESS.ip, guest_port: hostPort },
      })) as { id?: number } | undefined;
      done.push({ id: Number(r?.id), port: { ...p, hostPort } });
      fs.writeFileSync(file, JSON.stringify(done));
    }
  } catch (e) {
    await unpublishPorts(ctx, id);
    throw e;
  }
}

/** Take back the forwards publishPorts made for a container (gone ones are fine). */
export async function unpublishPorts(ctx: Pick<EngineContext, 'paths'>, id: string): Promise<void> {
  const file = forwardsFile(ctx, id);
  let fwds: Forward[];
  try {
    fwds = JSON.parse(fs.readFileSync(file, 'utf8')) as Forward[];
  } catch {
    return;
  }
  const f = rootlessNetFiles(ctx.paths.runRoot);
  for (const fw of fwds) {
    if (!Number.isInteger(fw.id)) continue;
    await slirpApi(f.slirpSocket, { execute: 'remove_hostfwd', arguments: { id: fw.id } }).catch(() => undefined);
  }
  fs.rmSync(file, { force: true });
}
