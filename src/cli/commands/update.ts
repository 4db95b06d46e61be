import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addResourceFlags, type ResourceFlags } from '../run-flags.js';
import { FlagError } from '../exit-status.js';
import { BerthError } from '../../core/errors/berth-error.js';

interface UpdateFlags extends ResourceFlags {
  restart?: string;
  kernelMemory?: string;
}

/** `berth update [flags] CONTAINER...`: prints each container as named, as docker. */
export function registerUpdate(parent: Command, ctx: CliContext, name = 'update'): void {
  const cmd = parent
    .command(name)
    .description('Update configuration of one or more containers')
    .argument('<containers...>')
    .option('--restart <policy>', 'restart policy to apply when a container exits')
    .option('--kernel-memory <bytes>', 'kernel memory limit (deprecated by docker: ignored with a warning)');
  addResourceFlags(cmd).action(async (containers: string[], f: UpdateFlags, self: Command) => {
    // docker's CLI: an update that changes nothing is a usage mistake
    if (!self.options.some((o) => self.getOptionValueSource(o.attributeName()) === 'cli')) {
      throw new BerthError('InvalidArgument', 'you must provide one or more flags when using this command');
    }
    const { resourceFlags } = await import('../run-spec.js');
    const { parseRestart } = await import('../../core/spec/parse/index.js');
    const { updateContainer } = await import('../../core/containers/update.js');
    const { errorMessage } = await import('../../core/errors/berth-error.js');
    if (f.kernelMemory !== undefined) {
      // docker's update documents the flag; its daemon no longer sets kernel memory and says so
      const { parseBytes } = await import('../../core/spec/parse/index.js');
      typedFlags(() => parseBytes(f.kernelMemory as string, '--kernel-memory'));
      ctx.stderr.write('WARNING: Specifying a kernel memory limit is deprecated and will be removed in a future release.\n');
    }
    const changes = { resources: typedFlags(() => resourceFlags(f)), ...(f.restart !== undefined ? { restartPolicy: parseRestart(f.restart) } : {}) };
    const engine = await ctx.engine();
    for (const c of containers) {
      try {
        await updateContainer(engine, c, changes);
        ctx.stdout.write(`${c}\n`);
      } catch (e) {
        // docker goes on with the others and fails at the end
        ctx.stderr.write(`Error: ${errorMessage(e)}\n`);
        ctx.setExitCode(1);
      }
    }
  });
}

/**
 * docker's update flags are typed (bytes, CPUs, integers): a value that does not parse is its flag
 * parser's usage error (exit 125), while a refused --restart policy is the daemon's (exit 1).
 */
function typedFlags<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof BerthError && e.kind === 'InvalidArgument') throw new FlagError(e.message);
    throw e;
  }
}
