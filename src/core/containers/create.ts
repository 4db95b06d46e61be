import { checkCpusetAvailable } from '../spec/cpuset.js';
import { checkRootlessSpec } from '../rootless/limits.js';
import { rootlessMode } from '../rootless/mode.js';
import { rootlessNetwork } from '../rootless/slirp.js';
import { containerEvent } from '../events/container-events.js';
import { mergeHealthcheck } from './health.js';
import fs from 'node:fs';
import os from 'node:os';
import { BerthError, wrap } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import type { ContainerSpec, MountSpec } from '../spec/container-spec.js';
import { validateContainerSpec } from '../spec/generate.js';
import { initialState, type ContainerRecord } from './container-record.js';
import { containerPaths } from './container-paths.js';
import { ContainerStore } from './container-store.js';
import { resolveCommand } from './command.js';
import { hostsFile, hostNetworkHostsFile, resolvConf } from './etc-files.js';
import { generateName, newContainerId } from './names.js';
import { removeContainerFiles } from './remove.js';
import { startTimeOf } from '../runtime/process-util.js';
import { planEndpoint, networkStore, checkHostPortsFree } from '../networks/index.js';

/**
 * Create a container: reserve its name, lay out its directories and /etc files, and create the
 * volumes it names. The row is written first with pendingPid = this process, so a `kill -9`
 * half-way leaves a row that `repairContainers` removes; it is only visible once complete.
 */
