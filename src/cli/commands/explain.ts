import type { Command } from 'commander';
import type { CliContext } from '../context.js';

interface ExplainFlags {
  all?: boolean;
  host?: boolean;
  diff?: string;
  pid?: string;
  format?: string;
}

/**
 * `berth explain`: a container (or any process, or the host) as the kernel sees it: namespaces,
 * cgroup limits and usage, capabilities, seccomp, mounts, layers, network, libraries.
 */
export function registerExplain(parent: Command, ctx: CliContext, name = 'explain'): void {
  parent
    .command(name)
    .description('Show a container as the kernel sees it: namespaces, cgroups, capabilities, seccomp, mounts, layers')
    .argument('[container]')
    .option('-a, --all', 'every process of the container, not only its main one')
    .option('--host', "the engine's own stack: runtime, monitor, their libraries, kernel features, host limits")
    .option('--diff <other>', 'compare with another container (or pid:N, or a PID) side by side')
    .option('--pid <pid>', 'explain any process by its host PID')
    .option('--format <format>', 'text (default) or json')
    .action(async (target: string | undefined, flags: ExplainFlags) => {
      const { BerthError } = await import('../../core/errors/berth-error.js');
      const x = await import('../../core/explain/index.js');
      const format = flags.format ?? 'text';
      if (format !== 'json' && format !== 'text') throw new BerthError('InvalidArgument', `unknown format "${format}": use text or json`);
      const engine = await ctx.engine();
      const style = x.styleFor(ctx.stdout);
      const print = (obj: unknown, text: () => string) => ctx.stdout.write(format === 'json' ? `${JSON.stringify(obj, null, 2)}\n` : text());

      if (flags.host) {
        if (target !== undefined || flags.pid !== undefined || flags.diff !== undefined)
          throw new BerthError('InvalidArgument', '--host takes no container, --pid or --diff');
        const h = x.explainHost(engine);
        print(h, () => x.renderHost(h, style));
        return;
      }
      if (target !== undefined && flags.pid !== undefined) throw new BerthError('InvalidArgument', 'give a container or --pid, not both');
      if (target === undefined && flags.pid === undefined) throw new BerthError('InvalidArgument', '"berth explain" requires a container, --pid PID or --host');
      const host = x.readHostSide(engine.hostFacts());
      const explainOne = (ref: string, isPid: boolean) =>
        isPid ? x.explainPid(engine, ref, host) : x.explainContainer(engine, ref, { all: flags.all === true }, host);
      const main = flags.pid !== undefined ? explainOne(flags.pid, true) : explainOne(target ?? '', false);

      if (flags.diff !== undefined) {
        const other = otherTarget(flags.diff, (ref) => engine.containers.get(ref) !== undefined || safeLookup(() => engine.containers.lookup(ref)));
        const right = explainOne(other.ref, other.isPid);
        const differences = x.diffFacts(main, right);
        print({ kind: 'diff', differences, left: main, right }, () => x.renderDiff(differences, style));
        return;
      }
      print(main, () => (main.kind === 'container' ? x.renderContainer(main, style) : x.renderPid(main, style)));
    });
}

function safeLookup(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}

/** `pid:N` is a PID; so is a number that names no container (a podman container's PID, say). */
function otherTarget(ref: string, isContainer: (ref: string) => boolean): { ref: string; isPid: boolean } {
  if (ref.startsWith('pid:')) return { ref: ref.slice(4), isPid: true };
  if (/^\d+$/.test(ref) && !isContainer(ref)) return { ref, isPid: true };
  return { ref, isPid: false };
}
