import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { intArg, collectFilter } from '../options.js';
import { warn } from '../diagnostics.js';

const DEFAULT_TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
const HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Status: 'STATUS',
  Ports: 'PORTS',
  Names: 'NAMES',
  State: 'STATE',
  Size: 'SIZE',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  Networks: 'NETWORKS',
  LocalVolumes: 'LOCAL VOLUMES',
};

interface PsFlags {
  all?: boolean;
  quiet?: boolean;
  filter: string[];
  format?: string;
  last?: number;
  latest?: boolean;
  /** commander's negated --no-trunc: false when given */
  trunc: boolean;
  size?: boolean;
}

/** `berth ps`: docker's columns, filters and --format. */
export function registerPs(parent: Command, ctx: CliContext, name = 'ps', aliases: string[] = []): void {
  parent
    .command(name)
    .aliases(aliases)
    .description('List containers')
    .option('-a, --all', 'show all containers (default shows just running)')
    .option('-q, --quiet', 'only display container IDs')
    .option('-f, --filter <filter>', 'filter output based on conditions provided', collectFilter, [])
    .option('--format <format>', 'format output using a Go template, "table", or "json"')
    .option('-n, --last <int>', 'show n last created containers (includes all states)', intArg('-n, --last'))
    .option('-l, --latest', 'show the latest created container (includes all states)')
    .option('--no-trunc', "don't truncate output")
    .option('-s, --size', 'display total file sizes')
    .action(async (f: PsFlags) => {
      const [{ parseFilters, matchContainer }, { refreshContainer }, fmt, { containerRows, containerNetworks }] = await Promise.all([
        import('../../core/containers/filter.js'),
        import('../../core/containers/exit.js'),
        import('../../core/format/index.js'),
        import('../../core/containers/ps-rows.js'),
      ]);
      const filters = parseFilters(f.filter);
      const engine = await ctx.engine();
      const { healthOf } = await import('../../core/containers/health.js');
      let list = engine.containers.list().map((c) => refreshContainer(engine, c));
      const all = f.all || f.last !== undefined || f.latest;
      if (!all && !filters.has('status') && !filters.has('exited')) list = list.filter((c) => c.state.status === 'running' || c.state.status === 'paused' || c.state.status === 'restarting');
      const names = (id: string) => engine.images.find(id)?.tags ?? [];
      list = list.filter((c) =>
        matchContainer(c, filters, {
          imageNames: names,
          health: (rec) => healthOf(engine, rec)?.Status ?? 'none',
          networks: (rec) => containerNetworks(engine, rec, true),
          created: (ref) => {
            try {
              return engine.containers.lookup(ref).created;
            } catch {
              return undefined;
            }
          },
        }),
      );
      if (f.latest) list = list.slice(0, 1);
      else if (f.last !== undefined && f.last >= 0) list = list.slice(0, f.last);
      if (f.quiet) {
        if (f.format) warn(ctx.stderr, 'WARNING: Ignoring custom format, because both --format and --quiet are set.\n');
        for (const c of list) ctx.stdout.write(`${!f.trunc ? c.id : c.id.slice(0, 12)}\n`);
        return;
      }
      // docker computes sizes when the template uses .Size, even without --size
      const size = !!f.size || (f.format !== undefined && /\.Size\b/.test(f.format));
      let table = DEFAULT_TABLE;
      if (f.size) table += '\t{{.Size}}';
      // the default table needs only its own columns; any other format may show any field
      const fields = f.format === undefined || f.format === '' || f.format === 'table' ? new Set([...table.matchAll(/\{\{\.(\w+)\}\}/g)].map((m) => m[1] ?? '')) : undefined;
      const rows = containerRows(engine, list, { noTrunc: !f.trunc, size, ...(fields ? { fields } : {}) });
      const out = fmt.formatRows({ format: f.format, defaultTable: table, rows, headers: HEADERS });
      ctx.stdout.write(out);
    });
}
