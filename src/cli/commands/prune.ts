import { registerBuild } from './build.js';
import { pruneFilters } from '../prune-filters.js';
import { registerEvents } from './events.js';
import { BerthError } from '../../core/errors/berth-error.js';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { collectFilter } from '../options.js';
import { confirm, PRUNE_WARNINGS, systemPruneWarning } from '../confirm.js';
import { registerInfo } from './system.js';

export function registerContainerPrune(parent: Command, ctx: CliContext): void {
  parent
    .command('prune')
    .description('Remove all stopped containers')
    .option('-f, --force', 'do not prompt for confirmation')
    .option('--filter <filter>', 'provide filter values (e.g. "until=<timestamp>")', collectFilter, [])
    .action(async (f: { filter: string[]; force?: boolean }) => {
      const { pruneContainers } = await import('../../core/containers/prune.js');
      const { humanSize } = await import('../../core/format/index.js');
      const filters = await pruneFilters(f.filter);
      if (!f.force && !(await confirm(ctx, PRUNE_WARNINGS.container))) return;
      const r = await pruneContainers(await ctx.engine(), { filters });
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
    .action(async (f: { format?: string; verbose?: boolean }) => {
      const { diskUsage, verboseDiskUsage } = await import('../../core/system/df.js');
      const { formatRows, humanSize, humanSizeWithPrecision, createdAgo, statusText, truncateCommand } = await import('../../core/format/index.js');
      if (f.verbose && !f.format) {
        // docker's -v: a table per kind
        const v = verboseDiskUsage(await ctx.engine());
        const now = new Date();
        const ago = (iso: string) => (iso ? createdAgo(new Date(iso), now) : 'N/A');
        const section = (title: string, table: string, rows: Array<Record<string, string>>, headers: Record<string, string>) =>
          `${title}\n\n${formatRows({ format: undefined, defaultTable: table, rows, headers })}\n`;
        ctx.stdout.write(
          section(
            'Images space usage:',
            'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}',
            v.images.map((i) => ({
              Repository: i.repository,
              Tag: i.tag,
              ID: i.id.replace(/^sha256:/, '').slice(0, 12),
              CreatedSince: ago(i.created),
              Size: humanSizeWithPrecision(i.size, 3),
              SharedSize: humanSize(i.sharedSize),
              UniqueSize: humanSize(i.uniqueSize),
              Containers: String(i.containers),
            })),
            {
              Repository: 'REPOSITORY',
              Tag: 'TAG',
              ID: 'IMAGE ID',
              CreatedSince: 'CREATED',
              Size: 'SIZE',
              SharedSize: 'SHARED SIZE',
              UniqueSize: 'UNIQUE SIZE',
              Containers: 'CONTAINERS',
            },
          ) +
            section(
              'Containers space usage:',
              'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}',
              v.containers.map((c) => ({
                ID: c.id.slice(0, 12),
                Image: c.image,
                Command: truncateCommand(c.command, 20),
                LocalVolumes: String(c.localVolumes),
                Size: humanSizeWithPrecision(c.size, 3),
                RunningFor: ago(c.created),
                Status: statusText({ status: c.state, exitCode: c.exitCode, startedAt: new Date(c.startedAt), finishedAt: new Date(c.finishedAt), now }),
                Names: c.name,
              })),
              {
                ID: 'CONTAINER ID',
                Image: 'IMAGE',
                Command: 'COMMAND',
                LocalVolumes: 'LOCAL VOLUMES',
                Size: 'SIZE',
                RunningFor: 'CREATED',
                Status: 'STATUS',
                Names: 'NAMES',
              },
            ) +
            section(
              'Local Volumes space usage:',
              'table {{.Name}}\t{{.Links}}\t{{.Size}}',
              v.volumes.map((x) => ({ Name: x.name, Links: String(x.links), Size: humanSize(x.size) })),
              { Name: 'VOLUME NAME', Links: 'LINKS', Size: 'SIZE' },
            ) +
            // the records `system df` sums for its Build Cache row (berth counts no uses: no USAGE column)
            `Build cache usage: ${humanSize(v.buildCache.reduce((n, r) => n + r.size, 0))}\n\n` +
            formatRows({
              format: undefined,
              defaultTable: 'table {{.ID}}\t{{.Type}}\t{{.Size}}\t{{.Created}}\t{{.LastUsed}}\t{{.Shared}}',
              rows: v.buildCache.map((r) => ({
                ID: r.id.replace(/^sha256:/, '').slice(0, 12),
                Type: r.type,
                Size: humanSize(r.size),
                Created: ago(r.created),
                LastUsed: ago(r.lastUsed),
                Shared: String(r.shared),
              })),
              headers: { ID: 'CACHE ID', Type: 'CACHE TYPE', Size: 'SIZE', Created: 'CREATED', LastUsed: 'LAST USED', Shared: 'SHARED' },
            }),
        );
        return;
      }
      const u = diskUsage(await ctx.engine());
      const rows = u.map((r) => ({
        Type: r.type,
        TotalCount: String(r.total),
        Active: String(r.active),
        Size: humanSize(r.size),
        // docker: an integer percentage of a non-empty total (none for an empty one, nor for the build cache)
        Reclaimable:
          r.size > 0 && r.type !== 'Build Cache' ? `${humanSize(r.reclaimable)} (${Math.floor((r.reclaimable * 100) / r.size)}%)` : humanSize(r.reclaimable),
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
    .description(
      'Remove unused data: stopped containers, unused networks, dangling images (all unused with -a), the build cache, and with --volumes unused anonymous volumes',
    )
    .option('-a, --all', 'remove all unused images not just dangling ones')
    .option('-f, --force', 'do not prompt for confirmation')
    .option('--volumes', 'prune anonymous volumes')
    .option('--filter <filter>', 'provide filter values', collectFilter, [])
    .action(async (f: { all?: boolean; volumes?: boolean; filter: string[]; force?: boolean }) => {
      const { pruneContainers } = await import('../../core/containers/prune.js');
      const { pruneVolumes } = await import('../../core/volumes/prune.js');
      const { humanSize } = await import('../../core/format/index.js');
      // the filters choose containers, networks, images and with --volumes volumes (their labels:
      // docker refuses until= with --volumes) and the build cache (until=; it has no labels)
      const filters = await pruneFilters(f.filter);
      if (f.volumes && filters.until !== undefined) throw new BerthError('InvalidArgument', 'the "until" filter is not supported with "--volumes"');
      if (!f.force && !(await confirm(ctx, systemPruneWarning({ all: !!f.all, volumes: !!f.volumes, filters: f.filter })))) return;
      const engine = await ctx.engine();
      const c = await pruneContainers(engine, { filters });
      let reclaimed = c.reclaimed;
      if (c.removed.length) ctx.stdout.write(`Deleted Containers:\n${c.removed.join('\n')}\n\n`);
      const { pruneNetworks } = await import('../../core/networks/index.js');
      const nets = pruneNetworks(engine, filters);
      if (nets.length) ctx.stdout.write(`Deleted Networks:\n${nets.join('\n')}\n\n`);
      if (f.volumes) {
        const v = pruneVolumes(engine, { all: false, filters: { labels: filters.labels ?? [] } });
        reclaimed += v.reclaimed;
        if (v.removed.length) ctx.stdout.write(`Deleted Volumes:\n${v.removed.join('\n')}\n\n`);
      }
      const i = engine.images.prune({
        all: !!f.all,
        usedBy: (id: string) => engine.containers.usersOf(id),
        liveChainIds: engine.containers.liveChainIds(),
        filters,
        labelsOf: (id: string) => engine.images.config(id).config?.Labels ?? {},
      });
      reclaimed += i.spaceReclaimed;
      if (i.untagged.length || i.deleted.length) {
        ctx.stdout.write('Deleted Images:\n');
        for (const u of i.untagged) ctx.stdout.write(`untagged: ${u}\n`);
        for (const d of i.deleted) ctx.stdout.write(`deleted: ${d}\n`);
        ctx.stdout.write('\n');
      }
      // docker's system prune empties the build cache too, as far as the filters select it: a
      // step carries no labels, so label=K selects none of it and label!=K all of it
      if (!(filters.labels ?? []).some((l) => !l.negate)) {
        const { pruneBuildCache } = await import('../../core/build/cache-prune.js');
        reclaimed += pruneBuildCache(engine, filters.until ? { until: filters.until } : {}).reclaimed;
      }
      ctx.stdout.write(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
    });
}

/** `berth builder prune` (docker's): the build cache and RUN cache mounts. */
export function registerBuilder(program: Command, ctx: CliContext): void {
  const g = program.command('builder').description('Manage builds');
  registerBuild(g, ctx);
  g.command('prune')
    .description('Remove build cache')
    .option('-a, --all', 'remove all unused build cache, not just dangling ones (the same here)')
    .option('-f, --force', 'do not prompt for confirmation')
    .option('--filter <filter>', 'provide filter values: until=<duration or timestamp> (not used since)', collectFilter, [])
    .option('--keep-storage <bytes>', 'amount of disk space to keep for cache (least recently used goes first)')
    .action(async (f: { filter: string[]; keepStorage?: string; all?: boolean; force?: boolean }) => {
      const { pruneBuildCache } = await import('../../core/build/cache-prune.js');
      const { humanSize } = await import('../../core/format/index.js');
      const { parseSince } = await import('./logs.js');
      const { parseBytes } = await import('../../core/spec/parse/bytes.js');
      let until: Date | undefined;
      for (const v of f.filter) {
        const m = /^until=(.+)$/.exec(v);
        if (!m) throw new BerthError('InvalidArgument', `invalid filter '${v}': builder prune takes until=<duration or timestamp>`);
        until = parseSince(m[1] as string);
      }
      if (!f.force && !(await confirm(ctx, f.all ? PRUNE_WARNINGS.allBuildCache : PRUNE_WARNINGS.danglingBuildCache))) return;
      const r = pruneBuildCache(await ctx.engine(), {
        ...(until ? { until } : {}),
        ...(f.keepStorage !== undefined ? { keepStorage: parseBytes(f.keepStorage, '--keep-storage') } : {}),
      });
      ctx.stdout.write(`Total:\t${humanSize(r.reclaimed)}\n`);
    });
}
