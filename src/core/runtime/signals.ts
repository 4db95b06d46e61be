import { constants } from 'node:os';
import { BerthError } from '../errors/index.js';

const SIGNALS = constants.signals as Readonly<Record<string, number | undefined>>;

/**
 * A signal's number from a number, a name (`KILL`, `SIGKILL`, `sigkill`) or a numeric string,
 * as `docker kill --signal` accepts. Throws InvalidArgument for anything else.
 *
 * @example
 * signalNumber('TERM'); // 15
 */
export function signalNumber(signal: number | string): number {
  if (typeof signal === 'number') {
    if (Number.isInteger(signal) && signal > 0 && signal < 65) return signal;
  } else if (/^\d+$/.test(signal)) {
    return signalNumber(Number(signal));
  } else {
    const upper = signal.toUpperCase();
    const n = SIGNALS[upper.startsWith('SIG') ? upper : `SIG${upper}`];
    if (n !== undefined) return n;
  }
  throw new BerthError('InvalidArgument', `invalid signal: ${JSON.stringify(String(signal))}`);
}

/**
 * Signals a foreground client relays to its container, as docker's --sig-proxy does. SIGWINCH
 * is handled separately (resize), SIGCHLD/SIGPIPE/SIGURG are never relayed, and SIGKILL/SIGSTOP
 * cannot be caught. Job control (SIGTSTP, SIGCONT) stays with the client. A SIGUSR1 listener
 * also keeps Node from opening its inspector (checked on Node 20).
 */
export const PROXIED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGALRM'];

/**
 * Install process signal handlers that call `forward(signal)` instead of letting Node die, for
 * as long as a foreground container or exec runs. Returns the function that removes them.
 *
 * @example
 * const stop = relaySignals(PROXIED_SIGNALS, (s) => child.kill(s));
 * try { await exited; } finally { stop(); }
 */
export function relaySignals(signals: readonly NodeJS.Signals[], forward: (signal: NodeJS.Signals) => void): () => void {
  const handlers = signals.map((s) => {
    const h = (): void => forward(s);
    process.on(s, h);
    return [s, h] as const;
  });
  return () => {
    for (const [s, h] of handlers) process.off(s, h);
  };
}
