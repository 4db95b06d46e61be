/**
 * What this process holds that nothing else would undo if it ended before its own `finally`
 * ran (Ctrl-C, SIGTERM, an uncaught error): a mount on a temporary directory, a temporary
 * directory. Each holder registers a synchronous undo while it holds the thing and releases it
 * once its own clean-up has run; whoever ends the process early runs what is still held.
 */
const held = new Map<number, () => void>();
let next = 0;

/** Register undo until the returned release is called. */
export function holdTeardown(undo: () => void): () => void {
  const id = next++;
  held.set(id, undo);
  return () => {
    held.delete(id);
  };
}

/**
 * Run every undo still held, newest first (a mount goes before the directory it is on), and
 * release them. With passes > 1 the same undos run again: a worker thread that was about to
 * create a held temporary may do it while the first pass runs (undos must be repeatable).
 */
export function runHeldTeardowns(passes = 1): void {
  const undos = [...held.entries()].reverse();
  held.clear();
  for (let pass = 0; pass < passes; pass++) {
    for (const [, undo] of undos) {
      try {
        undo();
      } catch {
        // the process is ending: undo what can be undone
      }
    }
  }
}

/** How many undos are held (tests). */
export function heldTeardownCount(): number {
  return held.size;
}
