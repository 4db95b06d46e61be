import fs from 'node:fs';
import type { EngineContext } from '../engine-context.js';
import { isProcessAlive } from '../runtime/process-util.js';
import { removeContainerFiles } from './remove.js';

/**
 * Undo what a killed berth left behind: rows of containers whose creating process died before
 * finishing, and exit files of containers that no longer exist. Cheap enough to run on every
 * command that changes containers.
 */
export function repairContainers(ctx: EngineContext): void {
  for (const c of ctx.containers.list(true)) {
    if (c.pendingPid > 0 && c.pendingPid !== process.pid && !isProcessAlive(c.pendingPid)) {
      removeContainerFiles(ctx, c.id);
      ctx.containers.delete(c.id);
    }
  }
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
