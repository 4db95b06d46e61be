import { InvalidArgumentError } from 'commander';

/** The levels docker documents for its global `--log-level`. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

let level: LogLevel = 'warn';

/** commander's parser for `--log-level`: a level docker knows, or a usage error naming them. */
export function parseLogLevel(value: string): LogLevel {
  const l = LOG_LEVELS.find((x) => x === value.toLowerCase());
  if (!l) throw new InvalidArgumentError(`unable to parse logging level: ${value} (${LOG_LEVELS.join(', ')})`);
  level = l;
  return l;
}

/** Whether messages of level `l` are shown at the chosen `--log-level`. */
export function shown(l: LogLevel): boolean {
  return LOG_LEVELS.indexOf(l) >= LOG_LEVELS.indexOf(level);
}

/** A warning (docker's `WARNING: …` lines): shown at warn and below, not with --log-level error or fatal. */
export function warn(out: { write(s: string): unknown }, line: string): void {
  if (shown('warn')) out.write(line.endsWith('\n') ? line : `${line}\n`);
}

/** --log-level debug (or $BERTH_DEBUG): the stack of an unexpected error is printed. */
export function debugging(): boolean {
  return shown('debug') || !!process.env['BERTH_DEBUG'];
}
