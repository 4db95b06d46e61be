import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import type { Engine } from '../core/engine.js';
import { attach, attachSocketPath, resizeTerminal } from '../core/runtime/attach.js';
import { relaySignals, PROXIED_SIGNALS } from '../core/runtime/signals.js';
import { parseDetachKeys, DEFAULT_DETACH_KEYS } from '../core/runtime/detach-keys.js';
import type { CliContext } from './context.js';
import { checkTty } from './exit-status.js';

export interface ForegroundOptions {
  /** attach stdin (-i) */
  stdin: boolean;
  tty: boolean;
  /** forward signals berth receives to the container (docker's --sig-proxy, default on) */
  sigProxy: boolean;
  autoRemove: boolean;
  /** --detach-keys (default ctrl-p,ctrl-q) */
  detachKeys?: string;
  /** run -a: the output streams shown (default both); the others are read and dropped */
  streams?: { stdout: boolean; stderr: boolean };
}

/**
 * Start a container with the terminal attached (the engine service's runForeground): this
 * process's terminal, raw when the container's stdin is one, resized with it, signals relayed.
 */
export async function runForeground(cli: CliContext, engine: Engine, id: string, opts: ForegroundOptions): Promise<number> {
  const { runForeground: run } = await import('../core/containers/run.js');
  const stdinIsTty = opts.tty && opts.stdin && cli.stdin.isTTY === true;
  const end = await run(
    engine,
    id,
    {
      stdin: opts.stdin ? cli.stdin : null,
      stdout: opts.streams?.stdout === false ? discard() : cli.stdout,
      stderr: opts.streams?.stderr === false ? discard() : cli.stderr,
      interactiveTty: stdinIsTty,
      ...(opts.detachKeys !== undefined ? { detachKeys: opts.detachKeys } : {}),
    },
    {
      ...(opts.sigProxy && !opts.tty ? { relaySignals: (forward: (sig: NodeJS.Signals) => void) => relaySignals(PROXIED_SIGNALS, forward) } : {}),
      ...(cli.stdout.rows && cli.stdout.columns ? { initialSize: { rows: cli.stdout.rows, cols: cli.stdout.columns } } : {}),
      bindTerminal: (control) => {
        const onResize = () => {
          if (cli.stdout.rows && cli.stdout.columns) control.resize(cli.stdout.rows, cli.stdout.columns);
        };
        return bindTerminal(cli, engine, id, { rawTty: stdinIsTty, stdin: opts.stdin, proxySignals: false, onResize });
      },
    },
  );
  return 'exitCode' in end ? end.exitCode : 0;
}

/**
 * `berth attach`: connect to a running container's conmon. Returns its exit code when it ends,
 * or undefined when the user detached (ctrl-p ctrl-q by default, only with a TTY, as docker).
 */
export async function attachToRunning(
  cli: CliContext,
  engine: Engine,
  ref: string,
  opts: { stdin: boolean; sigProxy: boolean; detachKeys?: string | undefined },
): Promise<number | undefined> {
  const { waitForStop } = await import('../core/containers/exit.js');
  const { withContainer } = await import('../core/containers/locked.js');
  const { containerPaths } = await import('../core/containers/container-paths.js');
  const { BerthError } = await import('../core/errors/berth-error.js');
  // the check and the connection under the container's lock: a stop or rm cannot come between
  // them; the session itself holds nothing (a stop while attached ends it, as docker's)
  const { rec, session, stdinIsTty } = await withContainer(engine, ref, async (rec) => {
    if (rec.state.status === 'paused') throw new BerthError('Conflict', 'you cannot attach to a paused container, unpause it first');
    if (rec.state.status !== 'running') {
      throw new BerthError('Conflict', `you cannot attach to a stopped container, start it first`);
    }
    checkTty(cli.stdin, opts.stdin, rec.spec.tty);
    const withStdin = opts.stdin && rec.spec.openStdin;
    const stdinIsTty = rec.spec.tty && withStdin && cli.stdin.isTTY === true;
    const session = await attach({
      socketPath: attachSocketPath(engine.paths.sockets, rec.id),
      stdin: withStdin ? cli.stdin : null,
      stdout: cli.stdout,
      stderr: cli.stderr,
      tty: rec.spec.tty,
      ...(stdinIsTty ? { detachKeys: parseDetachKeys(opts.detachKeys ?? DEFAULT_DETACH_KEYS) } : {}),
    }).catch((e: unknown) => {
      // no monitor to connect to: an `rm -f` or `kill` (whose signal goes out without waiting for
      // the lock) ended the container between the check and the connection
      if (e instanceof BerthError && e.kind === 'Unavailable') throw new BerthError('Conflict', 'you cannot attach to a stopped container, start it first');
      throw e;
    });
    return { rec, session, stdinIsTty };
  });
  const tty = rec.spec.tty;
  const bundle = containerPaths(engine.paths, rec.id).bundle;
  const onResize = () => {
    if (cli.stdout.rows && cli.stdout.columns) resizeTerminal(bundle, cli.stdout.rows, cli.stdout.columns);
  };
  const release = bindTerminal(cli, engine, rec.id, { rawTty: stdinIsTty, stdin: true, proxySignals: opts.sigProxy && !tty, onResize });
  if (stdinIsTty) onResize();
  let detached = false;
  try {
    const how = await session.done;
    if (how === 'detached') {
      detached = true;
      return undefined;
    }
    // the exit file, or the end of the process when its monitor died (no code: 137, killed)
    const code = await waitForStop(engine, rec);
    return code === null || code < 0 ? 137 : code;
  } finally {
    release();
    session.close();
    // on the terminal as it was again
    if (detached) cli.stderr.write('read escape sequence\n');
  }
}

/**
 * While attached: a terminal in raw mode that follows resizes, or signals relayed to the
 * container (docker's --sig-proxy). Returns the undo.
 */
function bindTerminal(
  cli: CliContext,
  engine: Engine,
  id: string,
  opts: { rawTty: boolean; stdin: boolean; proxySignals: boolean; onResize: () => void },
): () => void {
  if (opts.rawTty) {
    cli.stdin.setRawMode(true);
    rawOutput(cli.stdin);
    process.on('SIGWINCH', opts.onResize);
  }
  const stopRelay = opts.proxySignals
    ? relaySignals(PROXIED_SIGNALS, (sig) => {
        void engine
          .runtime()
          .kill(id, sig, false)
          .catch(() => undefined);
      })
    : () => {};
  return () => {
    stopRelay();
    if (opts.rawTty) {
      cli.stdin.setRawMode(false);
      process.off('SIGWINCH', opts.onResize);
    }
    // a stdin never attached is never made (making process.stdin costs ~2 ms: see main.ts)
    if (opts.stdin || opts.rawTty) cli.stdin.pause();
  };
}

/**
 * Turn the terminal's output processing off too, as docker's raw mode (cfmakeraw) does: the
 * container's terminal already ends lines with \r\n, and ours would make each \n one more \r
 * (`\r\r\n`). Node's setRawMode leaves OPOST on; setRawMode(false) restores the terminal as it
 * was before, OPOST included.
 */
function rawOutput(stdin: NodeJS.ReadStream): void {
  const fd = (stdin as { fd?: unknown }).fd;
  spawnSync('stty', ['-opost'], { stdio: [typeof fd === 'number' ? fd : 0, 'ignore', 'ignore'] });
}

/** A sink for a stream the user did not attach to. */
function discard(): Writable {
  return new Writable({ write: (_c, _e, cb) => cb() });
}
