import { BerthError, errorMessage } from '../core/errors/berth-error.js';
import { exitCodeOf } from '../core/errors/exit-codes.js';
import type { CliContext } from './context.js';

/**
 * Apply an operation to every target, as docker does for rm/stop/kill/start…: print each success
 * (the name as given), print each failure on stderr, and exit non-zero if any failed.
 */
export async function forEachTarget(
  ctx: CliContext,
  targets: string[],
  fn: (t: string) => Promise<string | undefined>,
  opts: { ignoreNotFound?: boolean } = {},
): Promise<void> {
  let failed = 0;
  for (const t of targets) {
    try {
      const out = await fn(t);
      if (out !== undefined) ctx.stdout.write(`${out}\n`);
    } catch (e) {
      // docker's rm -f: what is not there is already removed
      if (opts.ignoreNotFound && e instanceof BerthError && e.kind === 'NotFound') continue;
      failed = exitCodeOf(e);
      ctx.stderr.write(`Error: ${errorMessage(e)}\n`);
    }
  }
  if (failed) ctx.setExitCode(failed);
}
