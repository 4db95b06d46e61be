import { BerthError, type ErrorKind } from '../errors/index.js';

/**
 * A failure reported by the OCI runtime (runc, crun) itself, carrying its message verbatim, e.g.
 * `container not running`. Kind is Internal unless the message says the container's command
 * could not be found (CommandNotFound, exit 127) or invoked (CannotInvoke, exit 126), see
 * classifyStartError.
 *
 * @example
 * throw new OciRuntimeError('runc kill "web"', 'container not running');
 */
export class OciRuntimeError extends BerthError {
  /** what the runtime said, without our context prefix */
  readonly runtimeMessage: string;
  /**
   * true when the runtime has already written its message to a stderr we inherited (foreground
   * exec): the caller may then exit with the code without printing it a second time
   */
  readonly printedByRuntime: boolean;

  constructor(context: string, runtimeMessage: string, options: { kind?: ErrorKind; printedByRuntime?: boolean; cause?: unknown } = {}) {
    super(options.kind ?? 'Internal', `${context}: ${runtimeMessage}`, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'OciRuntimeError';
    this.runtimeMessage = runtimeMessage;
    this.printedByRuntime = options.printedByRuntime ?? false;
  }
}

/**
 * Decide docker's exit code class from the error runc gives when it could not start (or exec)
 * the container's process. Only the `exec: "<cmd>": ...` clause counts, so that a missing mount
 * source ("no such file or directory" elsewhere) stays Internal.
 *
 * - `exec: "x": executable file not found in $PATH` and `exec: "/x": stat /x: no such file or
 *   directory` → CommandNotFound (docker exits 127)
 * - `exec: "/x": permission denied` (not executable, or a directory) → CannotInvoke (126)
 * - anything else → Internal (125)
 *
 * @example
 * classifyStartError('runc create failed: unable to start container process: exec: "nope": executable file not found in $PATH'); // 'CommandNotFound'
 */
export function classifyStartError(message: string): 'CommandNotFound' | 'CannotInvoke' | 'Internal' {
  // crun's wording: executable file `x` not found in $PATH: No such file or directory
  if (/executable file `[^`]*` not found/.test(message)) return 'CommandNotFound';
  const clause = /\bexec:? "(?:[^"\\]|\\.)*":? (.*)$/s.exec(message)?.[1];
  if (clause === undefined) return 'Internal';
  if (/executable file not found|no such file or directory/i.test(clause)) return 'CommandNotFound';
  if (/permission denied|is a directory/i.test(clause)) return 'CannotInvoke';
  return 'Internal';
}

/**
 * The error message in what runc/crun/conmon wrote: the last error-level entry of `--log-format
 * json` lines, or the `msg="..."` of logrus text, or else the last non-empty line. Returns ''
 * when there is nothing.
 *
 * @example
 * runtimeErrorMessage('{"level":"error","msg":"container does not exist","time":"..."}\n'); // 'container does not exist'
 */
export function runtimeErrorMessage(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  let fromLog: string | null = null;
  let plain: string | null = null;
  for (const line of lines) {
    const entry = parseJsonLogLine(line);
    if (entry !== null) {
      if (entry.level === 'error' || entry.level === 'fatal' || entry.level === 'panic') fromLog = entry.msg;
      continue;
    }
    const logrus = /\blevel=(\w+) msg="((?:[^"\\]|\\.)*)"/.exec(line);
    if (logrus) {
      if (logrus[1] === 'error' || logrus[1] === 'fatal') fromLog = unquoteGo(logrus[2] ?? '');
      continue;
    }
    plain = line;
  }
  return fromLog ?? plain ?? '';
}

function parseJsonLogLine(line: string): { level: string; msg: string } | null {
  if (!line.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(line);
    if (typeof v !== 'object' || v === null) return null;
    const { level, msg } = v as { level?: unknown; msg?: unknown };
    return typeof level === 'string' && typeof msg === 'string' ? { level, msg } : null;
  } catch {
    return null;
  }
}

/** logrus quotes msg with Go's %q; JSON string syntax covers the escapes runc uses. */
function unquoteGo(s: string): string {
  try {
    const v: unknown = JSON.parse(`"${s}"`);
    return typeof v === 'string' ? v : s;
  } catch {
    return s;
  }
}
