import fs from 'node:fs';
import { isIP } from 'node:net';
import { BerthError } from '../core/errors/berth-error.js';
import { emptyContainerSpec, type ContainerSpec } from '../core/spec/container-spec.js';
import * as parse from '../core/spec/parse/index.js';
import type { ContainerFlags, ResourceFlags } from './run-flags.js';
import { parseGoDuration } from '../core/build/config-values.js';
import { healthcheckFromFlags } from '../core/containers/health.js';
import type { RunContainerSettings } from '../core/build/build-options.js';
import { warn } from './diagnostics.js';

function int(flag: string, v: string): number {
  if (!/^-?\d+$/.test(v.trim()))
    throw new BerthError('InvalidArgument', `invalid argument "${v}" for "${flag}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}

/** A Go duration flag (`30s`, `1m30s`) in nanoseconds, with docker's message for a bad one. */
function duration(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  try {
    // Go's durations may be negative (-1s): a health flag then says it cannot be
    const t = v.trim();
    return t.startsWith('-') ? -parseGoDuration(t.slice(1), flag.slice(2)) : parseGoDuration(t, flag.slice(2));
  } catch {
    throw new BerthError('InvalidArgument', `invalid argument "${v}" for "${flag}" flag: time: invalid duration "${v}"`);
  }
}

/** Turn parsed flags into the user's intent; every bad value is a one-line InvalidArgument. */
export function flagsToSpec(image: string, command: string[], f: ContainerFlags): ContainerSpec {
  const spec = emptyContainerSpec(image, '');
  if (f.name !== undefined) spec.name = f.name;
  spec.cmd = command;
  const env: string[] = [];
  for (const file of f.envFile) env.push(...parse.parseEnvFile(readFlagFile(file), process.env));
  for (const e of f.env) {
    const v = parse.parseEnv(e, process.env);
    if (v !== undefined) env.push(v);
  }
  spec.env = env;
  if (f.workdir !== undefined) {
    if (!f.workdir.startsWith('/')) throw new BerthError('InvalidArgument', `the working directory '${f.workdir}' is invalid, it needs to be an absolute path`);
    spec.workingDir = f.workdir;
  }
  if (f.user !== undefined) spec.user = f.user;
  spec.groupAdd = f.groupAdd;
  if (f.hostname !== undefined) spec.hostname = f.hostname;
  if (f.domainname !== undefined) spec.domainname = f.domainname;
  if (f.entrypoint !== undefined) spec.entrypoint = f.entrypoint === '' ? [] : [f.entrypoint];
  for (const file of f.labelFile) {
    // docker's label files: one KEY=VALUE a line, # comments and blank lines skipped
    for (const line of readFlagFile(file).split('\n')) {
      const l = line.trim();
      if (l === '' || l.startsWith('#')) continue;
      const [k, v] = parse.parseLabel(l);
      spec.labels[k] = v;
    }
  }
  for (const l of f.label) {
    const [k, v] = parse.parseLabel(l);
    spec.labels[k] = v;
  }
  spec.openStdin = !!f.interactive;
  spec.tty = !!f.tty;
  spec.readOnly = !!f.readOnly;
  spec.privileged = !!f.privileged;
  spec.init = !!f.init;
  spec.capAdd = f.capAdd;
  spec.capDrop = f.capDrop;
  spec.security = parse.parseSecurityOpt(f.securityOpt, (p: string) => fs.readFileSync(p, 'utf8'));
  Object.assign(spec.resources, resourceFlags(f));
  if (f.oomKillDisable) spec.resources.oomKillDisable = true;
  if (f.memorySwappiness !== undefined && f.memorySwappiness !== '-1') {
    const n = int('--memory-swappiness', f.memorySwappiness);
    if (n < 0 || n > 100) throw new BerthError('InvalidArgument', `invalid value: ${n}, valid memory swappiness range is 0-100`);
    spec.resources.memorySwappiness = n;
  }
  if (f.oomScoreAdj !== undefined) {
    const n = int('--oom-score-adj', f.oomScoreAdj);
    if (n < -1000 || n > 1000) throw new BerthError('InvalidArgument', `invalid value ${n}, range for oom score adj is [-1000, 1000]`);
    spec.oomScoreAdj = n;
  }
  if (f.annotation.length > 0) {
    spec.annotations = {};
    for (const a of f.annotation) {
      const i = a.indexOf('=');
      if (i <= 0) throw new BerthError('InvalidArgument', `invalid annotation "${a}": expected key=value`);
      spec.annotations[a.slice(0, i)] = a.slice(i + 1);
    }
  }
  if (f.userns === 'keep-id') spec.usernsMode = 'keep-id';
  else if (f.userns !== undefined && f.userns !== '' && f.userns !== 'host') {
    throw new BerthError('InvalidArgument', `--userns=${f.userns}: user namespace remapping is not supported (only "host", and "keep-id" for rootless berth)`);
  }
  if (f.volumesFrom.length > 0) spec.volumesFrom = f.volumesFrom;
  if (f.link.length > 0) spec.links = f.link;
  if (f.macAddress !== undefined) {
    if (!/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(f.macAddress)) throw new BerthError('InvalidArgument', `${f.macAddress} is not a valid mac address`);
    // a multicast address (low bit of the first byte) cannot be an interface's
    if (parseInt(f.macAddress.slice(0, 2), 16) & 1)
      throw new BerthError('InvalidArgument', `${f.macAddress} is a multicast address, not a valid mac address for a container`);
    spec.macAddress = f.macAddress.toLowerCase();
  }
  if (f.cgroupParent !== undefined && f.cgroupParent !== '') spec.cgroupParent = parseCgroupParent(f.cgroupParent);
  if (f.deviceCgroupRule.length > 0) spec.deviceCgroupRules = f.deviceCgroupRule.map(parse.parseDeviceCgroupRule);
  if (f.blkioWeightDevice.length > 0) {
    const list = f.blkioWeightDevice.map(weightDeviceFlag);
    if (blkioWeightSupported()) spec.resources.blkioWeightDevice = list;
    else warn(process.stderr, 'WARNING: Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.\n');
  }
  for (const [v, what] of [
    [f.cpuCount, 'count'],
    [f.cpuPercent, 'percent'],
  ] as const) {
    if (v !== undefined && int(`--cpu-${what}`, v) > 0)
      warn(process.stderr, `WARNING: linux does not support CPU ${what}. ${what === 'count' ? 'Count' : 'Percent'} discarded.\n`);
  }
  if (
    (f.ioMaxbandwidth !== undefined && parse.parseBytes(f.ioMaxbandwidth, '--io-maxbandwidth') > 0) ||
    (f.ioMaxiops !== undefined && int('--io-maxiops', f.ioMaxiops) > 0)
  ) {
    throw new BerthError('InvalidArgument', 'invalid QoS settings: linux does not support configuration of maximum bandwidth or maximum IOps');
  }
  if (f.volumeDriver !== undefined && f.volumeDriver !== '' && f.volumeDriver !== 'local') {
    throw new BerthError('NotFound', `error looking up volume plugin ${f.volumeDriver}: plugin "${f.volumeDriver}" not found (berth has the "local" driver)`);
  }
  if (f.linkLocalIp.length > 0) throw new BerthError('InvalidArgument', "--link-local-ip: berth's networks do not assign link-local addresses");
  if (f.disableContentTrust === false)
    throw new BerthError('InvalidArgument', '--disable-content-trust=false: berth does no content trust (image signature verification)');
  if (f.useApiSocket) throw new BerthError('InvalidArgument', '--use-api-socket: berth has no engine API socket to mount (it runs without a daemon)');
  const throttles = [
    ...f.deviceReadBps.map((v) => throttleFlag('readBps', '--device-read-bps', v, true)),
    ...f.deviceWriteBps.map((v) => throttleFlag('writeBps', '--device-write-bps', v, true)),
    ...f.deviceReadIops.map((v) => throttleFlag('readIops', '--device-read-iops', v, false)),
    ...f.deviceWriteIops.map((v) => throttleFlag('writeIops', '--device-write-iops', v, false)),
  ];
  if (throttles.length > 0) spec.resources.blkioThrottle = throttles;
  if (f.gpus !== undefined) throw new BerthError('InvalidArgument', 'could not select device driver "" with capabilities: [[gpu]]');
  if (f.kernelMemory !== undefined) {
    parse.parseBytes(f.kernelMemory, '--kernel-memory');
    warn(process.stderr, 'WARNING: Specifying a kernel memory limit is deprecated and will be removed in a future release.\n');
  }
  if (f.storageOpt.length > 0) throw new BerthError('InvalidArgument', "--storage-opt is supported only for overlay over xfs with 'pquota' mount option");
  if (f.ip6 !== undefined) throw new BerthError('InvalidArgument', `--ip6 ${f.ip6}: no berth network has an IPv6 subnet`);
  if (f.isolation !== undefined && f.isolation !== '' && f.isolation !== 'default') {
    throw new BerthError('InvalidArgument', `invalid isolation "${f.isolation}": Linux only supports "default"`);
  }
  if (f.runtime !== undefined && !['runc', 'crun'].includes(f.runtime))
    throw new BerthError('InvalidArgument', `unknown or invalid runtime name: ${f.runtime}`);
  if (f.logDriver !== undefined || f.logOpt.length > 0) spec.logConfig = parseLogConfig(f.logDriver ?? 'k8s-file', f.logOpt);
  spec.ulimits = f.ulimit.map((u) => parse.parseUlimit(u));
  spec.devices = f.device.map((d) => parse.parseDevice(d));
  for (const v of f.volume) {
    const m = parse.parseVolume(v);
    // docker -v creates a missing host directory; --mount type=bind does not
    if (m.type === 'bind') m.options.push('berth.create-host-path');
    spec.mounts.push(m);
    // docker's Binds: every -v with a source (anonymous ones are Config.Volumes)
    if (m.source !== '') (spec.binds ??= []).push(v);
  }
  for (const m of f.mount) spec.mounts.push(parse.parseMount(m));
  for (const t of f.tmpfs) spec.mounts.push(parse.parseTmpfs(t));
  // networks: the default is docker's `bridge`; names are checked against the store at create
  spec.network = f.network ?? f.net ?? 'bridge';
  if (spec.network === 'default' || spec.network === '') spec.network = 'bridge';
  if (spec.network === 'container:' || /\s/.test(spec.network)) throw new BerthError('InvalidArgument', `invalid network mode: ${spec.network}`);
  spec.networkAliases = f.networkAlias ?? [];
  if (f.ip !== undefined) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(f.ip)) throw new BerthError('InvalidArgument', `invalid argument "${f.ip}" for "--ip" flag: invalid IPv4 address`);
    spec.ip = f.ip;
  }
  // docker's --dns is a list of IP addresses, checked by its flag parser
  spec.dns = f.dns.map((d) => {
    if (isIP(d.trim()) === 0) throw new BerthError('InvalidArgument', `invalid argument "${d}" for "--dns" flag: ${d} is not an ip address`);
    return d.trim();
  });
  spec.dnsSearch = f.dnsSearch;
  spec.dnsOptions = f.dnsOption;
  spec.extraHosts = f.addHost.map((h) => parse.parseAddHost(h));
  spec.publish = f.publish.flatMap((p) => parse.parsePublish(p));
  spec.publishAll = !!f.publishAll;
  spec.restartPolicy = parse.parseRestart(f.restart);
  spec.autoRemove = !!f.rm;
  if (f.stopSignal !== undefined) {
    parse.parseSignal(f.stopSignal);
    spec.stopSignal = f.stopSignal;
  }
  if (f.stopTimeout !== undefined) spec.stopTimeout = int('--stop-timeout', f.stopTimeout);
  const healthcheck = healthcheckFromFlags({
    cmd: f.healthCmd,
    interval: duration('--health-interval', f.healthInterval),
    timeout: duration('--health-timeout', f.healthTimeout),
    startPeriod: duration('--health-start-period', f.healthStartPeriod),
    startInterval: duration('--health-start-interval', f.healthStartInterval),
    retries: f.healthRetries === undefined ? undefined : int('--health-retries', f.healthRetries),
    none: f.healthcheck === false,
  });
  if (healthcheck) spec.healthcheck = healthcheck;
  if (f.shmSize !== undefined) spec.shmSize = parse.parseBytes(f.shmSize, '--shm-size');
  for (const s of f.sysctl) {
    const i = s.indexOf('=');
    if (i <= 0) throw new BerthError('InvalidArgument', `invalid argument "${s}" for "--sysctl" flag: sysctl '${s}' is not allowed`);
    spec.sysctls[s.slice(0, i)] = s.slice(i + 1);
  }
  for (const [flag, v] of [
    ['--ipc', f.ipc],
    ['--pid', f.pid],
    ['--uts', f.uts],
  ] as const) {
    // --pid and --ipc may join another container's namespace, as docker's container:NAME
    const joins = flag !== '--uts' && v !== undefined && /^container:.+/.test(v);
    if (v !== undefined && !joins && !['host', 'private', 'shareable', ''].includes(v)) {
      throw new BerthError('InvalidArgument', `invalid ${flag.slice(2).toUpperCase()} mode: ${v}`);
    }
  }
  if (f.ipc !== undefined) spec.ipcMode = f.ipc;
  if (f.pid !== undefined) spec.pidMode = f.pid;
  if (f.uts !== undefined) spec.utsMode = f.uts;
  if (f.cgroupns !== undefined) spec.cgroupnsMode = f.cgroupns;
  if (f.expose.length) spec.expose = f.expose.flatMap(parse.parseExpose);
  if (!['always', 'missing', 'never'].includes(f.pull)) {
    throw new BerthError('InvalidArgument', `invalid pull option: "${f.pull}": must be one of "always", "missing" or "never"`);
  }
  return spec;
}

/** --cgroup-parent: an absolute cgroupfs path, never a climb out of it, never a systemd slice. */
function parseCgroupParent(value: string): string {
  const parent = `/${value.replace(/^\/+|\/+$/g, '')}`;
  if (parent.split('/').some((c) => c === '..' || c === '.') || /[\s:]/.test(parent)) {
    throw new BerthError('InvalidArgument', `invalid --cgroup-parent "${value}"`);
  }
  if (parent.endsWith('.slice'))
    throw new BerthError('InvalidArgument', `--cgroup-parent "${value}": a systemd slice needs the systemd cgroup driver; berth uses cgroupfs`);
  return parent;
}

/** The flags `build` shares with `run` for its RUN containers. */
export interface BuildRunFlags extends ResourceFlags {
  ulimit: string[];
  shmSize?: string;
  securityOpt: string[];
  addHost: string[];
  cgroupParent?: string;
}

/** build's --memory, --cpu-*, --ulimit, --shm-size, --security-opt, --add-host, --cgroup-parent, parsed as run parses them. */
export function buildRunSettings(f: BuildRunFlags): RunContainerSettings {
  const out: RunContainerSettings = {};
  const r = resourceFlags(f);
  if (Object.keys(r).length > 0) out.resources = r as ContainerSpec['resources'];
  if (f.ulimit.length > 0) out.ulimits = f.ulimit.map((u) => parse.parseUlimit(u));
  if (f.shmSize !== undefined) out.shmSize = parse.parseBytes(f.shmSize, '--shm-size');
  if (f.securityOpt.length > 0) out.security = parse.parseSecurityOpt(f.securityOpt, (p: string) => fs.readFileSync(p, 'utf8'));
  if (f.addHost.length > 0) out.extraHosts = f.addHost.map((h) => parse.parseAddHost(h));
  if (f.cgroupParent !== undefined && f.cgroupParent !== '') out.cgroupParent = parseCgroupParent(f.cgroupParent);
  return out;
}

/** The text of a file a flag names (--env-file, --label-file), with docker's error when missing. */
function readFlagFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new BerthError('InvalidArgument', `open ${file}: no such file or directory`);
  }
}

/** The limits the flags set, parsed; the ones not given are absent. */
export function resourceFlags(f: ResourceFlags): Partial<ContainerSpec['resources']> {
  const r: Partial<ContainerSpec['resources']> = {};
  if (f.memory !== undefined) r.memory = parse.parseBytes(f.memory, '-m, --memory');
  if (f.memorySwap !== undefined) r.memorySwap = f.memorySwap === '-1' ? -1 : parse.parseBytes(f.memorySwap, '--memory-swap');
  if (f.memoryReservation !== undefined) r.memoryReservation = parse.parseBytes(f.memoryReservation, '--memory-reservation');
  if (f.cpus !== undefined) r.nanoCpus = parse.parseCpus(f.cpus);
  if (f.cpuShares !== undefined) r.cpuShares = int('-c, --cpu-shares', f.cpuShares);
  if (f.cpuQuota !== undefined) r.cpuQuota = int('--cpu-quota', f.cpuQuota);
  if (f.cpuPeriod !== undefined) r.cpuPeriod = int('--cpu-period', f.cpuPeriod);
  if (f.cpusetCpus !== undefined) r.cpusetCpus = f.cpusetCpus;
  if (f.cpusetMems !== undefined) r.cpusetMems = f.cpusetMems;
  if (f.cpuRtPeriod !== undefined) r.cpuRealtimePeriod = int('--cpu-rt-period', f.cpuRtPeriod);
  if (f.cpuRtRuntime !== undefined) r.cpuRealtimeRuntime = int('--cpu-rt-runtime', f.cpuRtRuntime);
  if (f.blkioWeight !== undefined) {
    const n = int('--blkio-weight', f.blkioWeight);
    if (n !== 0 && (n < 10 || n > 1000)) throw new BerthError('InvalidArgument', `invalid --blkio-weight ${n}: range is 10 to 1000`);
    if (n !== 0) {
      if (blkioWeightSupported()) r.blkioWeight = n;
      else warn(process.stderr, 'WARNING: Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.\n');
    }
  }
  if (f.pidsLimit !== undefined) r.pidsLimit = int('--pids-limit', f.pidsLimit);
  return r;
}

const LOG_DRIVERS = new Set(['json-file', 'local', 'k8s-file', 'none']);
const LOG_OPTS = new Set(['max-size', 'max-file', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag', 'mode', 'max-buffer-size']);

/** --log-driver/--log-opt as docker checks them: a known driver, known options, a valid max-size. */
export function parseLogConfig(driver: string, opts: readonly string[]): { type: string; config: Record<string, string> } {
  if (!LOG_DRIVERS.has(driver))
    throw new BerthError('InvalidArgument', `logger: no log driver named '${driver}' is registered (berth has json-file, local, k8s-file and none)`);
  const config: Record<string, string> = {};
  for (const o of opts) {
    const i = o.indexOf('=');
    if (i <= 0) throw new BerthError('InvalidArgument', `invalid log opt '${o}': expected key=value`);
    const k = o.slice(0, i);
    if (driver === 'none' || !LOG_OPTS.has(k)) throw new BerthError('InvalidArgument', `unknown log opt '${k}' for ${driver} log driver`);
    config[k] = o.slice(i + 1);
  }
  if (config['max-size'] !== undefined && config['max-size'] !== '-1') parse.parseBytes(config['max-size'], '--log-opt max-size');
  return { type: driver, config };
}

/** Whether the host's block I/O controller has a weight to set (CFQ or BFQ), as docker checks. */
function blkioWeightSupported(): boolean {
  return ['/sys/fs/cgroup/blkio/blkio.weight', '/sys/fs/cgroup/blkio/blkio.bfq.weight', '/sys/fs/cgroup/io.weight', '/sys/fs/cgroup/io.bfq.weight'].some((f) =>
    fs.existsSync(f),
  );
}

/** `--blkio-weight-device /dev/sda:200`: the device's numbers and a weight of 10 to 1000. */
function weightDeviceFlag(value: string): { major: number; minor: number; weight: number; path: string } {
  const i = value.lastIndexOf(':');
  const weight = i > 0 ? Number(value.slice(i + 1)) : NaN;
  if (!Number.isInteger(weight) || weight < 10 || weight > 1000) {
    throw new BerthError('InvalidArgument', `invalid argument "${value}" for "--blkio-weight-device" flag: invalid weight for device: ${value}`);
  }
  const { major, minor } = deviceNumbers(value.slice(0, i), value, '--blkio-weight-device');
  return { major, minor, weight, path: value.slice(0, i) };
}

/** `--device-read-bps /dev/sda:1mb`: the device's numbers, and the rate (bytes with units, or IOs). */
function throttleFlag(
  kind: 'readBps' | 'writeBps' | 'readIops' | 'writeIops',
  flag: string,
  value: string,
  bytes: boolean,
): { kind: typeof kind; major: number; minor: number; rate: number; path: string } {
  const i = value.lastIndexOf(':');
  if (i <= 0) throw new BerthError('InvalidArgument', `invalid argument "${value}" for "${flag}" flag: bad format: ${value}`);
  const { major, minor } = deviceNumbers(value.slice(0, i), value, flag);
  const rateText = value.slice(i + 1);
  const rate = bytes ? parse.parseBytes(rateText, flag) : Number(rateText);
  if (!Number.isInteger(rate) || rate < 0) throw new BerthError('InvalidArgument', `invalid argument "${value}" for "${flag}" flag: invalid rate ${rateText}`);
  return { kind, major, minor, rate, path: value.slice(0, i) };
}

/** The major and minor numbers of a block device a flag names. */
function deviceNumbers(device: string, value: string, flag: string): { major: number; minor: number } {
  let st: fs.Stats;
  try {
    st = fs.statSync(device);
  } catch {
    throw new BerthError('InvalidArgument', `invalid argument "${value}" for "${flag}" flag: ${device}: no such device`);
  }
  if (!st.isBlockDevice()) throw new BerthError('InvalidArgument', `invalid argument "${value}" for "${flag}" flag: ${device} is not a block device`);
  // st.rdev: major in bits 8-19 (and 32+), minor in 0-7 and 20-31, as glibc's gnu_dev_major/minor
  const major = ((st.rdev >> 8) & 0xfff) | (Math.floor(st.rdev / 2 ** 32) & ~0xfff);
  const minor = (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00);
  return { major, minor };
}
