import { BerthError, errorMessage } from '../core/errors/berth-error.js';
import type { CliContext } from './context.js';

/**
 * Apply an operation to every target, as docker does for rm/stop/kill/start…: print each success
 * (the name as given), print each failure on stderr, and exit 1 if any failed (docker's CLI exits
 * 1 whatever the daemon's reason).
 */
export async function forEachTarget(
  ctx: CliContext,
  targets: string[],
  fn: (t: string) => Promise<string | undefined>,
  opts: { ignoreNotFound?: boolean } = {},
): Promise<void> {
  let failed = false;
  for (const t of targets) {
    try {
      const out = await fn(t);
      if (out !== undefined) ctx.stdout.write(`${out}\n`);
    } catch (e) {
      // docker's rm -f: what is not there is already removed
      if (opts.ignoreNotFound && e instanceof BerthError && e.kind === 'NotFound') continue;
      failed = true;
      ctx.stderr.write(`Error: ${errorMessage(e)}\n`);
    }
  }
  if (failed) ctx.setExitCode(1);
}
