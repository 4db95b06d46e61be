import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { intArg, collectFilter } from '../options.js';
import { warn } from '../diagnostics.js';
import { trace } from '../../core/trace.js';

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
  pod?: boolean;
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
    .option('--pod', 'show the pod of each container (POD ID and PODNAME columns)')
    .action(async (f: PsFlags) => {
      const [{ parseFilters }, { listContainers, podOfContainer }, fmt, { containerRows }] = await Promise.all([
        import('../../core/containers/filter.js'),
        import('../../core/containers/list.js'),
        import('../../core/format/index.js'),
        import('../../core/containers/ps-rows.js'),
      ]);
      trace('ps modules loaded');
      const filters = parseFilters(f.filter);
      const engine = await ctx.engine();
      trace('engine open');
      // docker: a limit above 0 (-n N, -l) lists every state; -n 0 or -1 is no limit at all
      const last = f.last !== undefined && f.last > 0 ? f.last : undefined;
      let list = listContainers(engine, { all: !!(f.all || last !== undefined || f.latest), filters });
      if (f.latest && last === undefined) list = list.slice(0, 1);
      else if (last !== undefined) list = list.slice(0, last);
      if (f.quiet) {
        if (f.format) warn(ctx.stderr, 'WARNING: Ignoring custom format, because both --format and --quiet are set.\n');
        for (const c of list) ctx.stdout.write(`${!f.trunc ? c.id : c.id.slice(0, 12)}\n`);
        return;
      }
      // docker computes sizes when the template uses .Size, even without --size
      const size = !!f.size || (f.format !== undefined && /\.Size\b/.test(f.format));
      let table = DEFAULT_TABLE;
      if (f.size) table += '\t{{.Size}}';
      if (f.pod) table += '\t{{.Pod}}\t{{.PodName}}';
      // the default table needs only its own columns; any other format may show any field
      const fields =
        f.format === undefined || f.format === '' || f.format === 'table' ? new Set([...table.matchAll(/\{\{\.(\w+)\}\}/g)].map((m) => m[1] ?? '')) : undefined;
      trace('containers listed');
      const rows = containerRows(engine, list, { noTrunc: !f.trunc, size, ...(fields ? { fields } : {}) });
      trace('rows made');
      const withPods =
        f.pod || (f.format !== undefined && /\.Pod/.test(f.format))
          ? rows.map((r, i) => {
              const [id = '', podName = ''] = podOfContainer(engine, list[i] as { spec: { pod?: string } });
              return { ...r, Pod: f.trunc ? id.slice(0, 12) : id, PodName: podName };
            })
          : rows;
      const out = fmt.formatRows({ format: f.format, defaultTable: table, rows: withPods, headers: { ...HEADERS, Pod: 'POD ID', PodName: 'PODNAME' } });
      trace('formatted');
      ctx.stdout.write(out);
    });
}
