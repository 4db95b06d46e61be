import path from 'node:path';
import { parseBytes } from '../spec/parse/bytes.js';
import { containerEvent } from '../events/container-events.js';
import { startHealthMonitor } from './health.js';
import { ensureRealtimeBudget } from '../host/rt-budget.js';
import { trace } from '../trace.js';
import { randomHex } from '../host/random.js';
import fs from 'node:fs';

import { BerthError, wrap } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import { mountOverlay, unmount, isMountPoint, mountFilesystem } from '../host/mount.js';
import { generateRuntimeSpec, type GenerateInput } from '../spec/generate.js';
import { rootlessMode, rootlessEnv } from '../rootless/mode.js';
import { isSlirp, startSlirp, stopSlirp } from '../rootless/slirp.js';
import { addKeepIdUser, hostHome, keepIdRootfs } from '../rootless/keep-id.js';
import { prepareCgroupParent, rootlessCgroup, rootlessCgroupsPath } from '../rootless/cgroup.js';
import { keepIdMapping, mappedCount, type IdMapping } from '../rootless/id-map.js';
import { keepsStdinOpen } from '../spec/container-spec.js';
import { createWithConmon } from '../runtime/conmon.js';
import { readExitCode } from '../runtime/exit-file.js';
import { findInit } from '../runtime/runtime-select.js';
import { ZERO_TIME, exposedPorts, type ContainerRecord } from './container-record.js';
import type { PortSpec } from '../spec/container-spec.js';
import { containerPaths } from './container-paths.js';
import { prepareVolumes } from './volumes.js';
import { died, refreshContainer } from './exit.js';
import { withContainer } from './locked.js';
import { checkVerb } from './transitions.js';
import { startTimeOf } from '../runtime/process-util.js';
import { ociJson } from '../oci/json.js';
import { networkForStart, type StartNetwork } from '../networks/index.js';
import { beforePodContainerStart } from '../pods/member.js';

export interface StartOptions {
  /**
   * Runs after the runtime created the container and before its process starts: the moment to
   * connect to the attach socket so no output is lost (conmon does not replay).
   */
  beforeStart?: (info: { id: string; bundle: string }) => Promise<void>;
  /** a foreground berth attached to the container removes it itself when --rm is set */
  attachedPid?: number;
  /**
   * Leave out conmon's exit hook: a foreground run records the exit and cleans up itself, and if
   * it is killed first the next berth command does (repairContainers). Saves a second Node
   * process competing for the CPU at every container exit.
   */
  noExitHook?: boolean;
  /** pods: runs once the container's namespaces and /dev/shm exist, before the runtime creates it */
  prepared?: () => void;
}

/** Where berth puts the container's cgroup, under each v1 hierarchy or the v2 tree. */
export function cgroupsPathFor(rec: Pick<ContainerRecord, 'id' | 'spec'>): string {
  return `${rec.spec.cgroupParent ?? '/berth'}/${rec.id}`;
}

/**
 * Start a created or exited container: mount its root filesystem, write the OCI config, have
 * conmon create it through the runtime, then start its process. A failure at any step undoes the
 * earlier ones and leaves the container as it was, with the error recorded.
 */
export async function startContainer(ctx: EngineContext, ref: string, opts: StartOptions = {}): Promise<ContainerRecord> {
  return withContainer(ctx, ref, (rec, seen) => {
    // a start that ran while this one waited for the lock did what was asked (it may even have
    // ended already): starting once is what concurrent starts of one container mean. One that
    // failed did not: this one tries again, and reports its own error
    if (rec.state.runId !== seen.state.runId && rec.state.error === '') return rec;
    if (!checkVerb('start', rec.state.status, rec)) return rec;
    return startLocked(ctx, rec, opts);
  });
}

