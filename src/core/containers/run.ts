import type { Readable, Writable } from 'node:stream';
import type { EngineContext } from '../engine-context.js';
import { trace } from '../trace.js';
import { attach, attachSocketPath, resizeTerminal, type AttachSession } from '../runtime/attach.js';
import { parseDetachKeys, DEFAULT_DETACH_KEYS } from '../runtime/detach-keys.js';
import type { ContainerSpec } from '../spec/container-spec.js';
import type { ContainerRecord } from './container-record.js';
import { createContainer } from './create.js';
import { finalizeExit, waitForStop, recordLostExit } from './exit.js';
import { removeContainer } from './remove.js';
import { repairContainers } from './repair.js';
import { startContainer } from './start.js';
import { withContainer } from './locked.js';
import { withObjectLock } from '../locks.js';
import { podStore } from '../pods/pod-store.js';
import { BerthError } from '../errors/berth-error.js';

/**
 * `run` and `create` as the engine service does them, for every caller (the CLI, the API
 * server): repair what killed commands left, resolve the image (the caller's pull policy and
 * progress), create, then start detached or attached. A failure after the container exists
 * undoes what this run made (an --rm container goes).
 */
export interface CreateForRunOptions {
  /** the image id to create from: pulls as the caller's policy says (docker's `--pull`) */
  resolveImage: (image: string) => Promise<string>;
  /** once the container exists (the CLI writes --cidfile); a throw removes the container again */
  onCreated?: (id: string) => Promise<void> | void;
  /**
   * Where the container goes, once its image is known (a pod: its namespaces, cgroup and ports);
   * `undo` takes back what placing it made when the container cannot be created.
   */
  place?: (spec: ContainerSpec) => Promise<{ spec: ContainerSpec; undo: () => Promise<void> }>;
}

function createPodMember(ctx: EngineContext, spec: ContainerSpec): ContainerRecord {
  if (spec.pod !== undefined && !podStore(ctx).get(spec.pod)) throw new BerthError('NotFound', `no such pod: ${spec.pod}`);
  return createContainer(ctx, spec);
}

export async function createForRun(ctx: EngineContext, spec: ContainerSpec, opts: CreateForRunOptions): Promise<ContainerRecord> {
  await repairContainers(ctx);
  trace('repaired');
  const imageId = await opts.resolveImage(spec.image);
  // a short name the search list resolved to another registry is known here by its id
  const resolved = ctx.images.find(spec.image) ? spec : { ...spec, image: imageId };
  const placed = opts.place ? await opts.place(resolved) : undefined;
  const final = placed?.spec ?? resolved;
  let rec: ContainerRecord;
  try {
    // pods: a member is created under its pod's lock, so a pod removed meanwhile is not joined
    rec = final.pod ? await withObjectLock(ctx.paths, 'pod', final.pod, () => createPodMember(ctx, final)) : createContainer(ctx, final);
  } catch (e) {
    await placed?.undo();
    throw e;
  }
  trace('created');
  if (opts.onCreated) {
    try {
      await opts.onCreated(rec.id);
    } catch (e) {
      await removeContainer(ctx, rec.id, { force: true, volumes: true }).catch(() => undefined);
      throw e;
    }
  }
  return rec;
}

/** `run -d`: create and start; an --rm container whose start failed is removed. */
export async function runDetached(ctx: EngineContext, spec: ContainerSpec, opts: CreateForRunOptions): Promise<ContainerRecord> {
  const rec = await createForRun(ctx, spec, opts);
  try {
    return await startContainer(ctx, rec.id);
  } catch (e) {
    if (spec.autoRemove) await removeContainer(ctx, rec.id, { force: true, volumes: true }).catch(() => undefined);
    throw e;
  }
}

export interface ForegroundIo {
  /** attach stdin (-i) from this stream */
  stdin: Readable | null;
  stdout: Writable;
  stderr: Writable;
  /** the container's stdin is a terminal the user types in: detach keys apply */
  interactiveTty: boolean;
  /** --detach-keys (default ctrl-p,ctrl-q) */
  detachKeys?: string;
}

