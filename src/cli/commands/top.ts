import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerTop(parent: Command, ctx: CliContext, name = 'top'): void {
  parent
    .command(name)
    .description('Display the running processes of a container')
    .argument('<container>')
    .argument('[ps-options...]')
    .passThroughOptions()
    .allowUnknownOption()
    .action(async (target: string, psArgs: string[]) => {
      const { topContainer } = await import('../../core/containers/top.js');
      const { formatTable } = await import('../../core/format/index.js');
      const r = await topContainer(await ctx.engine(), target, psArgs);
      ctx.stdout.write(formatTable([r.Titles, ...r.Processes]));
    });
}
