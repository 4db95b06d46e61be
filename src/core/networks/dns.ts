import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from '../runtime/process-util.js';
import { tryLockFile } from '../host/lock.js';

/**
 * Name resolution between containers of a user-defined network is served by aardvark-dns
 * (Debian package aardvark-dns, podman's resolver). Why this one: it is daemonless-friendly by
 * design (started on demand, re-reads its config on SIGHUP, holds no state of its own), it is
 * authoritative only for the containers it is told about and answers only a querying container
 * on the same network, it forwards every other name to the host's resolvers, and it costs ~3 MiB.
 * dnsmasq per network would need one process per network and hosts-file plumbing for the same.
 *
 * berth runs one aardvark-dns per run root, listening on port 53 of each user network's gateway,
 * with config files derived from the database (one per network: gateway on the first line, then
 * `id ipv4 ipv6 names`), so a DNS entry can never outlive the endpoint it describes.
 */
const CANDIDATES = ['/usr/lib/podman/aardvark-dns', '/usr/libexec/podman/aardvark-dns', '/usr/local/libexec/podman/aardvark-dns'];

export function aardvarkPath(): string | undefined {
  const env = process.env['BERTH_AARDVARK'];
  return [env, ...CANDIDATES].find((p): p is string => !!p && fs.existsSync(p));
}

export interface DnsNetwork {
  /** file name: the network's bridge (unique on the host) */
  key: string;
  gateway: string;
  entries: Array<{ containerId: string; ip: string; names: string[] }>;
}

/** aardvark-dns 1.4's config file for one network. */
export function aardvarkConfig(n: DnsNetwork): string {
  const lines = [n.gateway];
  for (const e of n.entries) lines.push(`${e.containerId} ${e.ip}  ${[...new Set(e.names)].join(',')}`);
  return `${lines.join('\n')}\n`;
}

function readPid(dir: string): number {
  try {
    return Number(fs.readFileSync(path.join(dir, 'aardvark.pid'), 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

/**
 * Make the resolver match `nets` (the networks with at least one running container): rewrite the
 * config files, then start aardvark-dns, or tell it to reload, or stop it when nothing is left.
 */
export function syncDns(dir: string, nets: DnsNetwork[] | (() => DnsNetwork[]), enter: readonly string[] = []): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // one process at a time: two that both found no server running started one each, and the one
  // whose pid file was overwritten served on, unknown to berth, after its network was gone
  // (beside the config dir: aardvark-dns reads every file in it as a network's)
  const lockPath = `${dir}.lock`;
  let lock = tryLockFile(lockPath);
  for (let i = 0; !lock && i < 1000; i++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    lock = tryLockFile(lockPath);
  }
  if (!lock) return; // best effort, as before: the next change of the network brings it in line
  try {
    // the view is read under the lock: one read before it could be older than the files another
    // process wrote meanwhile, and would take their newest entries out again
    syncLocked(dir, typeof nets === 'function' ? nets() : nets, enter);
  } finally {
    lock.release();
  }
}

function syncLocked(dir: string, nets: DnsNetwork[], enter: readonly string[]): void {
  const want = new Map(nets.filter((n) => n.entries.length > 0).map((n) => [n.key, aardvarkConfig(n)]));
  let changed = false;
  for (const f of fs.readdirSync(dir)) {
    if (f === 'aardvark.pid' || f.startsWith('.')) continue;
    if (!want.has(f)) {
      fs.rmSync(path.join(dir, f), { force: true });
      changed = true;
    }
  }
  for (const [key, text] of want) {
    const file = path.join(dir, key);
    let cur = '';
    try {
      cur = fs.readFileSync(file, 'utf8');
    } catch {
      /* new network */
    }
    if (cur === text) continue;
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
    changed = true;
  }
  const pid = readPid(dir);
  const running = pid > 0 && isProcessAlive(pid) && isAardvark(pid);
  if (want.size === 0) {
    if (running) process.kill(pid, 'SIGTERM');
    fs.rmSync(path.join(dir, 'aardvark.pid'), { force: true });
    return;
  }
  if (running) {
    if (changed) process.kill(pid, 'SIGHUP');
    return;
  }
  const bin = aardvarkPath();
  if (!bin) return;
  // `run` forks the server and returns once it listens
  // rootless: in the user's network namespace, where the bridges and their gateways are
  const [cmd, ...args] = [...enter, bin, '--config', dir, '-p', '53', 'run'];
  spawnSync(cmd as string, args, { stdio: 'ignore' });
}

function isAardvark(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('aardvark-dns');
  } catch {
    return false;
  }
}
