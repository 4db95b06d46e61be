import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addContainerFlags, type ContainerFlags } from '../run-flags.js';

/** `berth create`: a container ready to start, its id on stdout. */
export function registerCreate(parent: Command, ctx: CliContext, name = 'create'): void {
  const cmd = parent
    .command(name)
    .description('Create a new container')
    .argument('<image>', 'image to create the container from')
    .argument('[command...]', 'command and arguments')
    .passThroughOptions();
  addContainerFlags(cmd).action(async (image: string, command: string[], f: ContainerFlags) => {
    const { createContainer } = await import('../../core/containers/create.js');
    const { repairContainers } = await import('../../core/containers/repair.js');
    const { flagsToSpec } = await import('../run-spec.js');
    const spec = flagsToSpec(image, command, f);
    const { checkCidfile, writeCidfile } = await import('../cidfile.js');
    checkCidfile(f.cidfile);
    const engine = await ctx.engine();
    await repairContainers(engine);
    // docker's pull policy: a missing image is pulled ("Unable to find image … locally"), or always, or never
    const { ensureImageForRun } = await import('./pull.js');
    const imageId = await ensureImageForRun(ctx, engine, image, { pull: f.pull, platform: f.platform, quiet: false });
    // a short name the search list resolved to another registry is known here by its id
    const rec = createContainer(engine, engine.images.find(spec.image) ? spec : { ...spec, image: imageId });
    await writeCidfile(engine, f.cidfile, rec.id);
    ctx.stdout.write(`${rec.id}\n`);
  });
}