async function startLocked(ctx: EngineContext, rec: ContainerRecord, opts: StartOptions): Promise<ContainerRecord> {
  const p = containerPaths(ctx.paths, rec.id);
  const runtime = ctx.runtime();
  // leftovers of an earlier run (runtime state, exit file) would make create fail or lie about the exit;
  // a container never started has none, and skipping runc saves ~15 ms on every `run`
  // (a starter killed between the runtime's start and recording it leaves state behind too)
  if (rec.state.startedAt !== ZERO_TIME || fs.existsSync(path.join(ctx.paths.runtimeState, rec.id))) {
    await runtime.delete(rec.id, true).catch(() => undefined);
  }
  fs.rmSync(p.exitFile, { force: true });
  fs.rmSync(p.oomFile, { force: true });
  fs.mkdirSync(p.runDir, { recursive: true, mode: 0o700 });
  // a late exit hook of the previous run (restart) must not `runc delete` this one
  const runId = randomHex(8);
  ctx.containers.updateState(rec.id, (s) => {
    const { hookDeferred: _old, ...rest } = s;
    return { ...rest, runId };
  });

  let net: StartNetwork | undefined;
  try {
    // pods: the pod's cgroup (its limits) and, for a member, its infra running
    const podJoin = await beforePodContainerStart(ctx, rec);
    // networks: the namespace now, the CNI chain once conmon is under way
    net = podJoin?.network ?? (await networkForStart(ctx, rec));
    trace('netns made');
    // pods: an infra's root is its empty directory (catatonit is bound in), no overlay
    if (!rec.spec.podInfra && !isMountPoint(p.rootfs)) {
      const overlay = keepIdRootfs(ctx, rec, p) ?? ctx.layers.overlayMount(rec.image.chainIds, p.upper, p.work);
      // --rm: nothing of the upper dir outlives the run, so nothing needs syncing to disk; without
      // volatile the unmount syncs the whole upper filesystem (podman mounts --rm ones so too)
      if (rec.spec.autoRemove && !overlay.options.includes('volatile')) overlay.options.push('volatile');
      mountOverlay(overlay, p.rootfs);
    }
    // --userns=keep-id: the user in the container's passwd and group, as podman adds them
    const keepId = rootlessMode();
    if (keepId && rec.spec.usernsMode === 'keep-id' && !rec.spec.podInfra) {
      addKeepIdUser(p.rootfs, { name: keepId.user, uid: keepId.uid, gid: keepId.gid, home: hostHome(keepId.uid) });
    }
    const volumeSources = prepareVolumes(ctx, rec, p.rootfs);
    const shmPath = podJoin?.shmPath ?? joinedShm(ctx, rec);
    opts.prepared?.();
    trace('rootfs mounted');
    const rt = rec.spec.resources.cpuRealtimeRuntime;
    if (rt && ctx.hostFacts().cgroupVersion === 1) ensureRealtimeBudget(path.dirname(cgroupsPathFor(rec)), rt);
    const rootless = rootlessSpecInput(rec, ctx.hostFacts().cgroupVersion);
    const spec = generateRuntimeSpec({
      spec: rootless?.spec ?? rec.spec,
      ...(rootless ? { rootless: rootless.input } : {}),
      image: rec.image.config,
      rootfs: p.rootfs,
      containerId: rec.id,
      hostname: rec.spec.hostname ?? '',
      cgroupsPath: cgroupsPathFor(rec),
      host: ctx.hostFacts(),
      etcFiles:
        net.etcFiles ??
        (rec.spec.network === 'host'
          ? // containers created before host-network ones had a hosts file keep the image's
            { resolvConf: p.resolvConf, hostname: p.hostname, ...(fs.existsSync(p.hosts) ? { hosts: p.hosts } : {}) }
          : { hosts: p.hosts, resolvConf: p.resolvConf, hostname: p.hostname }),
      namespacePaths: { ...(net.networkNamespace ? { network: net.networkNamespace } : {}), ...(podJoin?.namespaces ?? joinedNamespaces(ctx, rec)) },
      ...(shmPath ? { shmPath } : {}),
      volumeSources,
      ...(rec.spec.init ? { initPath: findInit() } : {}),
    });
    fs.writeFileSync(p.config, ociJson(spec));
    trace('config.json written');
    const creating = createWithConmon({
      id: rec.id,
      bundle: p.bundle,
      runtime: { path: ctx.runtimeInfo().path, root: ctx.paths.runtimeState },
      conmonPath: ctx.conmonPath(),
      // --log-driver none: conmon writes nowhere (attach still works, `logs` refuses)
      logPath: rec.spec.logConfig?.type === 'none' ? '/dev/null' : p.log,
      ...(logSizeMax(rec.spec) !== undefined ? { logSizeMax: logSizeMax(rec.spec) } : {}),
      exitDir: ctx.paths.exits,
      socketDir: ctx.paths.sockets,
      pidFile: p.pidFile,
      conmonPidFile: p.conmonPidFile,
      terminal: rec.spec.tty,
      stdin: rec.spec.openStdin,
      leaveStdinOpen: keepsStdinOpen(rec.spec),
      // the exit hook is berth in the user's namespace, rootless as the command that started it
      env: rootlessEnv(),
      ...(opts.noExitHook ? {} : { exitCommand: ctx.exitCommand(rec.id, runId) }),
    });
    // the CNI chain runs while the runtime creates the container (conmon is already spawned)
    net.launch();
    trace('conmon and CNI launched');
    const created = await creating;
    trace('runtime created');
    await net.ready();
    if (isSlirp(rec.spec.network)) await startSlirp(ctx, rec.id, created.pid, slirpPublish(rec));
    trace('network ready');
    if (opts.beforeStart) await opts.beforeStart({ id: rec.id, bundle: p.bundle });
    trace('attached');
    await runtime.start(rec.id, { initPid: created.pid });
    trace('runtime started');
    const now = new Date().toISOString();
    const attachedPid = opts.attachedPid ?? 0;
    const times = {
      pidStartTime: startTimeOf(created.pid),
      conmonStartTime: startTimeOf(created.conmonPid),
      attachedStartTime: attachedPid > 0 ? startTimeOf(attachedPid) : 0,
    };
    const startState = ctx.containers.updateState(rec.id, (s) => {
      const base = {
        ...s,
        pid: created.pid,
        conmonPid: created.conmonPid,
        ...times,
        startedAt: now,
        error: '',
        stoppedByUser: false,
        attachedPid,
        oomKilled: false,
      };
      const code = readExitCode(ctx.paths.exits, rec.id);
      // a process that already ended (the exit hook may even have run before us) is recorded as exited
      if (code !== null)
        return { ...base, status: 'exited', exitCode: code < 0 ? 137 : code, pid: 0, conmonPid: 0, finishedAt: now, oomKilled: fs.existsSync(p.oomFile) };
      return { ...base, status: 'running', exitCode: 0 };
    });
    containerEvent(ctx, rec, 'start');
    // conmon's exit hook of a process that ended at once waits for this lock, then finds the exit
    // recorded here and applies --rm and the restart policy
    if (startState?.status === 'exited') died(ctx, { ...rec, state: startState }, startState.exitCode, startState.oomKilled);
    const latest = ctx.containers.get(rec.id);
    // a process that ended at once may already be gone with its exit hook (--rm): that is a start
    if (!latest) return { ...rec, state: startState ?? rec.state };
    const started = refreshContainer(ctx, latest);
    await net.started(started, { callerFinalizes: opts.attachedPid !== undefined });
    startHealthMonitor(ctx, started);
    trace('start done');
    return started;
  } catch (e) {
    const err = e instanceof BerthError ? e : wrap(e, `starting container "${rec.name}"`);
    await runtime.delete(rec.id, true).catch(() => undefined);
    await net?.abort();
    if (isSlirp(rec.spec.network)) stopSlirp(ctx, rec.id);
    if (isMountPoint(p.rootfs)) unmount(p.rootfs);
    ctx.containers.updateState(rec.id, (s) => ({
      ...s,
      status: s.status === 'created' ? 'created' : 'exited',
      error: err.message,
      exitCode: err.kind === 'CommandNotFound' ? 127 : err.kind === 'CannotInvoke' ? 126 : 128,
    }));
    throw err;
  }
}

