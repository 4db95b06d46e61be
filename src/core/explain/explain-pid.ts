import type { EngineContext } from '../engine-context.js';
import { BerthError } from '../errors/index.js';
import { otherContainers } from './explain-container.js';
import { readHostSide, type HostSide } from './host-reference.js';
import { explainProcess } from './read-process.js';
import type { PidExplanation } from './types.js';

/** `--pid N`: any process, in a container or not (a podman container's, the shell's own). */
export function explainPid(ctx: EngineContext, pidText: string, host: HostSide = readHostSide(ctx.hostFacts())): PidExplanation {
  if (!/^\d+$/.test(pidText) || Number(pidText) < 1) throw new BerthError('InvalidArgument', `invalid pid: "${pidText}"`);
  let conmonPath: string | null = null;
  try {
    conmonPath = ctx.conmonPath();
  } catch {
    /* roles are found by name */
  }
  const process = explainProcess(Number(pidText), { host, others: otherContainers(ctx, null), conmonPath, hints: null });
  return { kind: 'process', process, host: host.ref };
}
