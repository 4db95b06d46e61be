import type { Command } from 'commander';
import type { CliContext } from '../context.js';

const TABLE = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
const HEADERS = {
  ID: 'CONTAINER ID',
  Container: 'CONTAINER',
  Name: 'NAME',
  CPUPerc: 'CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET I/O',
  BlockIO: 'BLOCK I/O',
  PIDs: 'PIDS',
};

/** `berth stats [--no-stream] [--format]`: cgroup counters, sampled twice for the CPU rate. */
export function registerStats(parent: Command, ctx: CliContext, name = 'stats'): void {
  parent
    .command(name)
    .description('Display a live stream of container(s) resource usage statistics')
    .argument('[containers...]')
    .option('-a, --all', 'show all containers (default shows just running)')
    .option('--no-stream', 'disable streaming stats and only pull the first result')
    .option('--no-trunc', 'do not truncate output')
    .option('--format <format>', 'format output using a Go template')
    .action(async (targets: string[], f: { all?: boolean; stream: boolean; trunc: boolean; format?: string }) => {
      const { sampleStats, cpuPercent } = await import('../../core/containers/stats.js');
      const { refreshContainer } = await import('../../core/containers/exit.js');
      const { formatRows, humanSizeWithPrecision, bytesSize } = await import('../../core/format/index.js');
      const humanSize = (n: number) => humanSizeWithPrecision(n, 3);
      const engine = await ctx.engine();
      const pick = () =>
        (targets.length ? targets.map((t) => engine.containers.lookup(t)) : engine.containers.list())
          .map((c) => refreshContainer(engine, c))
          .filter((c) => targets.length > 0 || f.all || c.state.status === 'running');
      let prev = new Map<string, ReturnType<typeof sampleStats>>();
      for (const c of pick()) if (c.state.status === 'running') prev.set(c.id, sampleStats(engine, c));
      for (;;) {
        await new Promise((r) => setTimeout(r, f.stream ? 1000 : 500));
        const list = pick();
        const next = new Map<string, ReturnType<typeof sampleStats>>();
        const rows = list.map((c) => {
          const running = c.state.status === 'running' || c.state.status === 'paused';
          const s = running ? sampleStats(engine, c) : undefined;
          if (s) next.set(c.id, s);
          const p = prev.get(c.id);
          return {
            ID: f.trunc ? c.id.slice(0, 12) : c.id,
            Container: targets.find((t) => c.id.startsWith(t) || c.name === t) ?? c.id.slice(0, 12),
            Name: c.name,
            CPUPerc: s && p ? `${cpuPercent(p, s).toFixed(2)}%` : '0.00%',
            MemUsage: s ? `${bytesSize(s.memUsage)} / ${bytesSize(s.memLimit)}` : '0B / 0B',
            MemPerc: s?.memLimit ? `${((s.memUsage / s.memLimit) * 100).toFixed(2)}%` : '0.00%',
            NetIO: s ? `${humanSize(s.netRx)} / ${humanSize(s.netTx)}` : '0B / 0B',
            BlockIO: s ? `${humanSize(s.blkRead)} / ${humanSize(s.blkWrite)}` : '0B / 0B',
            PIDs: s ? String(s.pids) : '0',
          };
        });
        prev = next;
        const out = formatRows({ format: f.format, defaultTable: TABLE, rows, headers: HEADERS });
        if (f.stream && ctx.stdout.isTTY) ctx.stdout.write('\x1b[2J\x1b[H');
        ctx.stdout.write(out);
        if (!f.stream) return;
      }
    });
}
