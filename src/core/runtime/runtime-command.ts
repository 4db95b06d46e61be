import { BerthError } from '../errors/index.js';
import { runChild, type ChildOutput } from '../host/spawn.js';
import { OciRuntimeError, runtimeErrorMessage } from './oci-runtime-error.js';
import { signalNumber } from './signals.js';

/** What one runtime invocation printed. */
export interface RuntimeOutput {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Run the runtime binary with global args first (`--root R --log-format json`), collecting its
 * output. Throws OciRuntimeError with the runtime's own error message when it exits non-zero,
 * unless `allowFailure` is set (then the caller looks at `code`); Unavailable when it cannot run.
 *
 * @example
 * const { stdout } = await runRuntime('/usr/sbin/runc', ['--root', root, 'state', id], { context: 'runtime state' });
 */
export async function runRuntime(
  binary: string,
  args: readonly string[],
  options: { context: string; allowFailure?: boolean; input?: string },
): Promise<RuntimeOutput> {
  let r: ChildOutput;
  try {
    r = await runChild(binary, args, options.input === undefined ? {} : { input: options.input });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new BerthError('Unavailable', `${options.context}: running ${JSON.stringify(binary)}: ${msg}`, { cause: e });
  }
  const result: RuntimeOutput = {
    stdout: r.stdout.toString('utf8'),
    stderr: r.stderr.toString('utf8'),
    code: r.code ?? 128 + (r.signal === null ? 0 : signalNumber(r.signal)),
  };
  if (result.code === 0 || options.allowFailure) return result;
  const message = runtimeErrorMessage(result.stderr) || `exited with status ${result.code}`;
  throw new OciRuntimeError(options.context, message);
}