export function createContainer(ctx: EngineContext, input: ContainerSpec): ContainerRecord {
  validateContainerSpec(input);
  const rootless = rootlessMode();
  if (rootless || input.usernsMode === 'keep-id') checkRootlessSpec(input, rootless, rootless ? ctx.hostFacts().cgroupVersion : 1);
  checkCpus(input.resources.nanoCpus);
  if (input.resources.cpusetCpus) checkCpusetAvailable('cpus', input.resources.cpusetCpus);
  if (input.resources.cpusetMems) checkCpusetAvailable('mems', input.resources.cpusetMems);
  // pods: an infra container has no image (an empty root with catatonit bound in)
  const image = input.podInfra ? { id: '', chainIds: [], size: 0 } : ctx.images.resolve(input.image);
  const imageConfig: Partial<ReturnType<typeof ctx.images.config>> = input.podInfra ? {} : ctx.images.config(image.id);
  const spec: ContainerSpec = { ...input, imageId: image.id, mounts: [...input.mounts] };
  for (const l of input.links ?? []) {
    const target = ctx.containers.lookup(l.split(':')[0] as string);
    if (target.state.status !== 'running' && target.state.status !== 'paused') {
      throw new BerthError(
        'FailedPrecondition',
        `Cannot link to a non running container: /${target.name} AS /${input.name ?? 'new'}/${l.split(':')[1] ?? target.name}`,
      );
    }
  }
  for (const m of volumesFrom(ctx, input.volumesFrom ?? [])) {
    if (!spec.mounts.some((x) => x.target === m.target)) spec.mounts.push(m);
  }
  const healthcheck = mergeHealthcheck(input.healthcheck, imageConfig.config?.Healthcheck);
  if (healthcheck) spec.healthcheck = healthcheck;
  else delete spec.healthcheck;
  const args = resolveCommand(spec, imageConfig.config ?? {});
  // docker takes a name with its leading slash (/web, as inspect shows it)
  if (spec.name?.startsWith('/')) spec.name = spec.name.slice(1);
  if (spec.name !== undefined) ContainerStore.validateName(spec.name);
  // rootless: the default network is slirp4netns, and berth's own networks are root's
  if (rootless) spec.network = rootlessNetwork(spec.network);
  // networks: unknown network, bad --ip or --network-alias fail before anything exists
  const endpoint = planEndpoint(ctx, spec);
  if (endpoint) checkHostPortsFree(spec.publish);

  const id = newContainerId();
  const named = spec.name !== undefined;
  let name = spec.name ?? generateName((n) => ctx.containers.findByName(n) !== undefined);
  spec.name = name;
  // docker: on another container's network stack, its hostname (and no -h of one's own)
  if (spec.network.startsWith('container:') && spec.pod === undefined) {
    if (input.hostname) throw new BerthError('InvalidArgument', 'conflicting options: hostname and the network mode');
    spec.hostname = ctx.containers.lookup(spec.network.slice('container:'.length)).spec.hostname;
  }
  // the host's UTS namespace (--network host, --uts host) keeps the host's name
  spec.hostname ??= spec.network === 'host' || spec.utsMode === 'host' ? undefined : id.slice(0, 12);

  const rec: ContainerRecord = {
    id,
    name,
    imageId: image.id,
    created: new Date().toISOString(),
    spec,
    path: args[0] ?? '',
    args: args.slice(1),
    state: { ...initialState(), creatorStartTime: startTimeOf(process.pid) },
    image: { chainIds: image.chainIds, config: imageConfig.config ?? {}, size: image.size },
    pendingPid: process.pid,
  };
  // a generated name another berth process took since it was picked (20 `run`s at once): another
  // one, as docker's daemon picks again; a name the user gave is theirs to change
  for (let tries = 0; ; tries++) {
    try {
      ctx.containers.insert(rec);
      break;
    } catch (e) {
      if (named || tries >= 10 || !(e instanceof BerthError && e.kind === 'Conflict')) throw e;
      name = generateName((n) => ctx.containers.findByName(n) !== undefined);
      spec.name = name;
      rec.name = name;
    }
  }
  try {
    if (endpoint) networkStore(ctx).addEndpoint({ containerId: id, networkId: endpoint.network.id, aliases: endpoint.aliases, staticIp: endpoint.staticIp });
    addImageVolumes(spec, Object.keys(imageConfig.config?.Volumes ?? {}));
    for (const m of spec.mounts) {
      if (m.type !== 'volume') continue;
      // --mount volume-opt/volume-label: how a volume this container creates is made (an existing one keeps its own)
      const pairs = (prefix: string) =>
        Object.fromEntries(m.options.filter((o) => o.startsWith(prefix)).map((o) => [o.slice(prefix.length, o.indexOf('=')), o.slice(o.indexOf('=') + 1)]));
      const options = pairs('volume-opt:');
      const labels = pairs('volume-label:');
      const v = ctx.volumes.create({
        ...(m.source ? { name: m.source } : {}),
        ...(Object.keys(options).length ? { options } : {}),
        ...(Object.keys(labels).length ? { labels } : {}),
      });
      m.options = m.options.filter((o) => !o.startsWith('volume-opt:') && !o.startsWith('volume-label:'));
      m.source = v.name;
    }
    if (spec.network !== 'host') {
      for (const m of spec.mounts) {
        if (m.type === 'bind' && !fs.existsSync(m.source)) {
          // docker -v creates a missing host dir; --mount type=bind refuses (docker's documented difference)
          if (m.options.includes('berth.create-host-path')) fs.mkdirSync(m.source, { recursive: true });
          else throw new BerthError('InvalidArgument', `invalid mount config for type "bind": bind source path does not exist: ${m.source}`);
        }
      }
    }
    const p = containerPaths(ctx.paths, id);
    for (const d of [p.dir, p.upper, p.work, p.rootfs]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    fs.chmodSync(p.dir, 0o711);
    copyRootAttributes(ctx, image.chainIds, p.upper);
    fs.writeFileSync(p.hostname, `${spec.hostname ?? os.hostname()}\n`);
    fs.writeFileSync(p.hosts, spec.network === 'host' ? hostNetworkHostsFile(spec.extraHosts) : hostsFile(spec.hostname ?? os.hostname(), spec.extraHosts));
    fs.writeFileSync(p.resolvConf, resolvConf(spec.dns, spec.dnsSearch, spec.dnsOptions));
    ctx.db.prepare('UPDATE containers SET spec = ? WHERE id = ?').run(JSON.stringify(spec), id);
    ctx.containers.markReady(id);
    containerEvent(ctx, rec, 'create');
    return { ...rec, pendingPid: 0 };
  } catch (e) {
    removeContainerFiles(ctx, id);
    networkStore(ctx).removeEndpoints(id);
    ctx.containers.delete(id);
    throw e instanceof BerthError ? e : wrap(e, `creating container "${name}"`);
  }
}

/**
 * overlayfs shows the upper dir's owner and mode as the container's `/`: give it the image's, or
 * a non-root user could not even traverse `/` (docker's overlay2 does the same).
 */
function copyRootAttributes(ctx: EngineContext, chainIds: string[], upper: string): void {
  let mode = 0o755;
  let uid = 0;
  let gid = 0;
  for (const chainId of [...chainIds].reverse()) {
    try {
      const st = fs.statSync(ctx.layers.diffDir(chainId));
      mode = st.mode & 0o7777;
      uid = st.uid;
      gid = st.gid;
      break;
    } catch {
      /* a layer dir that vanished: fall back to the usual 0755 root:root */
    }
  }
  fs.chmodSync(upper, mode);
  fs.chownSync(upper, uid, gid);
}

/** docker refuses more CPUs than the host has, with this wording. */
function checkCpus(nanoCpus: number | undefined): void {
  const n = os.availableParallelism();
  if (nanoCpus !== undefined && nanoCpus > n * 1e9) {
    throw new BerthError('InvalidArgument', `range of CPUs is from 0.01 to ${n}.00, as there are only ${n} CPUs available`);
  }
}

/** Docker gives every VOLUME of the image an anonymous volume unless a mount already covers it. */
function addImageVolumes(spec: ContainerSpec, imageVolumes: string[]): void {
  for (const target of imageVolumes) {
    if (spec.mounts.some((m) => m.target === target)) continue;
    const m: MountSpec = { type: 'volume', source: '', target, readOnly: false, options: ['berth.anonymous'] };
    spec.mounts.push(m);
  }
}

/**
 * docker's --volumes-from: the volumes and bind mounts of other containers (tmpfs are their own),
 * each with its mode, or all read-only (`:ro`) or writable (`:rw`).
 */
function volumesFrom(ctx: EngineContext, refs: readonly string[]): MountSpec[] {
  const out: MountSpec[] = [];
  for (const ref of refs) {
    const m = /^(.*?)(?::(ro|rw))?$/.exec(ref) as RegExpExecArray;
    const source = ctx.containers.lookup(m[1] as string);
    for (const mount of source.spec.mounts) {
      if (mount.type === 'tmpfs') continue;
      out.push({ ...mount, options: [...mount.options], readOnly: m[2] === 'ro' ? true : m[2] === 'rw' ? false : mount.readOnly });
    }
  }
  return out;
}
