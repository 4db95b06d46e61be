import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerDiff(parent: Command, ctx: CliContext, name = 'diff'): void {
  parent
    .command(name)
    .description("Inspect changes to files or directories on a container's filesystem")
    .argument('<container>')
    .action(async (target: string) => {
      const { containerDiff } = await import('../../core/containers/diff.js');
      for (const c of containerDiff(await ctx.engine(), target)) ctx.stdout.write(`${c.kind} ${c.path}\n`);
    });
}
