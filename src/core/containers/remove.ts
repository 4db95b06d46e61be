import { containerEvent } from '../events/container-events.js';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import { unmount, isMountPoint } from '../host/mount.js';
import { containerPaths } from './container-paths.js';
import { finalizeExit, refreshContainer } from './exit.js';
import { withContainer } from './locked.js';
import { isOutOfSpace } from '../metadata/space-reserve.js';
import { lockFilePath } from '../locks.js';
import { checkVerb, isActive } from './transitions.js';
import { killAndWait } from './stop.js';
import { anonymousVolumes, volumeUser } from './volumes.js';
import { forgetContainerNetworks } from '../networks/index.js';
import { checkRemovable } from '../pods/member.js';

export interface RemoveOptions {
  force?: boolean;
  /** also remove the anonymous volumes the container created (docker rm -v) */
  volumes?: boolean;
  /** pods: the pod itself is being removed, its infra container with it */
  podRemoval?: boolean;
}

/**
 * Remove a container: refused while it runs unless forced (then killed first), under the
 * container's lock. Once committed the status is `removing`; the row goes last, so a crash
 * part-way leaves a container that a second `rm` finishes removing. When it returns the
 * container's mounts, network endpoints, cgroup and runtime state are gone, and so is its lock
 * file; conmon's exit hook, waiting for the lock meanwhile, then finds nothing to do.
 */
export async function removeContainer(ctx: EngineContext, ref: string, opts: RemoveOptions = {}): Promise<string> {
  // pods: an infra container goes only with its pod
  if (!opts.podRemoval) checkRemovable(ctx, refreshContainer(ctx, ctx.containers.lookup(ref)));
  if (opts.force) {
    // the kill goes out at once, even while another command holds the container (a stop waiting
    // out its timeout): only the removal waits for the lock
    const seen = refreshContainer(ctx, ctx.containers.lookup(ref));
    if (seen.state.status === 'running' || seen.state.status === 'paused') {
      ctx.containers.updateState(seen.id, (s) => ({ ...s, stoppedByUser: true }));
      await ctx
        .runtime()
        .kill(seen.id, 'KILL', true)
        .catch(() => undefined);
    }
  }
  return withContainer(ctx, ref, async (found, _seen, lock) => {
    let rec = found;
    checkVerb(opts.force ? 'forceRemove' : 'remove', rec.state.status, rec);
    if (isActive(rec.state.status)) {
      ctx.containers.updateState(rec.id, (s) => ({ ...s, stoppedByUser: true }));
      rec = await killAndWait(ctx, rec, 'SIGKILL', 10_000);
    }
    // `removing` marks a removal a crash interrupted; on a full disk it cannot be written, and
    // the removal (which frees the space) goes on without it, under the lock all the same
    try {
      const removing = ctx.containers.updateState(rec.id, (s) => ({ ...s, status: 'removing' }));
      if (removing) rec = { ...rec, state: removing };
    } catch (e) {
      if (!isOutOfSpace(e)) throw e;
    }
    // the runtime's delete and the network's tear-down run while the files go (finalizeExit has
    // unmounted the root filesystem before its first wait); the kernel deleting a veth alone
    // takes 15-25 ms
    const finalized = finalizeExit(ctx, rec);
    const anon = opts.volumes ? anonymousVolumes(ctx, rec) : [];
    removeContainerFiles(ctx, rec.id);
    await finalized;
    // networks: tear-down (again, idempotent) and the container's endpoints
    await forgetContainerNetworks(ctx, rec.id).catch(() => undefined);
    ctx.containers.delete(rec.id);
    lock.discard();
    containerEvent(ctx, rec, 'destroy');
    for (const v of anon) {
      try {
        ctx.volumes.remove(v, () => volumeUser(ctx, v), true);
      } catch {
        /* another container took it up meanwhile: it stays */
      }
    }
    return rec.id;
  });
}

/** Everything on disk a container owns, removed idempotently. */
export function removeContainerFiles(ctx: EngineContext, id: string): void {
  const p = containerPaths(ctx.paths, id);
  // the root filesystem and a shareable /dev/shm: never delete through a mount
  for (const m of [p.rootfs, path.join(p.dir, 'shm')]) if (isMountPoint(m)) unmount(m);
  fs.rmSync(p.dir, { recursive: true, force: true });
  fs.rmSync(p.runDir, { recursive: true, force: true });
  fs.rmSync(p.exitFile, { force: true });
  fs.rmSync(path.join(ctx.paths.sockets, id), { recursive: true, force: true });
  // the lock that picks who replaces a dead health monitor (health.ts)
  fs.rmSync(lockFilePath(ctx.paths, 'container', `${id}.health`), { force: true });
}

/**
 * docker's `rm --link /web/db`: container web forgets its link aliased db (its /etc/hosts gets
 * the change at its next start, as docker's does).
 */
export function removeLink(ctx: EngineContext, link: string): void {
  const m = /^\/?([^/]+)\/([^/]+)$/.exec(link);
  if (!m) throw new BerthError('InvalidArgument', `invalid link "${link}": expected /CONTAINER/ALIAS`);
  const rec = ctx.containers.lookup(m[1] as string);
  const alias = m[2] as string;
  const links = rec.spec.links ?? [];
  const kept = links.filter((l) => (l.includes(':') ? l.slice(l.indexOf(':') + 1) : l) !== alias);
  if (kept.length === links.length) throw new BerthError('NotFound', `Could not find link "${link}"`);
  ctx.containers.setSpec(rec.id, { ...rec.spec, links: kept });
}
