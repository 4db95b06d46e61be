import fs from 'node:fs';
import { BerthError } from '../core/errors/berth-error.js';
import type { HealthConfig } from '../core/oci/types.js';
import { emptyContainerSpec, type ContainerSpec, type PortSpec } from '../core/spec/container-spec.js';
import * as parse from '../core/spec/parse/index.js';

type Json = Record<string, unknown>;

function bad(field: string, want: string): BerthError {
  return new BerthError('InvalidArgument', `invalid JSON: ${field}: expected ${want}`);
}

function obj(v: unknown, field: string): Json | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(field, 'an object');
  return v as Json;
}

function str(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(field, 'a string');
  return v;
}

function num(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(field, 'a number');
  return v;
}

function bool(v: unknown, field: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw bad(field, 'a boolean');
  return v;
}

/** A list of strings; docker's StrSlice also takes a single string. */
function strs(v: unknown, field: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(field, 'a list of strings');
  return v as string[];
}

function strMap(v: unknown, field: string): Record<string, string> | undefined {
  const o = obj(v, field);
  if (!o) return undefined;
  for (const [k, x] of Object.entries(o)) if (typeof x !== 'string') throw bad(`${field}.${k}`, 'a string');
  return o as Record<string, string>;
}

/** A --mount value for a HostConfig.Mounts entry, so the CLI's parser checks it the same way. */
function mountField(m: Json, i: number): string {
  const f = `HostConfig.Mounts[${i}]`;
  const fields: string[] = [];
  const add = (k: string, v: string): void => {
    fields.push(`"${k}=${v.replace(/"/g, '""')}"`);
  };
  add('type', str(m['Type'], `${f}.Type`) ?? 'volume');
  const source = str(m['Source'], `${f}.Source`);
  if (source) add('source', source);
  add('target', str(m['Target'], `${f}.Target`) ?? '');
  if (bool(m['ReadOnly'], `${f}.ReadOnly`)) fields.push('readonly');
  const bind = obj(m['BindOptions'], `${f}.BindOptions`);
  const propagation = str(bind?.['Propagation'], `${f}.BindOptions.Propagation`);
  if (propagation) add('bind-propagation', propagation);
  if (bool(bind?.['NonRecursive'], `${f}.BindOptions.NonRecursive`)) fields.push('bind-nonrecursive');
  const vol = obj(m['VolumeOptions'], `${f}.VolumeOptions`);
  if (bool(vol?.['NoCopy'], `${f}.VolumeOptions.NoCopy`)) fields.push('volume-nocopy');
  for (const [k, v] of Object.entries(strMap(vol?.['Labels'], `${f}.VolumeOptions.Labels`) ?? {})) add('volume-label', `${k}=${v}`);
  const driver = obj(vol?.['DriverConfig'], `${f}.VolumeOptions.DriverConfig`);
  const driverName = str(driver?.['Name'], `${f}.VolumeOptions.DriverConfig.Name`);
  if (driverName) add('volume-driver', driverName);
  for (const [k, v] of Object.entries(strMap(driver?.['Options'], `${f}.VolumeOptions.DriverConfig.Options`) ?? {})) add('volume-opt', `${k}=${v}`);
  const tmpfs = obj(m['TmpfsOptions'], `${f}.TmpfsOptions`);
  const size = num(tmpfs?.['SizeBytes'], `${f}.TmpfsOptions.SizeBytes`);
  if (size) add('tmpfs-size', String(size));
  const mode = num(tmpfs?.['Mode'], `${f}.TmpfsOptions.Mode`);
  if (mode) add('tmpfs-mode', (mode & 0o7777).toString(8));
  return fields.join(',');
}

/** HostConfig.PortBindings `{"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}` as berth's ports. */
function portBindings(v: unknown): PortSpec[] {
  const o = obj(v, 'HostConfig.PortBindings');
  if (!o) return [];
  const out: PortSpec[] = [];
  for (const [port, list] of Object.entries(o)) {
    const bindings = list === null ? [{}] : list;
    if (!Array.isArray(bindings)) throw bad(`HostConfig.PortBindings.${port}`, 'a list');
    for (const b of bindings.length === 0 ? [{}] : bindings) {
      const bo = obj(b, `HostConfig.PortBindings.${port}[]`) ?? {};
      const ip = str(bo['HostIp'], 'HostIp') ?? '';
      const hostPort = str(bo['HostPort'], 'HostPort') ?? '';
      const [p, proto] = port.split('/');
      const ctr = `${p}/${proto ?? 'tcp'}`;
      const text = ip ? `${ip.includes(':') ? `[${ip}]` : ip}:${hostPort}:${ctr}` : hostPort ? `${hostPort}:${ctr}` : ctr;
      out.push(...parse.parsePublish(text));
    }
  }
  return out;
}

