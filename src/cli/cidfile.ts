import fs from 'node:fs';
import { BerthError } from '../core/errors/berth-error.js';
import type { Engine } from '../core/engine.js';

/** --cidfile: refused before anything is created when the file exists, as docker does. */
export function checkCidfile(file: string | undefined): void {
  if (file !== undefined && fs.existsSync(file)) {
    throw new BerthError('InvalidArgument', `container ID file found, make sure the other container isn't running or delete ${file}`);
  }
}

/**
 * Write the new container's id (created exclusively: a race with another run loses cleanly);
 * when that fails, the error is the command's (and createForRun removes the container again).
 */
export async function writeCidfile(_engine: Engine, file: string | undefined, id: string): Promise<void> {
  if (file === undefined) return;
  try {
    fs.writeFileSync(file, id, { flag: 'wx' });
  } catch (e) {
    throw new BerthError('InvalidArgument', `failed to create the container ID file: ${e instanceof Error ? e.message : String(e)}`);
  }
}
