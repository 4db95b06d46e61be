import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** `berth port`: the ports a running container publishes, as docker prints them. */
export function registerPort(parent: Command, ctx: CliContext, name = 'port'): void {
  parent
    .command(name)
    .description('List port mappings or a specific mapping for the container')
    .argument('<container>')
    .argument('[port]', 'PRIVATE_PORT[/PROTO]')
    .action(async (target: string, port: string | undefined) => {
      const [{ publishedPorts }, { BerthError }] = await Promise.all([import('../../core/networks/index.js'), import('../../core/errors/berth-error.js')]);
      const engine = await ctx.engine();
      const rec = engine.containers.lookup(target);
      const mapped = publishedPorts(engine, rec.id)
        .slice()
        .sort((a, b) => a.containerPort - b.containerPort || a.protocol.localeCompare(b.protocol))
        .map((p) => ({ key: `${p.containerPort}/${p.protocol}`, host: joinHostPort(p.hostIp || '0.0.0.0', p.hostPort) }));
      if (port !== undefined) {
        const key = port.includes('/') ? port : `${port}/tcp`;
        const m = mapped.filter((x) => x.key === key);
        if (m.length === 0) throw new BerthError('NotFound', `no public port '${key}' published for ${rec.name}`);
        for (const x of m) ctx.stdout.write(`${x.host}\n`);
        return;
      }
      for (const x of mapped) ctx.stdout.write(`${x.key} -> ${x.host}\n`);
    });
}

/** host:port as Go's net.JoinHostPort writes it, which docker's port command uses: [ipv6]:port. */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
