import type { Command, Option } from 'commander';

const TRUE = new Set(['true', '1', 't', 'TRUE', 'True']);
const FALSE = new Set(['false', '0', 'f', 'FALSE', 'False']);

/**
 * Docker's flag parser takes `--rm=false`, `-d=true`, `--tty=false`: a boolean flag with an
 * explicit value. commander does not, so such a flag becomes `--flag` (true) or disappears
 * (false; `--no-flag` where the command has one). A bare `--flag` of which only `--no-flag` is
 * declared (`--sig-proxy`) is the default, and dropped. Only the command's own flags before its first
 * argument are read: what follows the image of `run` belongs to the container's command.
 *
 * @example
 * normalizeBooleanFlags(program, ['run', '--rm=false', '-d=true', 'busybox', 'echo', '--rm=false'])
 * // ['run', '-d', 'busybox', 'echo', '--rm=false']
 */
export function normalizeBooleanFlags(program: Command, args: readonly string[]): string[] {
  const out: string[] = [];
  let cmd: Command = program;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') break;
    if (!a.startsWith('-') || a === '-') {
      const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
      if (!sub) break; // the first argument: the rest is left alone
      cmd = sub;
      out.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    const opt = findOption(cmd, name);
    // only `--no-x` is declared (a flag on by default): `--x=false` is it, `--x=true` the default
    const negation = !opt && name.startsWith('--') ? findOption(cmd, `--no-${name.slice(2)}`) : undefined;
    // bare `--x`: the default it already is
    if (negation && eq < 0) continue;
    if (negation) {
      const value = a.slice(eq + 1);
      if (FALSE.has(value)) {
        out.push(negation.long as string);
        continue;
      }
      if (TRUE.has(value)) continue;
    }
    if (opt && eq > 0 && opt.isBoolean()) {
      const value = a.slice(eq + 1);
      if (TRUE.has(value)) {
        out.push(name);
        continue;
      }
      if (FALSE.has(value)) {
        const negated = opt.long ? findOption(cmd, `--no-${opt.long.slice(2)}`) : undefined;
        if (negated) out.push(`--no-${(opt.long as string).slice(2)}`);
        continue;
      }
    }
    out.push(a);
    // a flag that takes its value as the next argument
    if (opt && eq < 0 && opt.required && i + 1 < args.length) out.push(args[++i] as string);
  }
  return [...out, ...args.slice(i)];
}

function findOption(cmd: Command, name: string): Option | undefined {
  for (let c: Command | null = cmd; c; c = c.parent) {
    const o = c.options.find((x) => x.long === name || x.short === name);
    if (o) return o;
  }
  return undefined;
}