/**
 * A rootless container's part of the runtime config: the host's /sys for host networking, and
 * for --userns=keep-id a user namespace of its own keeping the user's uid and gid inside (the
 * process runs as them unless --user says otherwise).
 */
function rootlessSpecInput(
  rec: ContainerRecord,
  cgroupVersion: 1 | 2,
): { spec: ContainerRecord['spec']; input: NonNullable<GenerateInput['rootless']> } | undefined {
  const mode = rootlessMode();
  if (!mode) return undefined;
  const input: NonNullable<GenerateInput['rootless']> = { hostNetwork: rec.spec.network === 'host', ...(mode.singleId ? { singleId: true } : {}) };
  // a cgroup v2 subtree delegated to the user: the container's cgroup goes under it, with its limits
  const cg = rootlessCgroup(cgroupVersion);
  if (cg.available) {
    prepareCgroupParent(cg);
    input.cgroupsPath = rootlessCgroupsPath(cg, rec.id);
  }
  if (rec.spec.usernsMode !== 'keep-id') return { spec: rec.spec, input };
  const oci = (m: IdMapping) => ({ containerID: m.containerId, hostID: m.hostId, size: m.size });
  input.uidMappings = keepIdMapping(mode.uid, mappedCount(mode.uidMap)).map(oci);
  input.gidMappings = keepIdMapping(mode.gid, mappedCount(mode.gidMap)).map(oci);
  return { spec: { ...rec.spec, user: rec.spec.user || `${mode.uid}:${mode.gid}` }, input };
}

