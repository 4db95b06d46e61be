import { BerthError } from '../../core/errors/berth-error.js';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { forEachTarget } from '../multi.js';

/** `berth start [-a] [-i] CONTAINER...` */
export function registerStart(parent: Command, ctx: CliContext, name = 'start'): void {
  parent
    .command(name)
    .description('Start one or more stopped containers')
    .argument('<containers...>')
    .option('-a, --attach', 'attach STDOUT/STDERR and forward signals')
    .option('-i, --interactive', "attach container's STDIN")
    .option('--detach-keys <keys>', 'override the key sequence for detaching a container (default "ctrl-p,ctrl-q")')
    .option('--checkpoint <name>', 'restore from this checkpoint (docker experimental: not supported)')
    .option('--checkpoint-dir <dir>', 'directory of the checkpoint (docker experimental: not supported)')
    .action(async (targets: string[], f: { attach?: boolean; interactive?: boolean; detachKeys?: string; checkpoint?: string; checkpointDir?: string }) => {
      if (f.checkpoint !== undefined || f.checkpointDir !== undefined) {
        throw new BerthError('InvalidArgument', 'checkpoint/restore is not supported by berth (an experimental docker feature)');
      }
      const { startContainer } = await import('../../core/containers/start.js');
      const engine = await ctx.engine();
      if (f.attach || f.interactive) {
        const [first] = targets;
        if (targets.length > 1 || first === undefined) throw new Error('you cannot start and attach multiple containers at once');
        if (f.detachKeys !== undefined) (await import('../../core/runtime/detach-keys.js')).parseDetachKeys(f.detachKeys);
        const rec = engine.containers.lookup(first);
        const { runForeground } = await import('../attach-session.js');
        const code = await runForeground(ctx, engine, rec.id, {
          stdin: !!f.interactive && rec.spec.openStdin,
          tty: rec.spec.tty,
          sigProxy: true,
          autoRemove: rec.spec.autoRemove,
          ...(f.detachKeys !== undefined ? { detachKeys: f.detachKeys } : {}),
        });
        ctx.setExitCode(code);
        return;
      }
      await forEachTarget(ctx, targets, async (t) => {
        await startContainer(engine, t);
        return t;
      });
    });
}
