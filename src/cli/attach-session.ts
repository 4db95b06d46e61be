import type { Engine } from '../core/engine.js';
import { attach, attachSocketPath, resizeTerminal } from '../core/runtime/attach.js';
import { waitForExit } from '../core/runtime/exit-file.js';
import { relaySignals, PROXIED_SIGNALS } from '../core/runtime/signals.js';
import { startContainer } from '../core/containers/start.js';
import { finalizeExit } from '../core/containers/exit.js';
import { removeContainer } from '../core/containers/remove.js';
import type { CliContext } from './context.js';

export interface ForegroundOptions {
  /** attach stdin (-i) */
  stdin: boolean;
  tty: boolean;
  /** forward signals berth receives to the container (docker's --sig-proxy, default on) */
  sigProxy: boolean;
  autoRemove: boolean;
}

/**
 * Start a container with the terminal attached: connect to conmon's attach socket after the
 * runtime created the container and before its process starts (conmon keeps no replay buffer),
 * relay stdin/stdout/stderr, forward signals, then return the container's exit code.
 */
export async function runForeground(cli: CliContext, engine: Engine, id: string, opts: ForegroundOptions): Promise<number> {
  const stdinIsTty = opts.tty && opts.stdin && cli.stdin.isTTY === true;
  let session: Awaited<ReturnType<typeof attach>> | undefined;
  let bundle = '';
  const onResize = () => {
    if (bundle && cli.stdout.rows && cli.stdout.columns) resizeTerminal(bundle, cli.stdout.rows, cli.stdout.columns);
  };
  let stopRelay = () => {};
  try {
    await startContainer(engine, id, {
      attachedPid: process.pid,
      // this process records the exit and cleans up; only a restart policy needs conmon's hook
      noExitHook: engine.containers.get(id)?.spec.restartPolicy.name === 'no',
      beforeStart: async (info) => {
        bundle = info.bundle;
        session = await attach({
          socketPath: attachSocketPath(engine.paths.sockets, info.id),
          stdin: opts.stdin ? cli.stdin : null,
          stdout: cli.stdout,
          stderr: cli.stderr,
          tty: opts.tty,
        });
        if (opts.tty) onResize();
      },
    });
    if (stdinIsTty) {
      cli.stdin.setRawMode(true);
      process.on('SIGWINCH', onResize);
    }
    if (opts.sigProxy && !opts.tty) {
      stopRelay = relaySignals(PROXIED_SIGNALS, (sig) => {
        void engine.runtime().kill(id, sig, false).catch(() => undefined);
      });
    }
    await session?.done;
    const code = await waitForExit(engine.paths.exits, id);
    return code < 0 ? 137 : code;
  } finally {
    stopRelay();
    if (stdinIsTty) {
      cli.stdin.setRawMode(false);
      process.off('SIGWINCH', onResize);
    }
    cli.stdin.pause();
    session?.close();
    const rec = engine.containers.get(id);
    if (rec) {
      await finalizeExit(engine, rec);
      if (opts.autoRemove) await removeContainer(engine, id, { force: true, volumes: true }).catch(() => undefined);
    }
  }
}