/** -p, and for -P every exposed port not published already, on a host port the kernel picks. */
function slirpPublish(rec: ContainerRecord): PortSpec[] {
  const out = [...rec.spec.publish];
  if (!rec.spec.publishAll) return out;
  for (const e of exposedPorts(rec)) {
    const [port, proto = 'tcp'] = e.split('/');
    const containerPort = Number(port);
    if (!Number.isInteger(containerPort) || out.some((p) => p.containerPort === containerPort && p.protocol === proto)) continue;
    out.push({ hostIp: '', hostPort: 0, containerPort, protocol: proto as PortSpec['protocol'] });
  }
  return out;
}

/** --log-opt max-size (json-file, local): docker's units, as conmon's --log-size-max takes bytes. */
function logSizeMax(spec: ContainerRecord['spec']): number | undefined {
  const v = spec.logConfig?.config['max-size'];
  if (v === undefined || v === '-1') return undefined;
  return parseBytes(v, '--log-opt max-size');
}

/** A running container named by `container:NAME` in --pid/--ipc (docker's error when it is not running). */
function runningPeer(ctx: EngineContext, mode: string | undefined, what: string): ContainerRecord | undefined {
  if (!mode?.startsWith('container:')) return undefined;
  const other = refreshContainer(ctx, ctx.containers.lookup(mode.slice('container:'.length)));
  if (other.state.status !== 'running' && other.state.status !== 'paused') {
    throw new BerthError('FailedPrecondition', `cannot join ${what} of a non running container: ${other.name}`);
  }
  return other;
}

/** --pid/--ipc container:NAME (and a pod member's uts): the other container's namespaces, by its process's /proc entry. */
function joinedNamespaces(ctx: EngineContext, rec: ContainerRecord): { pid?: string; ipc?: string; uts?: string } {
  const pid = runningPeer(ctx, rec.spec.pidMode, 'PID');
  const ipc = runningPeer(ctx, rec.spec.ipcMode, 'IPC');
  const uts = runningPeer(ctx, rec.spec.utsMode, 'UTS');
  return {
    ...(pid ? { pid: `/proc/${pid.state.pid}/ns/pid` } : {}),
    ...(ipc ? { ipc: `/proc/${ipc.state.pid}/ns/ipc` } : {}),
    ...(uts ? { uts: `/proc/${uts.state.pid}/ns/uts` } : {}),
  };
}

/**
 * The /dev/shm a container binds instead of a tmpfs of its own: a `shareable` one's is mounted on
 * the host (its container dir's shm) so that `--ipc container:NAME` can share it, as docker does;
 * such a peer must be shareable (docker's rule: a private one's /dev/shm is not reachable).
 */
function joinedShm(ctx: EngineContext, rec: ContainerRecord): string | undefined {
  if (rec.spec.ipcMode === 'shareable') {
    const shm = shmDir(ctx, rec.id);
    fs.mkdirSync(shm, { recursive: true, mode: 0o700 });
    if (!isMountPoint(shm)) mountFilesystem('shm', shm, 'tmpfs', ['nosuid', 'nodev', 'noexec', 'mode=1777', `size=${rec.spec.shmSize ?? 64 * 1024 * 1024}`]);
    return shm;
  }
  const ipc = runningPeer(ctx, rec.spec.ipcMode, 'IPC');
  if (!ipc) return undefined;
  if (ipc.spec.ipcMode !== 'shareable')
    throw new BerthError('FailedPrecondition', `non-shareable IPC (hint: use --ipc shareable for the donor container ${ipc.name})`);
  return shmDir(ctx, ipc.id);
}

/** Where a shareable container's /dev/shm is mounted on the host. */
export function shmDir(ctx: EngineContext, id: string): string {
  return path.join(containerPaths(ctx.paths, id).dir, 'shm');
}
