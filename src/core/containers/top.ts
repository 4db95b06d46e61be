import { execFileSync } from 'node:child_process';
import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import { refreshContainer } from './exit.js';
import { rootlessMode } from '../rootless/mode.js';
import { pidsInNamespaceOf } from '../rootless/limits.js';

/**
 * docker top: run the host's `ps` with the user's options (default -ef) and keep the rows of the
 * container's processes (the runtime lists them from the container's cgroup).
 */
export async function topContainer(ctx: EngineContext, ref: string, psArgs: string[]): Promise<{ Titles: string[]; Processes: string[][] }> {
  const rec = refreshContainer(ctx, ctx.containers.lookup(ref));
  if (rec.state.status !== 'running' && rec.state.status !== 'paused') {
    throw new BerthError('Conflict', `container ${rec.id} is not running`);
  }
  // a rootless container has no cgroup for the runtime to list: its pid namespace instead
  const pids = new Set((rootlessMode() && rec.spec.pidMode !== 'host' ? pidsInNamespaceOf(rec.state.pid) : await ctx.runtime().ps(rec.id)).map(String));
  const args = psArgs.length ? psArgs : ['-ef'];
  let out: string;
  try {
    out = execFileSync('ps', args, { encoding: 'utf8' });
  } catch (e) {
    throw new BerthError('InvalidArgument', `ps: ${(e as { stderr?: string }).stderr?.trim() || 'failed'}`);
  }
  const lines = out.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0] ?? '';
  const titles = header.trim().split(/\s+/);
  const pidCol = titles.indexOf('PID');
  if (pidCol < 0) throw new BerthError('InvalidArgument', `couldn't find PID field in ps output`);
  const processes: string[][] = [];
  for (const l of lines.slice(1)) {
    const fields = l.trim().split(/\s+/);
    if (!pids.has(fields[pidCol] ?? '')) continue;
    // the last column (CMD/COMMAND) may hold spaces: keep it whole
    const head = fields.slice(0, titles.length - 1);
    head.push(fields.slice(titles.length - 1).join(' '));
    processes.push(head);
  }
  return { Titles: titles, Processes: processes };
}
