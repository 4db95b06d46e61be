import { MASKED_PATHS, READONLY_PATHS } from '../spec/opts/security.js';
import { healthOf } from './health.js';
import { goStringMap, nilMap, nilSlice } from '../format/go-template/go-values.js';
import type { EngineContext } from '../engine-context.js';
import { exposedPorts, type ContainerRecord } from './container-record.js';
import { containerPaths } from './container-paths.js';
import { refreshContainer } from './exit.js';
import { containerNetworkSettings } from '../networks/index.js';
import { stdinOnce } from '../spec/container-spec.js';

/**
 * Docker's ContainerJSON shape (the fields scripts read: State, Config, HostConfig, Mounts,
 * NetworkSettings), so `inspect --format '{{.State.Status}}'` works as with docker.
 */
export function inspectContainer(ctx: EngineContext, ref: string): Record<string, unknown> {
  const rec = refreshContainer(ctx, ctx.containers.lookup(ref));
  return containerJson(ctx, rec);
}

export function containerJson(ctx: EngineContext, rec: ContainerRecord): Record<string, unknown> {
  const p = containerPaths(ctx.paths, rec.id);
  const health = healthOf(ctx, rec);
  const healthConfig = rec.spec.healthcheck ?? rec.image.config.Healthcheck;
  const s = rec.state;
  const spec = rec.spec;
  const ic = rec.image.config;
  const env = mergeEnv(ic.Env ?? [], spec.env);
  const r = spec.resources;
  const exposed: Record<string, Record<string, never>> = Object.fromEntries(exposedPorts(rec).map((p) => [p, {}]));
  for (const port of spec.publish) exposed[`${port.containerPort}/${port.protocol}`] = {};
  return {
    Id: rec.id,
    Created: rec.created,
    Path: rec.path,
    Args: rec.args,
    State: {
      Status: s.status,
      Running: s.status === 'running' || s.status === 'paused',
      Paused: s.status === 'paused',
      Restarting: s.status === 'restarting',
      OOMKilled: s.oomKilled,
      // docker's dead (a removal its daemon failed) is a status berth never enters
      Dead: false,
      Pid: s.pid,
      ExitCode: s.exitCode,
      Error: s.error,
      StartedAt: s.startedAt,
      FinishedAt: s.finishedAt,
      ...(health ? { Health: health } : {}),
    },
    Image: rec.imageId,
    ResolvConfPath: p.resolvConf,
    HostnamePath: p.hostname,
    HostsPath: p.hosts,
    LogPath: p.log,
    Name: `/${rec.name}`,
    RestartCount: s.restartCount,
    Driver: 'overlay',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: nilSlice(),
    HostConfig: {
      Binds: orNil(
        spec.binds ?? spec.mounts.filter((m) => m.type !== 'tmpfs' && m.source !== '').map((m) => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`),
      ),
      ContainerIDFile: '',
      VolumesFrom: orNil(spec.volumesFrom ?? []),
      CgroupParent: spec.cgroupParent ?? '',
      OomScoreAdj: spec.oomScoreAdj ?? 0,
      MemorySwappiness: r.memorySwappiness ?? null,
      Annotations: spec.annotations ?? null,
      LogConfig: { Type: spec.logConfig?.type ?? 'k8s-file', Config: spec.logConfig?.config ?? {} },
      NetworkMode: spec.network,
      PortBindings: portBindings(rec),
      RestartPolicy: { Name: spec.restartPolicy.name, MaximumRetryCount: spec.restartPolicy.maximumRetryCount },
      AutoRemove: spec.autoRemove,
      CapAdd: orNil(spec.capAdd),
      CapDrop: orNil(spec.capDrop),
      Dns: spec.dns,
      DnsOptions: spec.dnsOptions,
      DnsSearch: spec.dnsSearch,
      ExtraHosts: orNil(spec.extraHosts),
      GroupAdd: orNil(spec.groupAdd),
      IpcMode: spec.ipcMode ?? 'private',
      PidMode: spec.pidMode ?? '',
      UTSMode: spec.utsMode ?? '',
      Privileged: spec.privileged,
      PublishAllPorts: spec.publishAll,
      ReadonlyRootfs: spec.readOnly,
      SecurityOpt: securityOpts(rec),
      Tmpfs: Object.fromEntries(spec.mounts.filter((m) => m.type === 'tmpfs').map((m) => [m.target, m.options.join(',')])),
      ShmSize: spec.shmSize ?? 67108864,
      Runtime: ctx.runtimeInfo().name,
      Memory: r.memory ?? 0,
      MemoryReservation: r.memoryReservation ?? 0,
      MemorySwap: memorySwap(r, ctx.hostFacts().swapLimit),
      NanoCpus: r.nanoCpus ?? 0,
      CpuShares: r.cpuShares ?? 0,
      CpuPeriod: r.cpuPeriod ?? 0,
      CpuQuota: r.cpuQuota ?? 0,
      CpusetCpus: r.cpusetCpus ?? '',
      CpusetMems: r.cpusetMems ?? '',
      CpuRealtimePeriod: r.cpuRealtimePeriod ?? 0,
      CpuRealtimeRuntime: r.cpuRealtimeRuntime ?? 0,
      CpuCount: 0,
      CpuPercent: 0,
      IOMaximumIOps: 0,
      IOMaximumBandwidth: 0,
      BlkioWeight: r.blkioWeight ?? 0,
      // docker 20.10's types: the weight list is [] when empty, the throttle lists null
      BlkioWeightDevice: (r.blkioWeightDevice ?? []).map((d) => ({ Path: d.path ?? `/dev/block/${d.major}:${d.minor}`, Weight: d.weight })),
      BlkioDeviceReadBps: throttleList(r, 'readBps'),
      BlkioDeviceWriteBps: throttleList(r, 'writeBps'),
      BlkioDeviceReadIOps: throttleList(r, 'readIops'),
      BlkioDeviceWriteIOps: throttleList(r, 'writeIops'),
      KernelMemory: 0,
      KernelMemoryTCP: 0,
      Cgroup: '',
      ConsoleSize: [0, 0],
      DeviceRequests: null,
      DeviceCgroupRules: orNil((spec.deviceCgroupRules ?? []).map((d) => `${d.type} ${d.major ?? '*'}:${d.minor ?? '*'} ${d.access}`)),
      CgroupnsMode: spec.cgroupnsMode ?? (ctx.hostFacts().cgroupVersion === 2 ? 'private' : 'host'),
      Links: orNil(spec.links ?? []),
      UsernsMode: '',
      Isolation: '',
      VolumeDriver: '',
      MaskedPaths: spec.privileged || spec.security.systemPathsUnconfined ? null : MASKED_PATHS,
      ReadonlyPaths: spec.privileged || spec.security.systemPathsUnconfined ? null : READONLY_PATHS,
      PidsLimit: r.pidsLimit ?? null,
      OomKillDisable: r.oomKillDisable ?? false,
      Devices: spec.devices.map((d) => ({ PathOnHost: d.hostPath, PathInContainer: d.containerPath, CgroupPermissions: d.permissions })),
      Ulimits: spec.ulimits.length ? spec.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })) : null,
      Init: spec.init ? true : null,
      Sysctls: Object.keys(spec.sysctls).length ? spec.sysctls : undefined,
    },
    GraphDriver: {
      Name: 'overlay',
      Data: { LowerDir: lowerDirs(ctx, rec), UpperDir: p.upper, WorkDir: p.work, MergedDir: p.rootfs },
    },
    Mounts: mountsJson(ctx, rec),
    Config: {
      Hostname: spec.hostname ?? '',
      Domainname: spec.domainname ?? '',
      User: spec.user ?? ic.User ?? '',
      AttachStdin: spec.attach?.stdin ?? spec.openStdin,
      AttachStdout: spec.attach?.stdout ?? true,
      AttachStderr: spec.attach?.stderr ?? true,
      ExposedPorts: Object.keys(exposed).length ? exposed : undefined,
      Tty: spec.tty,
      OpenStdin: spec.openStdin,
      StdinOnce: stdinOnce(spec),
      Env: env,
      Cmd: spec.cmd.length ? spec.cmd : spec.entrypoint !== undefined ? nilSlice() : (ic.Cmd ?? nilSlice()),
      Image: spec.image,
      Volumes: ic.Volumes ?? nilMap<object>(),
      WorkingDir: spec.workingDir ?? ic.WorkingDir ?? '',
      Entrypoint: spec.entrypoint ?? ic.Entrypoint ?? nilSlice(),
      OnBuild: nilSlice(),
      Labels: goStringMap({ ...(ic.Labels ?? {}), ...spec.labels }),
      StopSignal: spec.stopSignal ?? ic.StopSignal ?? 'SIGTERM',
      ...(spec.stopTimeout !== undefined ? { StopTimeout: spec.stopTimeout } : {}),
      ...(healthConfig ? { Healthcheck: healthConfig } : {}),
    },
    // networks: addresses, endpoints and the ports as bound
    NetworkSettings: containerNetworkSettings(ctx, rec),
  };
}

/**
 * Config.Env as docker records it (runconfig's merge): the user's entries as given (a bare KEY
 * too), then each image entry whose key the user did not name.
 */
function mergeEnv(image: string[], user: string[]): string[] {
  const keyOf = (e: string): string => (e.includes('=') ? e.slice(0, e.indexOf('=')) : e);
  const named = new Set(user.map(keyOf));
  return [...user, ...image.filter((e) => !named.has(keyOf(e)))];
}

function portBindings(rec: ContainerRecord): Record<string, Array<{ HostIp: string; HostPort: string }>> {
  const out: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of rec.spec.publish) {
    (out[`${p.containerPort}/${p.protocol}`] ??= []).push({ HostIp: p.hostIp, HostPort: p.hostPort ? String(p.hostPort) : '' });
  }
  return out;
}

function securityOpts(rec: ContainerRecord): string[] {
  const out: string[] = [];
  const sec = rec.spec.security;
  if (sec.noNewPrivileges) out.push('no-new-privileges');
  if (sec.seccomp === 'unconfined') out.push('seccomp=unconfined');
  else if (sec.seccomp) out.push(`seccomp=${sec.seccomp.path}`);
  if (sec.apparmor) out.push(`apparmor=${sec.apparmor}`);
  for (const l of sec.selinuxLabel ?? []) out.push(`label=${l}`);
  if (sec.systemPathsUnconfined) out.push('systempaths=unconfined');
  return orNil(out);
}

/** Docker leaves an empty list field nil: `null` in JSON, `[]` in a template. */
/**
 * HostConfig.MemorySwap as docker's daemon records it: what was asked, else twice the memory
 * limit when only -m is set (the swap limit berth gives the cgroup too), or -1 on a host without
 * swap accounting, where memory is limited without swap.
 */
function memorySwap(r: ContainerRecord['spec']['resources'], swapLimit: boolean | undefined): number {
  const memory = r.memory ?? 0;
  const swap = r.memorySwap === -1 ? -1 : r.memorySwap && r.memorySwap > 0 ? r.memorySwap : memory > 0 ? memory * 2 : 0;
  return memory > 0 && swap > 0 && swapLimit === false ? -1 : swap;
}

/** One of docker's Blkio throttle lists: `{Path, Rate}` per device, null when none. */
function throttleList(
  r: ContainerRecord['spec']['resources'],
  kind: 'readBps' | 'writeBps' | 'readIops' | 'writeIops',
): Array<{ Path: string; Rate: number }> | null {
  const list = (r.blkioThrottle ?? []).filter((t) => t.kind === kind);
  return list.length ? list.map((t) => ({ Path: t.path ?? `/dev/block/${t.major}:${t.minor}`, Rate: t.rate })) : null;
}

/** The image's layer directories under the container's overlay, top first and `:`-joined, as overlay2's LowerDir. */
function lowerDirs(ctx: EngineContext, rec: ContainerRecord): string {
  const dirs: string[] = [];
  for (const id of rec.image.chainIds) {
    try {
      dirs.push(ctx.layers.diffDir(id));
    } catch {
      /* a layer gone with its image: nothing to show for it */
    }
  }
  return dirs.reverse().join(':');
}

function orNil(list: string[]): string[] {
  return list.length ? list : nilSlice();
}

/** docker's Mounts of a container (inspect and the container list): its volumes and binds, tmpfs left out. */
export function mountsJson(ctx: EngineContext, rec: ContainerRecord): Array<Record<string, unknown>> {
  return rec.spec.mounts
    .filter((m) => m.type !== 'tmpfs')
    .map((m) => ({
      Type: m.type,
      ...(m.type === 'volume' ? { Name: m.source } : {}),
      Source: m.type === 'volume' ? (ctx.volumes.find(m.source)?.mountpoint ?? '') : m.source,
      Destination: m.target,
      Driver: m.type === 'volume' ? 'local' : undefined,
      Mode: m.options.filter((o) => o === 'z' || o === 'Z').join(','),
      RW: !m.readOnly,
      Propagation: m.type === 'bind' ? 'rprivate' : '',
    }));
}
