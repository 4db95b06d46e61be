import fs from 'node:fs';
import type { EngineContext } from '../engine-context.js';
import { isLive } from '../runtime/process-util.js';
import { withContainerIfFree } from './locked.js';
import { containerPaths } from './container-paths.js';
import { finalizeExit, monitorGone, processLive, refreshContainer } from './exit.js';
import type { ContainerRecord } from './container-record.js';
import { isActive } from './transitions.js';
import { removeContainer, removeContainerFiles } from './remove.js';
import { repairNetworks } from '../networks/index.js';
import { mountPoints } from '../host/mountinfo.js';

/**
 * Undo what a killed berth left behind, so every command that changes containers starts from a
 * consistent store:
 * - rows of containers whose creating process died before finishing;
 * - containers that exited while nobody watched (a foreground `run` killed with -9 has no exit
 *   hook): record the exit, unmount, delete the runtime state, and remove `--rm` ones;
 * - exit files of containers that no longer exist.
 */
export async function repairContainers(ctx: EngineContext): Promise<void> {
  // read once, and only when an exited container is found (~3 ms with a few hundred mounts)
  let mountedOnce: Set<string> | undefined;
  const mounted = (): Set<string> => (mountedOnce ??= mountPoints());
  // conmon's exit files, listed once rather than looked for container by container
  let exits: string[] = [];
  try {
    exits = fs.readdirSync(ctx.paths.exits);
  } catch {
    // no container ever ran
  }
  const exitFiles = new Set(exits);
  // the status of each container this pass found and left as it was, for the network pass
  const seen = new Map<string, ContainerRecord['state']['status']>();
  for (const c0 of ctx.containers.states()) {
    if (c0.pendingPid > 0) {
      if (c0.pendingPid !== process.pid && !isLive(c0.pendingPid, c0.state.creatorStartTime)) {
        removeContainerFiles(ctx, c0.id);
        ctx.containers.delete(c0.id);
      }
      continue;
    }
    // the whole record only for one whose exit is to be recorded (refreshContainer's cases)
    let c: Pick<ContainerRecord, 'id' | 'state'> & { autoRemove: boolean } = c0;
    if (isActive(c0.state.status) && (exitFiles.has(c0.id) || (monitorGone(c0) && !processLive(c0)))) {
      const full = ctx.containers.get(c0.id);
      if (!full) continue;
      c = { ...refreshContainer(ctx, full), autoRemove: full.spec.autoRemove };
    }
    const killedRemoval = c.state.status === 'removing';
    seen.set(c.id, c.state.status);
    if (c.state.status !== 'exited' && !killedRemoval) continue;
    const attachedElsewhere = c.state.attachedPid > 0 && c.state.attachedPid !== process.pid && isLive(c.state.attachedPid, c.state.attachedStartTime);
    if (attachedElsewhere && !killedRemoval) continue;
    const needsRemoval = c.autoRemove || killedRemoval;
    if (!needsRemoval && !mounted().has(containerPaths(ctx.paths, c.id).rootfs)) continue;
    seen.delete(c.id);
    // a container some command holds is that command's to finish (a removal under way, an exit
    // hook): repair never waits for it
    await withContainerIfFree(ctx, c.id, async (cur) => {
      if (needsRemoval) await removeContainer(ctx, cur.id, { force: true, volumes: true });
      else await finalizeExit(ctx, cur);
    }).catch(() => undefined);
  }
  // networks: sandboxes of containers that are not running (berth or conmon killed with -9)
  await repairNetworks(ctx, (id) => {
    const status = seen.get(id);
    if (status !== undefined && isActive(status)) return true;
    const c = ctx.containers.get(id);
    return !!c && (c.pendingPid > 0 || isActive(refreshContainer(ctx, c).state.status));
  });
  for (const f of exits) {
    if (/^[0-9a-f]{64}$/.test(f) && !ctx.containers.has(f)) fs.rmSync(`${ctx.paths.exits}/${f}`, { force: true });
  }
}
