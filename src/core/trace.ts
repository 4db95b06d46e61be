/**
 * BERTH_TRACE=1 prints milliseconds since the process started at the named steps of a command,
 * on stderr: how the README's breakdown of `run --rm` is measured. A no-op otherwise.
 */
export const trace: (step: string) => void = process.env.BERTH_TRACE
  ? (step) => process.stderr.write(`berth-trace ${performance.now().toFixed(1)} ms ${step}\n`)
  : () => undefined;
