import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';

/**
 * cgroup v1 gives a group real-time CPU time only out of its parent's budget, and new groups
 * start with none: `--cpu-rt-runtime` would always fail under berth's parent group. docker has a
 * daemon flag for the parent's budget; berth has no daemon, so the parents of the container's
 * group get at least what it asks for, top down (the kernel checks each against its parent).
 */
export function ensureRealtimeBudget(parentPath: string, runtimeUs: number, cpuRoot = '/sys/fs/cgroup/cpu'): void {
  let dir = cpuRoot;
  for (const part of parentPath.split('/').filter((p) => p !== '')) {
    dir = path.join(dir, part);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'cpu.rt_runtime_us');
    if (!fs.existsSync(file)) return; // a kernel without RT group scheduling: the runtime reports it
    if (Number(fs.readFileSync(file, 'utf8')) >= runtimeUs) continue;
    try {
      fs.writeFileSync(file, String(runtimeUs));
    } catch (e) {
      throw new BerthError(
        'InvalidArgument',
        `--cpu-rt-runtime ${runtimeUs}: the real-time budget of ${dir} cannot be raised to it (${(e as Error).message}): more than the host's real-time CPU time allows`,
      );
    }
  }
}
