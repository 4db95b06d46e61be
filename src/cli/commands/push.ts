import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addRegistryFlags, registryOptions, type RegistryFlags } from './pull.js';

interface PushFlags extends RegistryFlags {
  quiet?: boolean;
}

/** `berth push [-q] NAME[:TAG] [DESTINATION]` (the destination is podman's form). */
export function registerPush(parent: Command, ctx: CliContext, name = 'push'): void {
  const cmd = parent
    .command(name)
    .description('Upload an image to a registry')
    .argument('<name>', 'NAME[:TAG] of a stored image')
    .argument('[destination]', 'push to this reference instead (host/repo[:tag])')
    .option('-q, --quiet', 'suppress verbose output');
  addRegistryFlags(cmd).action(async (source: string, dest: string | undefined, f: PushFlags) => {
    const [{ pushImage }, { progressRenderer }] = await Promise.all([import('../../core/registry/push.js'), import('../render/progress.js')]);
    const engine = await ctx.engine();
    const r = await pushImage(engine.images, source, dest, {
      ...registryOptions(f),
      onProgress: progressRenderer(ctx.stdout, { quiet: f.quiet, err: ctx.stderr }),
    });
    if (f.quiet) ctx.stdout.write(`${r.reference}\n`);
  });
}
