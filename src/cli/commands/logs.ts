import type { Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import type { CliContext } from '../context.js';

import { parseSince } from '../../core/format/time-arg.js';

export { parseSince };

export function registerLogs(parent: Command, ctx: CliContext, name = 'logs'): void {
  parent
    .command(name)
    .description('Fetch the logs of a container')
    .argument('<container>')
    .option('-f, --follow', 'follow log output')
    .option('-n, --tail <n>', 'number of lines to show from the end of the logs ("all")', 'all')
    .option('-t, --timestamps', 'show timestamps')
    .option('--since <time>', 'show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m)')
    .option('--until <time>', 'show logs before a timestamp or relative')
    .option('--details', 'show extra details provided to logs')
    .action(async (target: string, f: { follow?: boolean; tail: string; timestamps?: boolean; since?: string; until?: string; details?: boolean }) => {
      const { readLogs, logAttributes } = await import('../../core/runtime/logs.js');
      const { refreshContainer } = await import('../../core/containers/exit.js');
      const { containerPaths } = await import('../../core/containers/container-paths.js');
      let tail: number | undefined;
      // docker: a number of lines; "all", or any negative number, is every line
      if (f.tail !== 'all') {
        if (!/^[-+]?\d+$/.test(f.tail)) throw new BerthError('InvalidArgument', `invalid value for "tail": "${f.tail}"`);
        if (Number(f.tail) >= 0) tail = Number(f.tail);
      }
      const engine = await ctx.engine();
      const rec = engine.containers.lookup(target);
      if (rec.spec.logConfig?.type === 'none') throw new BerthError('FailedPrecondition', 'configured logging driver does not support reading');
      const p = containerPaths(engine.paths, rec.id);
      const ac = new AbortController();
      process.once('SIGINT', () => ac.abort());
      await readLogs(
        p.log,
        {
          ...(tail !== undefined ? { tail } : {}),
          ...(f.since ? { since: parseSince(f.since) } : {}),
          ...(f.until ? { until: parseSince(f.until, Date.now(), 'until') } : {}),
          timestamps: !!f.timestamps,
          details: !!f.details,
          ...(f.details ? { detailsAttrs: logAttributes(rec.spec.logConfig?.config ?? {}, rec.spec.labels, rec.spec.env) } : {}),
          follow: !!f.follow,
          isRunning: () => {
            const cur = engine.containers.get(rec.id);
            if (!cur) return false;
            const s = refreshContainer(engine, cur).state.status;
            return s === 'running' || s === 'paused' || s === 'restarting';
          },
          signal: ac.signal,
        },
        { stdout: ctx.stdout, stderr: ctx.stderr },
      );
    });
}
