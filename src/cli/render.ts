import type { CliContext } from './context.js';

/**
 * Print inspect-style output: the JSON array docker prints, or one rendered template per object.
 * Failures for individual targets are reported on stderr and the exit code set, as docker does.
 */
export async function printObjects(ctx: CliContext, objects: unknown[], format: string | undefined): Promise<void> {
  if (!format) {
    ctx.stdout.write(`${JSON.stringify(objects, null, 4)}\n`);
    return;
  }
  // docker's `--format json` (CLI 23+): the same array, compact on one line
  if (format === 'json') {
    ctx.stdout.write(`${JSON.stringify(objects)}\n`);
    return;
  }
  const { compileTemplate } = await import('../core/format/index.js');
  const render = compileTemplate(format);
  for (const o of objects) ctx.stdout.write(`${render(o)}\n`);
}
