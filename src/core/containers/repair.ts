import fs from 'node:fs';
import type { EngineContext } from '../engine-context.js';
import { isLive } from '../runtime/process-util.js';
import { withContainerIfFree } from './locked.js';
import { containerPaths } from './container-paths.js';
import { finalizeExit, refreshContainer } from './exit.js';
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
  const mounted = mountPoints();
  for (const c0 of ctx.containers.list(true)) {
    if (c0.pendingPid > 0) {
      if (c0.pendingPid !== process.pid && !isLive(c0.pendingPid, c0.state.creatorStartTime)) {
        removeContainerFiles(ctx, c0.id);
        ctx.containers.delete(c0.id);
      }
      continue;
    }
    const c = refreshContainer(ctx, c0);
    const killedRemoval = c.state.status === 'removing';
    if (c.state.status !== 'exited' && !killedRemoval) continue;
    const attachedElsewhere = c.state.attachedPid > 0 && c.state.attachedPid !== process.pid && isLive(c.state.attachedPid, c.state.attachedStartTime);
    if (attachedElsewhere && !killedRemoval) continue;
    const needsRemoval = c.spec.autoRemove || killedRemoval;
    if (!needsRemoval && !mounted.has(containerPaths(ctx.paths, c.id).rootfs)) continue;
    // a container some command holds is that command's to finish (a removal under way, an exit
    // hook): repair never waits for it
    await withContainerIfFree(ctx, c.id, async (cur) => {
      if (needsRemoval) await removeContainer(ctx, cur.id, { force: true, volumes: true });
      else await finalizeExit(ctx, cur);
    }).catch(() => undefined);
  }
  // networks: sandboxes of containers that are not running (berth or conmon killed with -9)
  await repairNetworks(ctx, (id) => {
    const c = ctx.containers.get(id);
    return !!c && (c.pendingPid > 0 || isActive(refreshContainer(ctx, c).state.status));
  });
  let exits: string[] = [];
  try {
    exits = fs.readdirSync(ctx.paths.exits);
  } catch {
    return;
  }
  for (const f of exits) {
    if (/^[0-9a-f]{64}$/.test(f) && !ctx.containers.get(f)) fs.rmSync(`${ctx.paths.exits}/${f}`, { force: true });
  }
}
