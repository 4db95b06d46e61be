import type { Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import type { CliContext } from '../context.js';

/** CONTAINER:PATH splits at the first colon; a local path with a colon must start with ./ or /. */
function splitArg(a: string): { container?: string; path: string } {
  if (a.startsWith('/') || a.startsWith('.')) return { path: a };
  const i = a.indexOf(':');
  if (i <= 0) return { path: a };
  return { container: a.slice(0, i), path: a.slice(i + 1) || '/' };
}

export function registerCp(parent: Command, ctx: CliContext, name = 'cp'): void {
  parent
    .command(name)
    .description('Copy files/folders between a container and the local filesystem')
    .argument('<src>', 'CONTAINER:SRC_PATH, a local path, or - for a tar stream on stdin')
    .argument('<dest>', 'CONTAINER:DEST_PATH, a local path, or - for a tar stream on stdout')
    .option('-a, --archive', 'archive mode (copy all uid/gid information)')
    .option('-L, --follow-link', 'always follow symbol link in SRC_PATH')
    .option('-q, --quiet', 'suppress progress output')
    .action(async (srcArg: string, destArg: string, f: { followLink?: boolean; archive?: boolean }) => {
      const { copyFromContainer, copyToContainer } = await import('../../core/containers/cp.js');
      const src = splitArg(srcArg);
      const dest = splitArg(destArg);
      if (src.container && dest.container) throw new BerthError('InvalidArgument', 'copying between containers is not supported');
      if (!src.container && !dest.container) throw new BerthError('InvalidArgument', 'must specify at least one container source');
      const engine = await ctx.engine();
      if (src.container) {
        await copyFromContainer(engine, src.container, src.path, dest.path === '-' ? ctx.stdout : dest.path, {
          followLink: f.followLink === true,
          archive: f.archive === true,
        });
      } else if (dest.container) {
        await copyToContainer(engine, dest.container, src.path === '-' ? ctx.stdin : src.path, dest.path, {
          archive: f.archive === true,
          followLink: f.followLink === true,
        });
      }
    });
}