export interface ForegroundHooks {
  /**
   * Signals to forward to the container (docker's --sig-proxy): called before the start with the
   * forwarder, returns the undo. One that comes while the process starts is held back and sent
   * once it runs (it may already have printed), rather than lost.
   */
  relaySignals?: (forward: (signal: NodeJS.Signals) => void) => () => void;
  /**
   * Once the container is created, before its process starts: bind the caller's terminal (raw
   * mode, resizes through `resize`); returns the undo.
   */
  bindTerminal?: (control: { resize: (rows: number, cols: number) => void; signal: (sig: NodeJS.Signals) => void }) => () => void;
  /** the terminal's size, set before the process starts */
  initialSize?: { rows: number; cols: number };
}

/** How a foreground run ended: the container's exit code, or the user detached (it runs on). */
export type ForegroundEnd = { exitCode: number } | { detached: true };

/**
 * Start a container with the caller's streams attached: connect to conmon's attach socket after
 * the runtime created the container and before its process starts (conmon keeps no replay),
 * relay the streams and signals, then wait for the exit and record it; an --rm container is
 * removed before this returns. The exit hook is left out when there is no restart policy: this
 * session records the exit and cleans up (the next command's repair does if it is killed).
 */
export async function runForeground(ctx: EngineContext, id: string, io: ForegroundIo, hooks: ForegroundHooks = {}): Promise<ForegroundEnd> {
  let session: AttachSession | undefined;
  let bundle = '';
  let started = false;
  const pending: NodeJS.Signals[] = [];
  const forward = (sig: NodeJS.Signals) =>
    void ctx
      .runtime()
      .kill(id, sig, false)
      .catch(() => undefined);
  const stopRelay = hooks.relaySignals?.((sig) => (started ? forward(sig) : pending.push(sig))) ?? (() => undefined);
  let unbind = () => {};
  let detached = false;
  const spec = ctx.containers.lookup(id).spec;
  try {
    const rec = await startContainer(ctx, id, {
      attachedPid: process.pid,
      noExitHook: spec.restartPolicy.name === 'no',
      beforeStart: async (info) => {
        bundle = info.bundle;
        session = await attach({
          socketPath: attachSocketPath(ctx.paths.sockets, info.id),
          stdin: io.stdin,
          stdout: io.stdout,
          stderr: io.stderr,
          tty: spec.tty,
          // docker's ctrl-p ctrl-q leaves an interactive terminal container running
          ...(io.interactiveTty ? { detachKeys: parseDetachKeys(io.detachKeys ?? DEFAULT_DETACH_KEYS) } : {}),
        });
        if (spec.tty && hooks.initialSize) resizeTerminal(bundle, hooks.initialSize.rows, hooks.initialSize.cols);
        // raw before the process starts: what it prints first (a shell's banner) is raw output too
        unbind = hooks.bindTerminal?.({ resize: (rows, cols) => bundle && resizeTerminal(bundle, rows, cols), signal: forward }) ?? unbind;
      },
    });
    started = true;
    for (const sig of pending.splice(0)) forward(sig);
    if ((await session?.done) === 'detached') {
      detached = true;
      return { detached: true };
    }
    // conmon's exit file, or the process's end when conmon itself was killed
    const code = await waitForStop(ctx, rec);
    trace('exit seen');
    if (code === null) {
      const lost = await withContainer(ctx, id, (cur) => recordLostExit(ctx, cur, 255)).catch(() => undefined);
      return { exitCode: lost?.state.exitCode ?? 255 };
    }
    return { exitCode: code < 0 ? 137 : code };
  } finally {
    stopRelay();
    unbind();
    session?.close();
    const rec = detached ? undefined : ctx.containers.get(id);
    if (rec) {
      // --rm: removal finalizes the exit itself, its file work beside the tear-down
      if (spec.autoRemove) await removeContainer(ctx, id, { force: true, volumes: true }).catch(() => finalizeExit(ctx, rec));
      else await withContainer(ctx, id, (cur) => finalizeExit(ctx, cur)).catch(() => undefined);
      trace('finalized');
    }
  }
}
