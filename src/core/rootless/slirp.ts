import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import { spawnChild } from '../host/spawn.js';
import { readProcStartTime } from '../runtime/process-util.js';
import type { PortSpec } from '../spec/container-spec.js';
import { findProgram } from './pause.js';
import { rootlessMode } from './mode.js';

/**
 * The network of a rootless container: its own network namespace (made by the runtime) with a
 * tap device that slirp4netns, a user-mode TCP/IP stack, connects to the host's network without
 * privileges (10.0.2.100/24, gateway 10.0.2.2, DNS 10.0.2.3, as podman's). `-p` ports are
 * forwarded by slirp4netns itself (its API socket's add_hostfwd): it listens on the host's port.
 * One slirp4netns per container, left running with it, stopped when its network is torn down.
 */
export const SLIRP_NETWORK = 'slirp4netns';

/**
 * The network a rootless container gets for what was asked: the default one is slirp4netns;
 * a user-defined network (one the user made) is a bridge in the user's network namespace
 * (rootless-netns.ts).
 */
export function rootlessNetwork(network: string): string {
  if (network === 'bridge' || network === 'default' || network === SLIRP_NETWORK) return SLIRP_NETWORK;
  return network;
}

/** Whether this process runs a rootless container's network through slirp4netns. */
export function isSlirp(network: string): boolean {
  return network === SLIRP_NETWORK && rootlessMode() !== undefined;
}

/** The container's address on its slirp4netns network, and the gateway (podman's defaults). */
export const SLIRP_ADDRESS = { ip: '10.0.2.100', gateway: '10.0.2.2', prefixLen: 24 };

function files(ctx: EngineContext, id: string): { pid: string; socket: string; ports: string } {
  const dir = path.join(ctx.paths.runContainers, id);
  return { pid: path.join(dir, 'slirp.pid'), socket: path.join(ctx.paths.sockets, `${id.slice(0, 16)}.slirp`), ports: path.join(dir, 'slirp.ports') };
}

/** The ports slirp4netns forwards for a running container (host port 0 resolved), or undefined. */
export function slirpPorts(ctx: EngineContext, id: string): PortSpec[] | undefined {
  try {
    return JSON.parse(fs.readFileSync(files(ctx, id).ports, 'utf8')) as PortSpec[];
  } catch {
    return undefined;
  }
}

/** /dev/net/tun usable by this user, or a one-line error naming the fix. */
export function checkTun(tun = '/dev/net/tun'): void {
  try {
    fs.accessSync(tun, fs.constants.R_OK | fs.constants.W_OK);
  } catch {
    let mode = '';
    try {
      mode = ` (it is mode ${(fs.statSync(tun).mode & 0o777).toString(8).padStart(4, '0')})`;
    } catch {
      mode = ' (it does not exist)';
    }
    throw new BerthError(
      'FailedPrecondition',
      `rootless networking needs ${tun} usable by users${mode}: as root, chmod 0666 ${tun}; or use --network none|host`,
    );
  }
}

/**
 * Connect the network namespace of the container whose pid 1 is `pid` to the host through
 * slirp4netns, and forward its published ports. Returns once the tap device is configured.
 */
export async function startSlirp(ctx: EngineContext, id: string, pid: number, ports: readonly PortSpec[]): Promise<void> {
  const program = slirpProgram();
  const f = files(ctx, id);
  stopSlirp(ctx, id);
  const ok = await launchSlirp(program, [String(pid)], f.socket, f.pid);
  if (!ok) {
    stopSlirp(ctx, id);
    throw new BerthError('Unavailable', `slirp4netns could not connect the container's network namespace (pid ${pid}) to the host`);
  }
  const bound: PortSpec[] = [];
  for (const p of ports) {
    if (p.protocol === 'sctp')
      throw new BerthError('InvalidArgument', 'publishing an sctp port is not available to rootless containers (slirp4netns forwards tcp and udp)');
    const hostPort = p.hostPort || (await freeHostPort());
    await slirpApi(f.socket, {
      execute: 'add_hostfwd',
      arguments: { proto: p.protocol, host_addr: p.hostIp || '0.0.0.0', host_port: hostPort, guest_port: p.containerPort },
    });
    bound.push({ ...p, hostPort });
  }
  // for ps, port and inspect
  fs.writeFileSync(f.ports, JSON.stringify(bound));
}

