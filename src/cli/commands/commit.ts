import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { collect } from '../options.js';

interface CommitFlags {
  author?: string;
  message?: string;
  change: string[];
  pause: boolean;
}

/** `berth commit CONTAINER [REPOSITORY[:TAG]]`: prints the new image's id, as docker. */
export function registerCommit(parent: Command, ctx: CliContext, name = 'commit'): void {
  parent
    .command(name)
    .description("Create a new image from a container's changes")
    .argument('<container>')
    .argument('[repository]', 'REPOSITORY[:TAG] for the new image')
    .option('-a, --author <author>', 'author (e.g., "John Hannibal Smith <hannibal@a-team.com>")')
    .option('-m, --message <message>', 'commit message')
    .option('-c, --change <instruction>', 'apply a Dockerfile instruction to the image (CMD, ENTRYPOINT, ENV, …)', collect, [])
    .option('-p, --pause', 'pause the container during commit (default)', true)
    .option('--no-pause', 'do not pause the container during commit')
    .action(async (container: string, repository: string | undefined, f: CommitFlags) => {
      const { commitContainer } = await import('../../core/containers/commit.js');
      const id = await commitContainer(await ctx.engine(), container, {
        ...(repository ? { reference: repository } : {}),
        ...(f.author ? { author: f.author } : {}),
        ...(f.message ? { message: f.message } : {}),
        changes: f.change,
        pause: f.pause,
      });
      ctx.stdout.write(`${id}\n`);
    });
}
