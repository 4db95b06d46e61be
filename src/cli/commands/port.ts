import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** `berth port`: the published ports; empty until networking lands (only none/host exist). */
export function registerPort(parent: Command, ctx: CliContext, name = 'port'): void {
  parent
    .command(name)
    .description('List port mappings or a specific mapping for the container')
    .argument('<container>')
    .argument('[port]', 'PRIVATE_PORT[/PROTO]')
    .action(async (target: string, port: string | undefined) => {
      const engine = await ctx.engine();
      const rec = engine.containers.lookup(target);
      // no port is published before a network that can publish exists; report what docker reports
      const mapped = rec.spec.network === 'host' ? [] : ([] as Array<{ key: string; host: string }>);
      if (port !== undefined) {
        const key = port.includes('/') ? port : `${port}/tcp`;
        const m = mapped.filter((x) => x.key === key);
        if (m.length === 0) throw new (await import('../../core/errors/berth-error.js')).BerthError('NotFound', `no public port '${key}' published for ${rec.name}`);
        for (const x of m) ctx.stdout.write(`${x.host}\n`);
        return;
      }
      for (const x of mapped) ctx.stdout.write(`${x.key} -> ${x.host}\n`);
    });
}
