import { CommanderError, type Command } from 'commander';
import { BerthError } from '../core/errors/berth-error.js';
import { exitCodeOf } from '../core/errors/exit-codes.js';

/**
 * A flag value that does not parse (`stop -t abc`, `ps -n x`, `--filter noequals`): refused before
 * the command does anything, as docker's flag parser (pflag) refuses it, so exit 125 whatever the
 * command.
 */
export class FlagError extends BerthError {
  constructor(message: string) {
    super('InvalidArgument', message);
    this.name = 'FlagError';
  }
}

/**
 * A refusal of the client itself, before the engine is asked (`run -it` or `exec -it` with no
 * terminal on stdin): docker's CLI returns these as plain errors, exit 1 even for `run`.
 */
export class ClientError extends BerthError {
  constructor(message: string) {
    super('FailedPrecondition', message);
    this.name = 'ClientError';
  }
}

/**
 * The commands whose failures docker's CLI reports with `docker run`'s documented codes: 125 for
 * the engine, 126/127 for the container's command. `container run` and `container create` are
 * the same commands.
 */
const RUN_LIKE = new Set(['run', 'create', 'container run', 'container create']);

/** exec reports its command's status as run does: 126 when it cannot be invoked, 127 when not found. */
const EXEC = new Set(['exec', 'container exec']);

/**
 * The exit status of a failed berth command, as docker's CLI exits:
 * - help and version are not failures (0);
 * - a usage error is 125 for every command (an unknown flag, a flag without or with a bad value),
 *   except an unknown command and a wrong number of arguments, which docker's CLI exits 1 for;
 * - `run`/`create` map the error's kind through the engine table (125, or 126/127);
 * - `exec` is 126/127 when its command cannot be invoked or is not found, as docker's exec;
 * - a ClientError (the CLI's own refusal) is 1, for `run` too;
 * - every other command exits 1 when it is refused, whatever the reason (docker's CLI prints the
 *   daemon's error and exits 1).
 *
 * `command` is the path of the command that ran, without the program: `['container', 'rm']`.
 *
 * @example
 * exitStatus(new BerthError('NotFound', 'no such container: "x"'), ['rm']) // 1
 * exitStatus(new BerthError('NotFound', 'no such image: "x"'), ['run'])   // 125
 */
export function exitStatus(e: unknown, command: readonly string[]): number {
  if (e instanceof CommanderError) {
    switch (e.code) {
      case 'commander.helpDisplayed':
      case 'commander.help':
      case 'commander.version':
        return 0;
      case 'commander.unknownCommand':
      case 'commander.missingArgument':
      case 'commander.excessArguments':
        return 1;
      default:
        return 125;
    }
  }
  if (e instanceof FlagError) return 125;
  if (e instanceof ClientError) return 1;
  const name = command.join(' ');
  if (RUN_LIKE.has(name)) return exitCodeOf(e);
  if (EXEC.has(name) && e instanceof BerthError && (e.kind === 'CannotInvoke' || e.kind === 'CommandNotFound')) return exitCodeOf(e);
  return 1;
}

/**
 * The command an argument list runs (`['container', 'rm']` for `--root /r container rm -f x`),
 * found as commander dispatches it: the program's own options (and their values) are skipped, then
 * subcommand names or aliases are followed. Known before any flag of the command is parsed, so a
 * flag refused while parsing is still reported for its command.
 */
export function commandOf(program: Command, args: readonly string[]): string[] {
  const path: string[] = [];
  let cmd = program;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a.startsWith('-')) {
      if (cmd !== program) break;
      const opt = program.options.find((o) => o.long === a || o.short === a);
      if (opt && (opt.required || opt.optional)) i++;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (!sub) break;
    path.push(sub.name());
    if (sub.commands.length === 0) break;
    cmd = sub;
  }
  return path;
}

/**
 * docker's CheckTty: a container's terminal needs one on this side when stdin is attached, so
 * `run -it`, `exec -it` and `attach` to a terminal container refuse a piped or redirected stdin.
 */
export function checkTty(stdin: { isTTY?: boolean }, attachStdin: boolean, tty: boolean): void {
  if (tty && attachStdin && stdin.isTTY !== true) throw new ClientError('the input device is not a TTY');
}
