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
    .option('-a, --attach <stream>', 'attach to STDIN, STDOUT or STDERR when started with start -a (checked; start -a attaches the output streams)', (v: string, acc: string[]) => [...acc, v], [])
    .option('-q, --quiet', 'suppress the pull output')
    .passThroughOptions();
  addContainerFlags(cmd).action(async (image: string, command: string[], f: ContainerFlags & { attach: string[]; quiet?: boolean }) => {
    const { attachStreams, attachedStreams } = await import('./run.js');
    attachStreams(f.attach, false);
    const { createContainer } = await import('../../core/containers/create.js');
    const { repairContainers } = await import('../../core/containers/repair.js');
    const { flagsToSpec } = await import('../run-spec.js');
    const spec = flagsToSpec(image, command, f);
    spec.attach = attachedStreams(f.attach, spec.openStdin);
    const { checkCidfile, writeCidfile } = await import('../cidfile.js');
    checkCidfile(f.cidfile);
    const engine = await ctx.engine();
    await repairContainers(engine);
    // docker's pull policy: a missing image is pulled ("Unable to find image … locally"), or always, or never
    const { ensureImageForRun } = await import('./pull.js');
    const imageId = await ensureImageForRun(ctx, engine, image, { pull: f.pull, platform: f.platform, quiet: !!f.quiet });
    // a short name the search list resolved to another registry is known here by its id
    // pods: --pod NAME|new:NAME (its namespaces, cgroup and ports)
    const { podForContainer } = await import('../pod-flag.js');
    const inPod = await podForContainer(engine, engine.images.find(spec.image) ? spec : { ...spec, image: imageId }, f);
    let rec;
    try {
      rec = createContainer(engine, inPod.spec);
    } catch (e) {
      await inPod.undo();
      throw e;
    }
    await writeCidfile(engine, f.cidfile, rec.id);
    ctx.stdout.write(`${rec.id}\n`);
  });
}
