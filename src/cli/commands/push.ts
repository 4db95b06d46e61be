import { checkPlatform } from '../platform-check.js';
import type { Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import type { CliContext } from '../context.js';
import { addRegistryFlags, registryOptions, type RegistryFlags } from './pull.js';

interface PushFlags extends RegistryFlags {
  quiet?: boolean;
  allTags?: boolean;
}

/** `berth push [-q] NAME[:TAG] [DESTINATION]` (the destination is podman's form). */
export function registerPush(parent: Command, ctx: CliContext, name = 'push'): void {
  const cmd = parent
    .command(name)
    .description('Upload an image to a registry')
    .argument('<name>', 'NAME[:TAG] of a stored image')
    .argument('[destination]', 'push to this reference instead (host/repo[:tag])')
    .option('-q, --quiet', 'suppress verbose output')
    .option('-a, --all-tags', 'push all tags of an image to the repository')
    .option('--platform <os/arch[/variant]>', 'push the image only if it is for this platform (berth stores one per image)');
  addRegistryFlags(cmd).action(async (source: string, dest: string | undefined, f: PushFlags & { platform?: string }) => {
    const [{ pushImage }, { progressRenderer }] = await Promise.all([import('../../core/registry/push.js'), import('../render/progress.js')]);
    const engine = await ctx.engine();
    if (!f.allTags) await checkPlatform(engine, [source], f.platform);
    const opts = { ...registryOptions(f), onProgress: progressRenderer(ctx.stdout, { quiet: f.quiet, err: ctx.stderr }) };
    if (f.allTags) {
      // docker's push -a: every local tag of the repository, one after the other
      const { parseReference, normalizeReference, repositoryName } = await import('../../core/reference/reference.js');
      if (dest !== undefined) throw new BerthError('InvalidArgument', 'a destination cannot be used with --all-tags/-a');
      const parsed = parseReference(source);
      if (parsed.tag !== undefined || parsed.digest !== undefined) throw new BerthError('InvalidArgument', "tag can't be used with --all-tags/-a");
      const repo = repositoryName(normalizeReference(source));
      const tags = engine.images
        .list()
        .flatMap((i) => i.tags)
        .filter((t) => t.slice(0, t.lastIndexOf(':')) === repo)
        .sort();
      if (tags.length === 0) throw new BerthError('NotFound', `An image does not exist locally with the tag: ${source}`);
      for (const t of tags) {
        const r = await pushImage(engine.images, t, undefined, opts);
        if (f.quiet) ctx.stdout.write(`${r.reference}\n`);
      }
      return;
    }
    const r = await pushImage(engine.images, source, dest, opts);
    if (f.quiet) ctx.stdout.write(`${r.reference}\n`);
  });
}
