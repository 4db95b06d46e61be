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
    .option(
      '-a, --attach <stream>',
      'attach to STDIN, STDOUT or STDERR when started with start -a (checked; start -a attaches the output streams)',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option('-q, --quiet', 'suppress the pull output')
    .passThroughOptions();
  addContainerFlags(cmd).action(async (image: string, command: string[], f: ContainerFlags & { attach: string[]; quiet?: boolean }) => {
    const { attachStreams, attachedStreams } = await import('./run.js');
    attachStreams(f.attach, false);
    const { createForRun } = await import('../../core/containers/run.js');
    const { flagsToSpec } = await import('../run-spec.js');
    const spec = flagsToSpec(image, command, f);
    spec.attach = attachedStreams(f.attach, spec.openStdin);
    const { checkCidfile, writeCidfile } = await import('../cidfile.js');
    checkCidfile(f.cidfile);
    const engine = await ctx.engine();
    // docker's pull policy: a missing image is pulled ("Unable to find image … locally"), or always, or never
    const { ensureImageForRun } = await import('./pull.js');
    // pods: --pod NAME|new:NAME (its namespaces, cgroup and ports)
    const { podForContainer } = await import('../pod-flag.js');
    const rec = await createForRun(engine, spec, {
      resolveImage: (ref) => ensureImageForRun(ctx, engine, ref, { pull: f.pull, platform: f.platform, quiet: !!f.quiet }),
      onCreated: (id) => writeCidfile(engine, f.cidfile, id),
      place: (s) => podForContainer(engine, s, f),
    });
    ctx.stdout.write(`${rec.id}\n`);
  });
}