/**
 * Start slirp4netns on `target` (a pid, or `--netns-type=path FILE`), left running on its own,
 * its pid and start time written to pidFile; true once it says the tap device is configured.
 */
export async function launchSlirp(program: string, target: readonly string[], socket: string, pidFile: string): Promise<boolean> {
  fs.rmSync(socket, { force: true });
  const child = spawnChild(program, ['--configure', '--mtu=65520', '--disable-host-loopback', `--api-socket=${socket}`, '--ready-fd=3', ...target, 'tap0'], {
    fds: ['ignore', 'ignore', 'ignore', 'out'],
    detached: true,
    reap: 'later',
  });
  const ready = child.stdio[3];
  const ok = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    ready?.once('data', () => {
      clearTimeout(timer);
      resolve(true);
    });
    ready?.once('end', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  ready?.destroy();
  fs.writeFileSync(pidFile, `${child.pid} ${readProcStartTime(child.pid) ?? 0}`);
  return ok;
}

/** The slirp4netns program, or a one-line error naming the fix (and /dev/net/tun checked). */
export function slirpProgram(): string {
  checkTun();
  const program = findProgram('slirp4netns');
  if (!program)
    throw new BerthError(
      'FailedPrecondition',
      'rootless networking needs slirp4netns, which is not installed: as root, apt-get install slirp4netns; or use --network none|host',
    );
  return program;
}

/** A port the host's kernel says is free now (for -p with no host port). */
export async function freeHostPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '0.0.0.0', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** One request on slirp4netns's API socket; its error becomes a BerthError. */
export async function slirpApi(socket: string, request: unknown): Promise<unknown> {
  const reply = await new Promise<string>((resolve, reject) => {
    const c = net.connect(socket);
    let text = '';
    c.once('error', reject);
    c.on('data', (d: Buffer) => (text += d.toString()));
    c.once('end', () => resolve(text));
    c.once('connect', () => c.end(JSON.stringify(request)));
  });
  let parsed: { return?: unknown; error?: { desc?: string } };
  try {
    parsed = JSON.parse(reply) as typeof parsed;
  } catch {
    throw new BerthError('Internal', `slirp4netns answered ${JSON.stringify(reply)}`);
  }
  if (parsed.error) throw new BerthError('Unavailable', `publishing a port through slirp4netns: ${parsed.error.desc ?? JSON.stringify(parsed.error)}`);
  return parsed.return;
}

/** Stop the container's slirp4netns (by the pid recorded, if it is still that process). */
export function stopSlirp(ctx: EngineContext, id: string): void {
  const f = files(ctx, id);
  if (!killRecorded(f.pid)) return;
  fs.rmSync(f.pid, { force: true });
  fs.rmSync(f.socket, { force: true });
  fs.rmSync(f.ports, { force: true });
}

/** SIGTERM to the process a pid file names (`PID STARTTIME`), if it is still that one; false without a pid file. */
export function killRecorded(pidFile: string): boolean {
  let text = '';
  try {
    text = fs.readFileSync(pidFile, 'utf8');
  } catch {
    return false;
  }
  const [p, t] = text.trim().split(' ');
  const pid = Number(p);
  if (Number.isInteger(pid) && pid > 0 && String(readProcStartTime(pid)) === t) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
  }
  return true;
}

/** Whether the process a pid file names is alive and still that process. */
export function recordedAlive(pidFile: string): boolean {
  try {
    const [p, t] = fs.readFileSync(pidFile, 'utf8').trim().split(' ');
    const pid = Number(p);
    return Number.isInteger(pid) && pid > 0 && String(readProcStartTime(pid)) === t && !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
