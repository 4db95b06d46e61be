import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** `berth attach`: this terminal to a running container's stdio, until it exits or you detach. */
export function registerAttach(parent: Command, ctx: CliContext, name = 'attach'): void {
  parent
    .command(name)
    .description('Attach local standard input, output, and error streams to a running container')
    .argument('<container>')
    .option('--no-stdin', 'do not attach STDIN')
    .option('--no-sig-proxy', 'do not proxy received signals to the process')
    .option('--detach-keys <keys>', 'override the key sequence for detaching a container')
    .action(async (target: string, f: { stdin: boolean; sigProxy: boolean; detachKeys?: string }) => {
      const { attachToRunning } = await import('../attach-session.js');
      const code = await attachToRunning(ctx, await ctx.engine(), target, f);
      if (code !== undefined) ctx.setExitCode(code);
    });
}
