import { Option, type Command } from 'commander';
import { FlagError } from './exit-status.js';
/** Commander collectors for docker's repeatable flags (-e A -e B). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Docker accepts `--flag=false` on booleans rarely; integers must be whole numbers. */
export function intArg(flag: string): (v: string) => number {
  return (v: string) => {
    if (!/^-?\d+$/.test(v)) throw new FlagError(`invalid argument "${v}" for "${flag}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
    return Number(v);
  };
}

/** stop/restart: docker's `-t, --timeout` and its deprecated `--time`, read with stopTimeout. */
export function addStopTimeout(cmd: Command): Command {
  return cmd
    .option('-t, --timeout <seconds>', 'seconds to wait before killing the container', intArg('-t, --timeout'))
    .addOption(new Option('--time <seconds>', 'deprecated: --timeout').argParser(intArg('--time')).hideHelp());
}

export function stopTimeout(f: { timeout?: number; time?: number }): { timeout?: number } {
  const t = f.timeout ?? f.time;
  return t !== undefined ? { timeout: t } : {};
}

/**
 * docker's `--filter`: repeatable `name=value` pairs; one without `=` is the flag's usage error
 * (exit 125), what the filter names is checked by the command (exit 1).
 */
export function collectFilter(value: string, previous: string[] = []): string[] {
  if (value.indexOf('=') <= 0) throw new FlagError(`invalid argument "${value}" for "-f, --filter" flag: bad format of filter (expected name=value)`);
  return [...previous, value];
}
