import { trace } from '../core/trace.js';
import { Command, CommanderError } from 'commander';
import { BerthError, errorMessage } from '../core/errors/berth-error.js';
import { exitStatus, commandOf } from './exit-status.js';
import type { Engine } from '../core/engine.js';
import type { CliContext, GlobalOptions } from './context.js';
import { commandsFor } from './commands/index.js';
import { normalizeBooleanFlags } from './bool-flags.js';
import { onInterrupt } from './interrupt.js';
import { reportUncaught } from './crash.js';
import { runHeldTeardowns } from '../core/host/teardown.js';
import { debugging, parseLogLevel } from './diagnostics.js';
import { relaunchRootless } from './rootless-launch.js';
import { useDockerMissingArgument } from './missing-argument.js';

useDockerMissingArgument();

let exitCode = 0;
let engine: Engine | undefined;

const program = new Command('berth')
  .description('A daemonless OCI container engine with the command line of docker and podman')
  .enablePositionalOptions()
  .option('--root <dir>', 'storage root (default /var/lib/berth, or $BERTH_ROOT)')
  .option('--runroot <dir>', 'run state root (default /run/berth, or $BERTH_RUNROOT)')
  .option('--runtime <name|path>', 'OCI runtime: runc or crun (default: runc), or $BERTH_RUNTIME')
  .option(
    '--log-level <level>',
    'debug, info, warn, error or fatal (default warn): error and fatal hide warnings, debug shows the stack of an unexpected error',
    parseLogLevel,
  )
  .version('berth version 0.1.0', '-v, --version', 'print version information and quit')
  .showSuggestionAfterError(true)
  .exitOverride()
  .configureOutput({
    writeErr: (s) => process.stderr.write(s),
    outputError: (s, write) => write(dockerUsageError(s)),
  });

/** Commander's usage errors in the words of docker's CLI: `unknown flag: --foo`, `unknown command: …`. */
function dockerUsageError(s: string): string {
  return s
    .replace(/^error: unknown option '(--[^'=]+)[^']*'/, 'unknown flag: $1')
    .replace(/^error: unknown option '-([^-'])[^']*'/, "unknown shorthand flag: '$1' in -$1")
    .replace(/^error: unknown command '([^']*)'\n?/, "berth: unknown command: $1\n\nRun 'berth --help' for more information\n")
    .replace(/^error: /, '');
}

const ctx: CliContext = {
  globals: () => program.opts<GlobalOptions>(),
  engine: async () => {
    if (!engine) {
      const { openEngine } = await import('../core/engine.js');
      const g = program.opts<GlobalOptions>();
      engine = openEngine({
        root: g.root ?? process.env['BERTH_ROOT'],
        runRoot: g.runroot ?? process.env['BERTH_RUNROOT'],
        runtime: g.runtime ?? process.env['BERTH_RUNTIME'],
        executable: process.argv[1] ?? 'berth',
      });
    }
    return engine;
  },
  stdout: process.stdout,
  stderr: process.stderr,
  // on first use: process.stdin of a file or /dev/null is an fs.ReadStream, whose module pulls
  // in fs/promises, readline and the watchers (~2 ms of every command that never reads stdin)
  get stdin() {
    return process.stdin;
  },
  setExitCode: (code) => {
    exitCode = code;
  },
};

for (const def of commandsFor(process.argv.slice(2))) def(program, ctx);

/**
 * The long operations that hold mounts or temporaries end on Ctrl-C and SIGTERM with those
 * undone (build watches for itself: its first signal cancels the build). The others keep
 * Node's default (die of the signal), or handle signals their own way (run, exec, logs -f).
 */
const INTERRUPTIBLE = new Set(['pull', 'push', 'load', 'save', 'import', 'commit', 'cp', 'export']);
let stopWatching: (() => void) | undefined;
program.hook('preAction', (_program, action) => {
  if (INTERRUPTIBLE.has(action.name())) stopWatching = onInterrupt();
});
program.hook('postAction', () => stopWatching?.());
trace('commands registered');
process.on('exit', () => trace('exit'));

function fail(e: unknown): never {
  // docker's exit codes depend on the command that failed
  const ran = commandOf(program, process.argv.slice(2));
  if (e instanceof CommanderError) process.exit(exitStatus(e, ran));
  const msg = errorMessage(e);
  // runc exec writes its own failure to the user's stderr ("exec failed: ... not found in $PATH"):
  // one line, as docker's, so berth does not repeat it
  if (!(e instanceof BerthError && (e as { printedByRuntime?: boolean }).printedByRuntime === true)) process.stderr.write(`Error: ${msg}\n`);
  if (e instanceof BerthError && e.hint) process.stderr.write(`hint: ${e.hint}\n`);
  if (!(e instanceof BerthError) && debugging() && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exit(exitStatus(e, ran));
}

/** An error that escaped every caller ends berth as any error does, what it held undone first. */
function crash(e: unknown): never {
  runHeldTeardowns();
  try {
    engine?.close();
  } catch {
    // the error is what is reported
  }
  return fail(e);
}
reportUncaught(crash);

async function main(): Promise<void> {
  // diagnostics to a stderr nobody reads any more (`2>&1 | head -1`) must not stop a command half-way
  process.stderr.on('error', () => undefined);
  // `berth ps | head -1`: a reader that went away ends the command quietly, as SIGPIPE ends
  // docker's (a foreground container goes on; the next command's repair tidies up after it)
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(141);
  });
  try {
    // an ordinary user's berth runs in the user's namespace (rootless); root's goes on here
    const rootless = await relaunchRootless(process.argv.slice(2), process.stderr);
    if (rootless !== undefined) process.exit(rootless);
    await program.parseAsync([...process.argv.slice(0, 2), ...normalizeBooleanFlags(program, process.argv.slice(2))]);
    engine?.close();
    process.exitCode = exitCode;
  } catch (e) {
    engine?.close();
    fail(e);
  }
}

void main();
