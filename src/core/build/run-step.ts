import { writeConfigAndManifest } from './write-manifest.js';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { createContainer } from '../containers/create.js';
import { containerPaths } from '../containers/container-paths.js';
import { finalizeExit } from '../containers/exit.js';
import { removeContainer } from '../containers/remove.js';
import { startContainer } from '../containers/start.js';
import type { EngineContext } from '../engine-context.js';
import { BerthError } from '../errors/berth-error.js';
import { immediate } from '../metadata/database.js';
import type { ImageConfig } from '../oci/types.js';
import { attach, attachSocketPath } from '../runtime/attach.js';
import { waitForExit } from '../runtime/exit-file.js';
import { emptyContainerSpec, type MountSpec } from '../spec/container-spec.js';
import { findXattrs } from '../host/special-files.js';
import { isWhiteoutDevice, opaqueXattr } from '../snapshots/whiteouts.js';
import { isEmptyStub } from '../snapshots/list-changes.js';
import type { StepLayer } from './build-cache.js';
import type { RunContainerSettings } from './build-options.js';
import type { ImageState } from './image-state.js';
import { storeLayer } from './store-layer.js';

export interface RunStepOptions {
  argv: string[];
  /** the full environment: the stage's Env plus build args */
  env: string[];
  user?: string;
  workingDir?: string;
  /** 'bridge' (the default network), 'host', 'none' or a network's name */
  network: string;
  /** RUN --mount's mounts; their mount points are left out of the layer */
  mounts?: MountSpec[];
  /** build's --memory, --ulimit, … */
  container?: RunContainerSettings;
  stdout: Writable;
  stderr: Writable;
  signal?: AbortSignal;
}

/** Build steps were cancelled (Ctrl-C): the CLI exits 130 like an interrupted shell. */
export class BuildCancelledError extends BerthError {
  constructor() {
    super('Unavailable', 'build cancelled');
    this.name = 'BuildCancelledError';
  }
}

/**
 * Run one RUN instruction in a real container over the stage's layers and turn what it wrote
 * (the overlay upper dir) into a layer. The container is removed whatever happens; a non-zero
 * exit throws with the code. Mount points runc had to create (/etc/resolv.conf and friends,
 * when the image lacks them) are not part of the layer, as in docker and buildah.
 */
export async function runStep(ctx: EngineContext, state: ImageState, o: RunStepOptions): Promise<StepLayer> {
  if (o.signal?.aborted) throw new BuildCancelledError();
  const imageId = await stepImage(ctx, state);
  let id: string | undefined;
  try {
    const spec = emptyContainerSpec(imageId.id, imageId.id);
    spec.cmd = o.argv;
    spec.entrypoint = [];
    spec.env = o.env;
    if (o.user) spec.user = o.user;
    if (o.workingDir) spec.workingDir = o.workingDir;
    spec.network = o.network;
    spec.mounts = [...(o.mounts ?? [])];
    spec.labels = { 'io.berth.build': 'true' };
    const c = o.container ?? {};
    if (c.resources) spec.resources = { ...spec.resources, ...c.resources };
    if (c.ulimits) spec.ulimits = c.ulimits;
    if (c.shmSize !== undefined) spec.shmSize = c.shmSize;
    if (c.security) spec.security = c.security;
    if (c.extraHosts) spec.extraHosts = c.extraHosts;
    if (c.cgroupParent) spec.cgroupParent = c.cgroupParent;
    // if this process dies, the next berth command's repair removes the exited container
    spec.autoRemove = true;
    id = createContainer(ctx, spec).id;
  } finally {
    if (imageId.temporary) dropStepImage(ctx, imageId.id);
  }
  try {
    const code = await runAttached(ctx, id, o);
    if (code !== 0) {
      throw new BerthError('FailedPrecondition', `running "${o.argv.join(' ')}": exit status ${code}`);
    }
    const upper = containerPaths(ctx.paths, id).upper;
    dropMountStubs(
      ctx,
      state.chainIds,
      upper,
      (o.mounts ?? []).map((m) => m.target),
    );
    const { packDiff } = await import('../snapshots/unpack.js');
    return await storeLayer(ctx, state.chainIds[state.chainIds.length - 1] ?? null, packDiff(upper));
  } finally {
    await removeContainer(ctx, id, { force: true, volumes: true }).catch(() => undefined);
  }
}