/**
 * Docker's container-create body (Config with HostConfig and NetworkingConfig) as berth's
 * ContainerSpec. Every value is type-checked and run through the same parsers as the CLI's
 * flags, so the API refuses what `berth run` refuses, with the same words.
 */
export function dockerCreateToSpec(body: Json, name?: string): ContainerSpec {
  const image = str(body['Image'], 'Image');
  if (!image) throw new BerthError('InvalidArgument', 'config: no image specified');
  const spec = emptyContainerSpec(image, '');
  if (name !== undefined && name !== '') spec.name = name.startsWith('/') ? name.slice(1) : name;
  spec.cmd = strs(body['Cmd'], 'Cmd') ?? [];
  const entrypoint = strs(body['Entrypoint'], 'Entrypoint');
  // [""] clears the image's entrypoint (the CLI's --entrypoint ""); [] leaves it
  if (entrypoint && entrypoint.length > 0) spec.entrypoint = entrypoint.length === 1 && entrypoint[0] === '' ? [] : entrypoint;
  spec.env = (strs(body['Env'], 'Env') ?? []).filter((e) => e !== '');
  for (const e of spec.env) if (e.startsWith('=')) throw new BerthError('InvalidArgument', `invalid environment variable: ${e}`);
  const workdir = str(body['WorkingDir'], 'WorkingDir');
  if (workdir) {
    if (!workdir.startsWith('/')) throw new BerthError('InvalidArgument', `the working directory '${workdir}' is invalid, it needs to be an absolute path`);
    spec.workingDir = workdir;
  }
  const user = str(body['User'], 'User');
  if (user) spec.user = user;
  const hostname = str(body['Hostname'], 'Hostname');
  if (hostname) spec.hostname = hostname;
  const domainname = str(body['Domainname'], 'Domainname');
  if (domainname) spec.domainname = domainname;
  spec.labels = { ...(strMap(body['Labels'], 'Labels') ?? {}) };
  spec.tty = bool(body['Tty'], 'Tty') ?? false;
  spec.openStdin = bool(body['OpenStdin'], 'OpenStdin') ?? false;
  spec.attach = {
    stdin: bool(body['AttachStdin'], 'AttachStdin') ?? false,
    stdout: bool(body['AttachStdout'], 'AttachStdout') ?? false,
    stderr: bool(body['AttachStderr'], 'AttachStderr') ?? false,
  };
  // honoured: false keeps the container's stdin open when an attached client's input ends
  const once = bool(body['StdinOnce'], 'StdinOnce');
  if (once !== undefined) spec.stdinOnce = once;
  const exposed = obj(body['ExposedPorts'], 'ExposedPorts');
  if (exposed && Object.keys(exposed).length > 0) spec.expose = Object.keys(exposed).flatMap((p) => parse.parseExpose(p));
  const stopSignal = str(body['StopSignal'], 'StopSignal');
  if (stopSignal) {
    parse.parseSignal(stopSignal);
    spec.stopSignal = stopSignal;
  }
  const stopTimeout = num(body['StopTimeout'], 'StopTimeout');
  if (stopTimeout !== undefined) spec.stopTimeout = stopTimeout;
  const health = obj(body['Healthcheck'], 'Healthcheck');
  if (health) spec.healthcheck = healthcheck(health);
  for (const target of Object.keys(obj(body['Volumes'], 'Volumes') ?? {})) {
    spec.mounts.push({ type: 'volume', source: '', target, readOnly: false, options: ['berth.anonymous'] });
  }

  const hc = obj(body['HostConfig'], 'HostConfig') ?? {};
  for (const b of strs(hc['Binds'], 'HostConfig.Binds') ?? []) {
    // the API has no working directory: a relative source is a volume name or an error
    const m = parse.parseVolume(b, '/');
    if (m.type === 'bind') m.options.push('berth.create-host-path');
    const i = spec.mounts.findIndex((x) => x.target === m.target);
    if (i >= 0) spec.mounts.splice(i, 1);
    spec.mounts.push(m);
  }
  const mounts = hc['Mounts'];
  if (mounts !== undefined && mounts !== null) {
    if (!Array.isArray(mounts)) throw bad('HostConfig.Mounts', 'a list');
    mounts.forEach((m, i) => {
      const parsed = parse.parseMount(mountField(obj(m, `HostConfig.Mounts[${i}]`) ?? {}, i));
      const j = spec.mounts.findIndex((x) => x.target === parsed.target);
      if (j >= 0) spec.mounts.splice(j, 1);
      spec.mounts.push(parsed);
    });
  }
  for (const [target, opts] of Object.entries(strMap(hc['Tmpfs'], 'HostConfig.Tmpfs') ?? {}))
    spec.mounts.push(parse.parseTmpfs(opts ? `${target}:${opts}` : target));
  spec.publish = portBindings(hc['PortBindings']);
  spec.publishAll = bool(hc['PublishAllPorts'], 'HostConfig.PublishAllPorts') ?? false;
  let network = str(hc['NetworkMode'], 'HostConfig.NetworkMode') ?? 'bridge';
  if (network === '' || network === 'default') network = 'bridge';
  if (network === 'container:' || /\s/.test(network)) throw new BerthError('InvalidArgument', `invalid network mode: ${network}`);
  spec.network = network;
  spec.networkAliases = [];
  const endpoints = obj(obj(body['NetworkingConfig'], 'NetworkingConfig')?.['EndpointsConfig'], 'NetworkingConfig.EndpointsConfig') ?? {};
  const names = Object.keys(endpoints);
  if (names.length > 1)
    throw new BerthError('InvalidArgument', `Container cannot be connected to network endpoints: ${names.join(', ')} (connect the others after create)`);
  for (const [net, ep] of Object.entries(endpoints)) {
    const e = obj(ep, `NetworkingConfig.EndpointsConfig.${net}`) ?? {};
    // the endpoint of the container's own network mode (compose names it by name)
    if (spec.network === 'bridge' && net !== 'bridge') spec.network = net;
    spec.networkAliases = strs(e['Aliases'], 'Aliases') ?? [];
    const ip = str(obj(e['IPAMConfig'], 'IPAMConfig')?.['IPv4Address'], 'IPAMConfig.IPv4Address');
    if (ip) spec.ip = ip;
  }
  spec.autoRemove = bool(hc['AutoRemove'], 'HostConfig.AutoRemove') ?? false;
  const restart = obj(hc['RestartPolicy'], 'HostConfig.RestartPolicy');
  const policy = str(restart?.['Name'], 'HostConfig.RestartPolicy.Name') ?? '';
  if (policy !== '' && policy !== 'no') {
    const max = num(restart?.['MaximumRetryCount'], 'HostConfig.RestartPolicy.MaximumRetryCount') ?? 0;
    spec.restartPolicy = parse.parseRestart(policy === 'on-failure' && max > 0 ? `on-failure:${max}` : policy);
  }
  if (spec.autoRemove && spec.restartPolicy.name !== 'no') {
    throw new BerthError('InvalidArgument', `can't create 'AutoRemove' container with restart policy`);
  }
  const r = spec.resources;
  const positive = (k: string): number | undefined => {
    const v = num(hc[k], `HostConfig.${k}`);
    return v === undefined || v === 0 ? undefined : v;
  };
  const memory = positive('Memory');
  if (memory !== undefined) {
    if (memory < 6 * 1024 * 1024) throw new BerthError('InvalidArgument', 'Minimum memory limit allowed is 6MB');
    r.memory = memory;
  }
  const swap = positive('MemorySwap');
  if (swap !== undefined) r.memorySwap = swap;
  const reservation = positive('MemoryReservation');
  if (reservation !== undefined) r.memoryReservation = reservation;
  const nanoCpus = positive('NanoCpus');
  if (nanoCpus !== undefined) r.nanoCpus = nanoCpus;
  const shares = positive('CpuShares');
  if (shares !== undefined) r.cpuShares = shares;
  const quota = positive('CpuQuota');
  if (quota !== undefined) r.cpuQuota = quota;
  const period = positive('CpuPeriod');
  if (period !== undefined) r.cpuPeriod = period;
  const cpusetCpus = str(hc['CpusetCpus'], 'HostConfig.CpusetCpus');
  if (cpusetCpus) r.cpusetCpus = cpusetCpus;
  const cpusetMems = str(hc['CpusetMems'], 'HostConfig.CpusetMems');
  if (cpusetMems) r.cpusetMems = cpusetMems;
  const pids = positive('PidsLimit');
  if (pids !== undefined) r.pidsLimit = pids;
  if (bool(hc['OomKillDisable'], 'HostConfig.OomKillDisable')) r.oomKillDisable = true;
  spec.capAdd = strs(hc['CapAdd'], 'HostConfig.CapAdd') ?? [];
  spec.capDrop = strs(hc['CapDrop'], 'HostConfig.CapDrop') ?? [];
  spec.privileged = bool(hc['Privileged'], 'HostConfig.Privileged') ?? false;
  spec.readOnly = bool(hc['ReadonlyRootfs'], 'HostConfig.ReadonlyRootfs') ?? false;
  spec.init = bool(hc['Init'], 'HostConfig.Init') ?? false;
  spec.security = parse.parseSecurityOpt(strs(hc['SecurityOpt'], 'HostConfig.SecurityOpt') ?? [], (p: string) => fs.readFileSync(p, 'utf8'));
  spec.dns = strs(hc['Dns'], 'HostConfig.Dns') ?? [];
  spec.dnsSearch = strs(hc['DnsSearch'], 'HostConfig.DnsSearch') ?? [];
  spec.dnsOptions = strs(hc['DnsOptions'], 'HostConfig.DnsOptions') ?? [];
  spec.extraHosts = strs(hc['ExtraHosts'], 'HostConfig.ExtraHosts') ?? [];
  for (const h of spec.extraHosts) if (!/^[^:]+:.+$/.test(h)) throw new BerthError('InvalidArgument', `invalid extra host: ${h}`);
  spec.groupAdd = strs(hc['GroupAdd'], 'HostConfig.GroupAdd') ?? [];
  const ulimits = hc['Ulimits'];
  if (Array.isArray(ulimits)) {
    spec.ulimits = ulimits.map((u, i) => {
      const o = obj(u, `HostConfig.Ulimits[${i}]`) ?? {};
      return parse.parseUlimit(`${str(o['Name'], 'Name') ?? ''}=${num(o['Soft'], 'Soft') ?? 0}:${num(o['Hard'], 'Hard') ?? 0}`);
    });
  }
  const devices = hc['Devices'];
  if (Array.isArray(devices)) {
    spec.devices = devices.map((d, i) => {
      const o = obj(d, `HostConfig.Devices[${i}]`) ?? {};
      const host = str(o['PathOnHost'], 'PathOnHost') ?? '';
      const ctr = str(o['PathInContainer'], 'PathInContainer') || host;
      return parse.parseDevice(`${host}:${ctr}:${str(o['CgroupPermissions'], 'CgroupPermissions') || 'rwm'}`);
    });
  }
  const shm = positive('ShmSize');
  if (shm !== undefined) spec.shmSize = shm;
  spec.sysctls = { ...(strMap(hc['Sysctls'], 'HostConfig.Sysctls') ?? {}) };
  for (const [k, field] of [
    ['ipcMode', 'IpcMode'],
    ['pidMode', 'PidMode'],
    ['utsMode', 'UTSMode'],
    ['cgroupnsMode', 'CgroupnsMode'],
  ] as const) {
    const v = str(hc[field], `HostConfig.${field}`);
    if (v) spec[k] = v;
  }
  const links = strs(hc['Links'], 'HostConfig.Links');
  if (links?.length) spec.links = links.map((l) => l.replace(/^\//, '').replace(/:\/[^/]+\//, ':'));
  const volumesFrom = strs(hc['VolumesFrom'], 'HostConfig.VolumesFrom');
  if (volumesFrom?.length) spec.volumesFrom = volumesFrom;
  const oom = num(hc['OomScoreAdj'], 'HostConfig.OomScoreAdj');
  if (oom) spec.oomScoreAdj = oom;
  const cgroupParent = str(hc['CgroupParent'], 'HostConfig.CgroupParent');
  if (cgroupParent) spec.cgroupParent = `/${cgroupParent.replace(/^\/+|\/+$/g, '')}`;
  if (spec.cgroupParent?.split('/').some((c) => c === '..')) throw new BerthError('InvalidArgument', `invalid CgroupParent "${cgroupParent}"`);
  const log = obj(hc['LogConfig'], 'HostConfig.LogConfig');
  const logType = str(log?.['Type'], 'HostConfig.LogConfig.Type');
  if (logType) {
    const config = strMap(log?.['Config'], 'HostConfig.LogConfig.Config') ?? {};
    if (!['json-file', 'local', 'k8s-file', 'none'].includes(logType))
      throw new BerthError('InvalidArgument', `logger: no log driver named '${logType}' is registered`);
    spec.logConfig = { type: logType, config };
  }
  return spec;
}

/** Config.Healthcheck: docker's HealthConfig (nanosecond durations), checked for its shape. */
function healthcheck(h: Json): HealthConfig {
  const out: HealthConfig = {};
  const test = strs(h['Test'], 'Healthcheck.Test');
  if (test) out.Test = test;
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    const v = num(h[k], `Healthcheck.${k}`);
    if (v !== undefined && v !== 0) out[k] = v;
  }
  return out;
}
