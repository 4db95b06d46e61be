import { runHeldTeardowns } from '../core/host/teardown.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Ends the process now, as the signal would: what it holds (mounts, temporary directories) is
 * undone first, then the signal is raised again with no handler, so the process dies of it
 * (exit status 128+n to a shell) even when a thread of the pool is stuck in a system call, where
 * process.exit() would wait for it for ever.
 */
export function dieOf(signal: NodeJS.Signals): never {
  // twice: a pull's worker threads go on while this runs, and may create a temporary just removed
  runHeldTeardowns(2);
  for (const s of SIGNALS) process.removeAllListeners(s);
  process.kill(process.pid, signal);
  // the signal is delivered before kill(2) returns to a single-threaded caller; in case not:
  process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
}

/**
 * Make a long operation end on Ctrl-C or SIGTERM. With an abort controller the first signal
 * asks the operation to stop (it cleans up itself and fails with its own error) and it has
 * graceMs to do so; after that, or at a second signal, or at once without a controller, the
 * process tears down what it holds and dies of the signal. Returns the function that stops
 * watching (call it when the operation has ended).
 */
export function onInterrupt(opts: { abort?: AbortController; graceMs?: number } = {}): () => void {
  let timer: NodeJS.Timeout | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (opts.abort === undefined || opts.abort.signal.aborted || timer !== undefined) dieOf(signal);
    opts.abort.abort(signal);
    timer = setTimeout(() => dieOf(signal), opts.graceMs ?? 3000);
    timer.unref();
  };
  for (const s of SIGNALS) process.on(s, handler);
  return () => {
    for (const s of SIGNALS) process.off(s, handler);
    if (timer !== undefined) clearTimeout(timer);
  };
}
