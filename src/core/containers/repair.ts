import fs from 'node:fs';
import type { EngineContext } from '../engine-context.js';
import { isProcessAlive } from '../runtime/process-util.js';
import { containerPaths } from './container-paths.js';
import { finalizeExit, refreshContainer } from './exit.js';
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
      if (c0.pendingPid !== process.pid && !isProcessAlive(c0.pendingPid)) {
        removeContainerFiles(ctx, c0.id);
        ctx.containers.delete(c0.id);
      }
      continue;
    }
    const c = refreshContainer(ctx, c0);
    if (c.state.status !== 'exited') continue;
    const attachedElsewhere = c.state.attachedPid > 0 && c.state.attachedPid !== process.pid && isProcessAlive(c.state.attachedPid);
    if (attachedElsewhere) continue;
    if (c.spec.autoRemove) {
      await removeContainer(ctx, c.id, { force: true, volumes: true }).catch(() => undefined);
    } else if (mounted.has(containerPaths(ctx.paths, c.id).rootfs)) {
      await finalizeExit(ctx, c);
    }
  }
  // networks: sandboxes of containers that are not running (berth or conmon killed with -9)
  await repairNetworks(ctx, (id) => {
    const c = ctx.containers.get(id);
    return !!c && (c.pendingPid > 0 || ['running', 'paused', 'restarting'].includes(refreshContainer(ctx, c).state.status));
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