async function runAttached(ctx: EngineContext, id: string, o: RunStepOptions): Promise<number> {
  let session: Awaited<ReturnType<typeof attach>> | undefined;
  const onAbort = () =>
    void ctx
      .runtime()
      .kill(id, 'SIGKILL', true)
      .catch(() => undefined);
  try {
    await startContainer(ctx, id, {
      attachedPid: process.pid,
      noExitHook: true,
      beforeStart: async (info) => {
        session = await attach({ socketPath: attachSocketPath(ctx.paths.sockets, info.id), stdin: null, stdout: o.stdout, stderr: o.stderr, tty: false });
      },
    });
    o.signal?.addEventListener('abort', onAbort, { once: true });
    if (o.signal?.aborted) onAbort();
    await session?.done;
    const code = await waitForExit(ctx.paths.exits, id);
    if (o.signal?.aborted) throw new BuildCancelledError();
    return code < 0 ? 137 : code;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    session?.close();
    const rec = ctx.containers.get(id);
    if (rec) await finalizeExit(ctx, rec).catch(() => undefined);
  }
}

/**
 * createContainer takes an image: the stage's state is committed as an untagged image for the
 * moment of creation (the container record copies its layers and config) and dropped again
 * right after, so `berth images` never lists build intermediates. An image that already
 * existed (the unchanged base) is left alone.
 */
async function stepImage(ctx: EngineContext, state: ImageState): Promise<{ id: string; temporary: boolean }> {
  if (state.chainIds.length === 0) throw new BerthError('FailedPrecondition', 'RUN needs a base image with a shell: the stage has no layers (FROM scratch)');
  const rc = state.config.config ?? {};
  const config: ImageConfig = {
    architecture: state.config.architecture,
    os: state.config.os,
    config: { ...(rc.Env ? { Env: rc.Env } : {}) },
    rootfs: { type: 'layers', diff_ids: [...state.config.rootfs.diff_ids] },
  };
  const { configBytes, digest, manifest } = await writeConfigAndManifest(ctx, config, state.layers);
  const existed = ctx.images.byId(digest) !== undefined;
  await ctx.images.commitImage({ manifest, config: configBytes });
  return { id: digest, temporary: !existed };
}

function dropStepImage(ctx: EngineContext, id: string): void {
  const freed = immediate(ctx.db, () => {
    const rec = ctx.images.byId(id);
    // someone tagged it meanwhile: it is theirs now
    if (!rec || rec.tags.length > 0 || rec.digests.length > 0) return undefined;
    return ctx.images.deleteImageRow(id);
  });
  // only the manifest and config blobs: the layers are the build's and the container's
  if (freed) ctx.images.collectBlobs(freed.blobs.slice(0, 2));
}

/** Paths runc creates as mount points when the image lacks them (parents after children). */
const MOUNT_STUBS = ['etc/resolv.conf', 'etc/hosts', 'etc/hostname', 'proc', 'sys', 'dev', 'etc'];

function dropMountStubs(ctx: EngineContext, chainIds: readonly string[], upper: string, targets: readonly string[] = []): void {
  // a RUN mount's target and the directories made to hold it, deepest first
  const extra: string[] = [];
  for (const t of targets) {
    for (let rel = path.posix.normalize(t).replace(/^\/+|\/+$/g, ''); rel !== '' && rel !== '.'; rel = path.posix.dirname(rel)) extra.push(rel);
  }
  extra.sort((a, b) => b.split('/').length - a.split('/').length);
  for (const rel of [...extra, ...MOUNT_STUBS]) {
    const p = path.join(upper, rel);
    if (!isEmptyStub(p)) continue;
    const st = fs.lstatSync(p);
    if (!existsInLowers(ctx, chainIds, rel)) fs.rmSync(p, { recursive: true, force: true });
    // a directory copied up only to hold a mount point: the same as below, but for its times
    else if (st.isDirectory() && sameAsLower(ctx, chainIds, rel, st) && !findXattrs(p, opaqueXattr()).has(p)) fs.rmdirSync(p);
  }
}

/** A copied-up directory whose mode and owner are still those of the lower one. */
function sameAsLower(ctx: EngineContext, chainIds: readonly string[], rel: string, st: fs.Stats): boolean {
  for (let i = chainIds.length - 1; i >= 0; i--) {
    const l = fs.lstatSync(path.join(ctx.layers.diffDir(chainIds[i] as string), rel), { throwIfNoEntry: false });
    if (l) return l.mode === st.mode && l.uid === st.uid && l.gid === st.gid;
  }
  return false;
}

/** Whether rel exists in the merged lower layers: the topmost layer that has it decides. */
function existsInLowers(ctx: EngineContext, chainIds: readonly string[], rel: string): boolean {
  for (let i = chainIds.length - 1; i >= 0; i--) {
    const st = fs.lstatSync(path.join(ctx.layers.diffDir(chainIds[i] as string), rel), { throwIfNoEntry: false, bigint: true });
    if (st) return !isWhiteoutDevice(st);
  }
  return false;
}
