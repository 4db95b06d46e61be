/**
 * BERTH_TRACE=1 prints milliseconds since the process started at the named steps of a command,
 * and the CPU time this process used by then, on stderr: how the README's breakdown of `run
 * --rm` is measured (the CPU time tells this process's own work from waiting on a busy machine).
 * A no-op otherwise.
 */
export const trace: (step: string) => void = process.env.BERTH_TRACE
  ? (step) => {
      const cpu = process.cpuUsage();
      process.stderr.write(`berth-trace ${performance.now().toFixed(1)} ms (cpu ${((cpu.user + cpu.system) / 1000).toFixed(1)}) ${step}\n`);
    }
  : () => undefined;
