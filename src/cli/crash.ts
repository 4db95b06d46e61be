/**
 * An error that escaped every caller (a bug: a rejected promise nobody awaited, a throw in a
 * callback) goes to report, which prints it as any error (one line; the stack with BERTH_DEBUG)
 * and exits. Without a handler Node prints the source line that threw, and in the bundle that
 * line is the whole minified program.
 */
export function reportUncaught(report: (e: unknown) => never): void {
  process.on('uncaughtException', report);
  process.on('unhandledRejection', report);
}
