import fs from 'node:fs';
import type { Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import type { CliContext } from '../context.js';
import { holdTeardown } from '../../core/host/teardown.js';

/** `berth export [-o FILE] CONTAINER`: the container's filesystem as a tar, to stdout or FILE. */
export function registerExport(parent: Command, ctx: CliContext, name = 'export'): void {
  parent
    .command(name)
    .description("Export a container's filesystem as a tar archive")
    .argument('<container>')
    .option('-o, --output <file>', 'write to a file, instead of STDOUT')
    .action(async (container: string, f: { output?: string }) => {
      if (!f.output && ctx.stdout.isTTY) {
        throw new BerthError('InvalidArgument', 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
      }
      const { exportContainer } = await import('../../core/containers/export.js');
      const engine = await ctx.engine();
      if (!f.output) {
        await exportContainer(engine, container, ctx.stdout);
        return;
      }
      // written beside the target and renamed: a failed export leaves no half archive
      const tmp = `${f.output}.berth-${process.pid}.tmp`;
      // an interrupted export leaves none either
      const release = holdTeardown(() => fs.rmSync(tmp, { force: true }));
      const out = fs.createWriteStream(tmp, { flags: 'wx' });
      try {
        await exportContainer(engine, container, out);
        await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
        fs.renameSync(tmp, f.output);
      } catch (e) {
        out.destroy();
        fs.rmSync(tmp, { force: true });
        throw e;
      } finally {
        release();
      }
    });
}
