import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import type { EngineContext } from '../engine-context.js';
import { rootlessMode } from '../rootless/mode.js';
import { findProgram } from '../rootless/pause.js';
import { checkTun } from '../rootless/slirp.js';
import { rootlessCgroup } from '../rootless/cgroup.js';
import { backingFilesystem, cgroupFeatures, supportsDType } from './storage-facts.js';

function firstLine(cmd: string, args: string[]): string {
  try {
    return (
      execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .split('\n')[0]
        ?.trim() ?? ''
    );
  } catch {
    return 'unknown';
  }
}

function has(p: string): boolean {
  return fs.existsSync(p);
}

/** What `berth info` reports: the host as an engine sees it, and berth's own stores. */
export function systemInfo(ctx: EngineContext): Record<string, unknown> {
  const rt = ctx.runtimeInfo();
  const facts = ctx.hostFacts();
  const list = ctx.containers.list();
  const count = (s: string) => list.filter((c) => c.state.status === s).length;
  const filesystems = fs.readFileSync('/proc/filesystems', 'utf8');
  const seccomp = /Seccomp:\s*\d/.test(fs.readFileSync('/proc/self/status', 'utf8'));
  const rootless = rootlessInfo(facts.cgroupVersion);
  const cgroupControllers =
    facts.cgroupVersion === 2
      ? fs.readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').trim().split(/\s+/)
      : fs.readdirSync('/sys/fs/cgroup').filter((d) => !['unified', 'systemd'].includes(d) && !d.includes(','));
  return {
    ID: '',
    Containers: list.length,
    ContainersRunning: count('running'),
    ContainersPaused: count('paused'),
    ContainersStopped: count('exited') + count('created'),
    Images: ctx.images.list().length,
    Driver: 'overlay',
    // the filesystem the layers and containers' upper directories are on, read from the host
    DriverStatus: [
      ['Backing Filesystem', backingFilesystem(ctx.paths.root)],
      ['Supports d_type', String(supportsDType(ctx.paths.root))],
    ],
    StorageRoot: ctx.paths.root,
    RunRoot: ctx.paths.runRoot,
    DockerRootDir: ctx.paths.root,
    ...cgroupFeatures(facts.cgroupVersion),
    // a rootless container on cgroup v1 has no cgroup: nothing can be limited (docker's rootless says so too)
    ...(rootless && rootless.Limits !== 'available' ? { MemoryLimit: false, SwapLimit: false, CpuCfsPeriod: false, CpuCfsQuota: false, PidsLimit: false } : {}),
    KernelVersion: os.release(),
    OperatingSystem: osName(),
    OSType: 'linux',
    Architecture: os.machine(),
    NCPU: os.cpus().length,
    MemTotal: os.totalmem(),
    Name: os.hostname(),
    CgroupDriver: rootless && !rootless.Limits.startsWith('available') ? 'none' : 'cgroupfs',
    CgroupVersion: String(facts.cgroupVersion),
    CgroupControllers: cgroupControllers,
    DefaultRuntime: rt.name,
    Runtimes: { [rt.name]: { path: rt.path, version: firstLine(rt.path, ['--version']) } },
    Monitor: { path: ctx.conmonPath(), version: firstLine(ctx.conmonPath(), ['--version']) },
    SecurityOptions: [
      ...(seccomp ? ['name=seccomp,profile=builtin'] : []),
      ...(rootless ? ['name=rootless'] : []),
      ...(has('/sys/module/apparmor/parameters/enabled') && fs.readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y'
        ? ['name=apparmor']
        : []),
      ...(has('/sys/fs/selinux/enforce') ? ['name=selinux'] : []),
    ],
    KernelFeatures: {
      overlay: /\toverlay$/m.test(filesystems),
      seccomp,
      userNamespaces: has('/proc/self/ns/user'),
      cgroupNamespaces: has('/proc/self/ns/cgroup'),
      timeNamespaces: has('/proc/self/ns/time'),
    },
    RlimitNofileHard: facts.rlimitHard['RLIMIT_NOFILE'] ?? facts.rlimitHard['nofile'] ?? null,
    ServerVersion: BERTH_VERSION,
    ...(rootless ? { Rootless: rootless } : {}),
  };
}

/** The rootless part of `berth info`: who, the id mappings, the network helper, the limits. */
export interface RootlessInfo {
  User: string;
  UID: number;
  GID: number;
  /** `container:host:size` lines of the user namespace, as /proc/self/uid_map has them */
  UIDMap: string[];
  GIDMap: string[];
  /** slirp4netns and its version, or why there is no network helper */
  NetworkHelper: string;
  /** 'available: <where the containers' cgroups go>', or 'unavailable: <why>' */
  Limits: string;
}

function rootlessInfo(cgroupVersion: 1 | 2): RootlessInfo | undefined {
  const mode = rootlessMode();
  if (!mode) return undefined;
  const lines = (map: typeof mode.uidMap) => map.map((m) => `${m.containerId}:${m.hostId}:${m.size}`);
  const slirp = findProgram('slirp4netns');
  let helper: string;
  if (!slirp) helper = 'none: slirp4netns is not installed (only --network none|host)';
  else {
    try {
      checkTun();
      helper = `slirp4netns ${slirp} (${firstLine(slirp, ['--version'])})`;
    } catch (e) {
      helper = `none: ${(e as Error).message}`;
    }
  }
  const cg = rootlessCgroup(cgroupVersion);
  return {
    User: mode.user,
    UID: mode.uid,
    GID: mode.gid,
    UIDMap: lines(mode.uidMap),
    GIDMap: lines(mode.gidMap),
    NetworkHelper: helper,
    Limits: cg.available ? `available: containers' cgroups under ${cg.parent} (delegated: ${cg.controllers.join(' ')})` : `unavailable: ${cg.reason}`,
  };
}

export const BERTH_VERSION = '0.1.0';

function osName(): string {
  try {
    return /PRETTY_NAME="([^"]+)"/.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'Linux';
  } catch {
    return 'Linux';
  }
}
