import { Option, type Command } from 'commander';
/** Commander collectors for docker's repeatable flags (-e A -e B). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Docker accepts `--flag=false` on booleans rarely; integers must be whole numbers. */
export function intArg(flag: string): (v: string) => number {
  return (v: string) => {
    if (!/^-?\d+$/.test(v)) throw new Error(`invalid argument "${v}" for "${flag}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
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
