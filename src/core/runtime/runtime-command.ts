import { BerthError } from '../errors/index.js';
import { spawnChild, type SpawnedChild } from '../host/spawn.js';
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
  let child: SpawnedChild;
  try {
    child = spawnChild(binary, args, { fds: [options.input === undefined ? 'ignore' : 'in', 'out', 'out'] });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return Promise.reject(new BerthError('Unavailable', `${options.context}: running ${JSON.stringify(binary)}: ${msg}`, { cause: e }));
  }
  const [stdin, stdout, stderr] = child.stdio;
  if (stdin && options.input !== undefined) {
    stdin.on('error', () => undefined);
    stdin.end(options.input);
  }
  return Promise.all([bytes(stdout), bytes(stderr), child.exited]).then(([out, err, exit]) => {
    const result: RuntimeOutput = {
      stdout: out.toString('utf8'),
      stderr: err.toString('utf8'),
      code: exit.code ?? 128 + (exit.signal === null ? 0 : signalNumber(exit.signal)),
    };
    if (result.code === 0 || options.allowFailure) return result;
    const message = runtimeErrorMessage(result.stderr) || `exited with status ${result.code}`;
    throw new OciRuntimeError(options.context, message);
  });
}

function bytes(s: NodeJS.ReadableStream | null | undefined): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    if (!s) return resolve(Buffer.alloc(0));
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('end', () => resolve(Buffer.concat(chunks)));
    s.on('error', () => resolve(Buffer.concat(chunks)));
  });
}
