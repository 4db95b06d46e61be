import { spawn } from 'node:child_process';
import { BerthError } from '../errors/index.js';
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
export function runRuntime(
  binary: string,
  args: readonly string[],
  options: { context: string; allowFailure?: boolean; input?: string },
): Promise<RuntimeOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    if (options.input !== undefined) child.stdin?.end(options.input);
    child.on('error', (e) => {
      reject(new BerthError('Unavailable', `${options.context}: running ${JSON.stringify(binary)}: ${e.message}`, { cause: e }));
    });
    child.on('close', (code, signal) => {
      const result: RuntimeOutput = {
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code: code ?? 128 + (signal === null ? 0 : signalNumber(signal)),
      };
      if (result.code === 0 || options.allowFailure) {
        resolve(result);
        return;
      }
      const message = runtimeErrorMessage(result.stderr) || `exited with status ${result.code}`;
      reject(new OciRuntimeError(options.context, message));
    });
  });
}
