import { Option, type Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import type { CliContext } from '../context.js';
import { collect, collectFilter } from '../options.js';
import { forEachTarget } from '../multi.js';
import { registerInspect } from './inspect.js';

/** `berth volume create|ls|inspect|rm|prune`. */
export function registerVolume(parent: Command, ctx: CliContext): void {
  const vol = parent.command('volume').description('Manage volumes');
  vol
    .command('create')
    .description('Create a volume')
    .argument('[name]')
    .option('-d, --driver <driver>', 'volume driver name', 'local')
    .option('--label <KEY=VALUE>', 'set metadata for a volume', collect, [])
    .option('-o, --opt <k=v>', 'set driver specific options', collect, [])
    .addOption(new Option('--name <name>', "specify volume name (docker's older spelling of the argument)").hideHelp())
    .action(async (arg: string | undefined, f: { driver: string; label: string[]; opt: string[]; name?: string }) => {
      if (arg !== undefined && f.name !== undefined && arg !== f.name) {
        throw new BerthError('InvalidArgument', 'conflicting options: either specify --name or provide positional arg, not both');
      }
      const name = arg ?? f.name;
      const engine = await ctx.engine();
      const labels = Object.fromEntries(f.label.map((l) => [l.split('=')[0] ?? l, l.includes('=') ? l.slice(l.indexOf('=') + 1) : '']));
      const options: Record<string, string> = {};
      for (const o of f.opt) {
        const i = o.indexOf('=');
        if (i <= 0) throw new BerthError('InvalidArgument', `invalid option "${o}": expected key=value`);
        options[o.slice(0, i)] = o.slice(i + 1);
      }
      const v = engine.volumes.create({ ...(name ? { name } : {}), labels, driver: f.driver, options });
      ctx.stdout.write(`${v.name}\n`);
    });
  vol
    .command('ls')
    .alias('list')
    .description('List volumes')
    .option('-q, --quiet', 'only display volume names')
    .option('-f, --filter <filter>', 'provide filter values (dangling=true, name=, label=)', collectFilter, [])
    .option('--format <format>', 'format output using a Go template')
    .action(async (f: { quiet?: boolean; filter: string[]; format?: string }) => {
      const { formatRows } = await import('../../core/format/index.js');
      const { listVolumes } = await import('../../core/volumes/list.js');
      const list = listVolumes(await ctx.engine(), f.filter);
      if (f.quiet) {
        for (const v of list) ctx.stdout.write(`${v.name}\n`);
        return;
      }
      const rows = list.map((v) => ({
        Driver: 'local',
        Name: v.name,
        Mountpoint: v.mountpoint,
        Scope: 'local',
        Labels: Object.entries(v.labels)
          .map(([k, x]) => `${k}=${x}`)
          .sort()
          .join(','),
        CreatedAt: v.created,
        // docker's ls has no usage data (system df -v has) and no cluster volumes: N/A
        Links: 'N/A',
        Size: 'N/A',
        Availability: 'N/A',
        Group: 'N/A',
        Status: 'N/A',
      }));
      ctx.stdout.write(
        formatRows({
          format: f.format,
          defaultTable: 'table {{.Driver}}\t{{.Name}}',
          rows,
          headers: {
            Driver: 'DRIVER',
            Name: 'VOLUME NAME',
            Mountpoint: 'MOUNTPOINT',
            Scope: 'SCOPE',
            Labels: 'LABELS',
            CreatedAt: 'CREATED',
            Links: 'LINKS',
            Size: 'SIZE',
            Availability: 'AVAILABILITY',
            Group: 'GROUP',
            Status: 'STATUS',
          },
        }),
      );
    });
  registerInspect(vol, ctx, 'inspect', 'volume');
  vol
    .command('rm')
    .alias('remove')
    .description('Remove one or more volumes')
    .argument('<names...>')
    .option('-f, --force', 'force the removal of one or more volumes')
    .action(async (names: string[], f: { force?: boolean }) => {
      const { volumeUser } = await import('../../core/containers/volumes.js');
      const engine = await ctx.engine();
      await forEachTarget(
        ctx,
        names,
        async (n) => {
          engine.volumes.remove(n, () => volumeUser(engine, n), !!f.force);
          return n;
        },
        { ignoreNotFound: !!f.force },
      );
    });
  vol
    .command('prune')
    .description('Remove unused local volumes')
    .option('-a, --all', 'remove all unused volumes, not just anonymous ones')
    .option('-f, --force', 'do not prompt for confirmation')
    .option('--filter <filter>', 'provide filter values (label=<key>[=<value>], label!=<key>[=<value>], all=<bool>)', collectFilter, [])
    .action(async (f: { all?: boolean; filter: string[]; force?: boolean }) => {
      const { pruneVolumes } = await import('../../core/volumes/prune.js');
      const { confirm, PRUNE_WARNINGS } = await import('../confirm.js');
      const { humanSize } = await import('../../core/format/index.js');
      const { volumePruneFilters } = await import('../prune-filters.js');
      // a bad filter is refused before anything is removed
      const filters = volumePruneFilters(f.filter);
      if (f.all && f.filter.some((x) => x.startsWith('all='))) {
        throw new BerthError('InvalidArgument', 'conflicting options: cannot specify both --all and --filter all=1');
      }
      const all = !!f.all || filters.all === true;
      if (!f.force && !(await confirm(ctx, all ? PRUNE_WARNINGS.allVolumes : PRUNE_WARNINGS.anonymousVolumes))) return;
      const engine = await ctx.engine();
      const r = pruneVolumes(engine, { all: !!f.all || filters.all === true, filters: { labels: filters.labels } });
      if (r.removed.length) ctx.stdout.write(`Deleted Volumes:\n${r.removed.join('\n')}\n\n`);
      ctx.stdout.write(`Total reclaimed space: ${humanSize(r.reclaimed)}\n`);
    });
}
