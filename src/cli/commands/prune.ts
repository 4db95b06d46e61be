import { registerEvents } from './events.js';
import { BerthError } from '../../core/errors/berth-error.js';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { collect } from '../options.js';
import { registerInfo } from './system.js';

export function registerContainerPrune(parent: Command, ctx: CliContext): void {
  parent
    .command('prune')
    .description('Remove all stopped containers')
    .option('-f, --force', 'do not prompt for confirmation')
    .option('--filter <filter>', 'provide filter values (e.g. "until=<timestamp>")', collect, [])
    .action(async (f: { filter: string[] }) => {
      const { pruneContainers } = await import('../../core/containers/prune.js');
      const { humanSize } = await import('../../core/format/index.js');
      const r = await pruneContainers(await ctx.engine(), { filters: await pruneFilters(f.filter) });
      if (r.removed.length) ctx.stdout.write(`Deleted Containers:\n${r.removed.join('\n')}\n\n`);
      ctx.stdout.write(`Total reclaimed space: ${humanSize(r.reclaimed)}\n`);
    });
}

/** `berth system df|prune|info`. */
export function registerSystemGroup(program: Command, ctx: CliContext): void {
  const g = program.command('system').description('Manage berth');
  registerInfo(g, ctx);
  registerEvents(g, ctx);
  g.command('df')
    .description('Show berth disk usage')
    .option('-v, --verbose', 'show detailed information on space usage')
    .option('--format <format>', 'format output using a Go template')
    .action(async (f: { format?: string }) => {
      const { diskUsage } = await import('../../core/system/df.js');
      const { formatRows, humanSize } = await import('../../core/format/index.js');
      const u = diskUsage(await ctx.engine());
      const rows = u.map((r) => ({
        Type: r.type,
        TotalCount: String(r.total),
        Active: String(r.active),
        Size: humanSize(r.size),
        Reclaimable: r.size > 0 ? `${humanSize(r.reclaimable)} (${Math.round((r.reclaimable / r.size) * 100)}%)` : `${humanSize(r.reclaimable)} (0%)`,
      }));
      ctx.stdout.write(
        formatRows({
          format: f.format,
          defaultTable: 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}',
          rows,
          headers: { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' },
        }),
      );
    });
  g.command('prune')
    .description('Remove unused data: stopped containers, dangling images (all unused with -a), and with --volumes unused volumes')
    .option('-a, --all', 'remove all unused images not just dangling ones')
    .option('-f, --force', 'do not prompt for confirmation')
    .option('--volumes', 'prune anonymous volumes')
    .option('--filter <filter>', 'provide filter values', collect, [])
    .action(async (f: { all?: boolean; volumes?: boolean; filter: string[] }) => {
      const { pruneContainers } = await import('../../core/containers/prune.js');
      const { pruneVolumes } = await import('../../core/volumes/prune.js');
      const { humanSize } = await import('../../core/format/index.js');
      const engine = await ctx.engine();
      // the filters choose the containers (images and volumes: not yet)
      const c = await pruneContainers(engine, { filters: await pruneFilters(f.filter) });
      let reclaimed = c.reclaimed;
      if (c.removed.length) ctx.stdout.write(`Deleted Containers:\n${c.removed.join('\n')}\n\n`);
      if (f.volumes) {
        const v = pruneVolumes(engine, { all: false });
        reclaimed += v.reclaimed;
        if (v.removed.length) ctx.stdout.write(`Deleted Volumes:\n${v.removed.join('\n')}\n\n`);
      }
      const i = engine.images.prune({ all: !!f.all, usedBy: (id: string) => engine.containers.usersOf(id), liveChainIds: engine.containers.liveChainIds() });
      reclaimed += i.spaceReclaimed;
      if (i.untagged.length || i.deleted.length) {
        ctx.stdout.write('Deleted Images:\n');
        for (const u of i.untagged) ctx.stdout.write(`untagged: ${u}\n`);
        for (const d of i.deleted) ctx.stdout.write(`deleted: ${d}\n`);
        ctx.stdout.write('\n');
      }
      ctx.stdout.write(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
    });
}

/** `until=TIME`, `label=K[=V]`, `label!=K[=V]`: the filters docker's prune commands take. */
async function pruneFilters(values: readonly string[]): Promise<import('../../core/containers/prune.js').PruneFilters> {
  const { parseSince } = await import('./logs.js');
  const out: import('../../core/containers/prune.js').PruneFilters = {};
  for (const v of values) {
    const m = /^(until|label!?)=(.*)$/.exec(v);
    if (!m) throw new BerthError('InvalidArgument', `invalid filter '${v}': prune takes until=<timestamp> and label=<key>[=<value>]`);
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'until') out.until = parseSince(value);
    else {
      const eq = value.indexOf('=');
      (out.labels ??= []).push({ key: eq < 0 ? value : value.slice(0, eq), ...(eq < 0 ? {} : { value: value.slice(eq + 1) }), negate: key === 'label!' });
    }
  }
  return out;
}
