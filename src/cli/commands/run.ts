import { trace } from '../../core/trace.js';
import type { Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import type { CliContext } from '../context.js';
import { addContainerFlags, type ContainerFlags } from '../run-flags.js';
import { checkTty, ClientError } from '../exit-status.js';
import type { ContainerSpec } from '../../core/spec/container-spec.js';

interface RunFlags extends ContainerFlags {
  detach?: boolean;
  attach: string[];
  detachKeys?: string;
  sigProxy: boolean;
  quiet?: boolean;
}

/** `berth run`: create + start, attached unless -d; passes the container's exit code through. */
export function registerRun(parent: Command, ctx: CliContext, name = 'run'): void {
  const cmd = parent
    .command(name)
    .description('Create and run a new container from an image')
    .argument('<image>', 'image to run')
    .argument('[command...]', 'command and arguments')
    .option('-d, --detach', 'run container in background and print container ID')
    .option('--no-sig-proxy', 'do not proxy received signals to the process')
    .option('--detach-keys <keys>', 'override the key sequence for detaching a container (default "ctrl-p,ctrl-q")')
    .option(
      '-a, --attach <stream>',
      'attach to STDIN, STDOUT or STDERR (repeatable; default the output streams)',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option('-q, --quiet', 'suppress the pull output')
    .passThroughOptions();
  addContainerFlags(cmd).action(async (image: string, command: string[], f: RunFlags) => {
    const [{ runDetached, createForRun }, { flagsToSpec }] = await Promise.all([import('../../core/containers/run.js'), import('../run-spec.js')]);
    const spec = flagsToSpec(image, command, f);
    const streams = attachStreams(f.attach, !!f.detach);
    spec.attach = f.detach ? { stdin: false, stdout: false, stderr: false } : attachedStreams(f.attach, spec.openStdin);
    // process.stdin is made only when it is needed (see main.ts)
    if (!f.detach && spec.openStdin && spec.tty) checkTty(ctx.stdin, spec.openStdin, spec.tty);
    if (f.detachKeys !== undefined) {
      const { parseDetachKeys } = await import('../../core/runtime/detach-keys.js');
      parseDetachKeys(f.detachKeys); // a bad sequence fails before anything is created
    }
    const { checkCidfile, writeCidfile } = await import('../cidfile.js');
    checkCidfile(f.cidfile);
    const engine = await ctx.engine();
    trace('engine open');
    // docker's pull policy: a missing image is pulled ("Unable to find image … locally"), or always, or never
    const { ensureImageForRun } = await import('./pull.js');
    // pods: --pod NAME|new:NAME (its namespaces, cgroup and ports)
    const { podForContainer } = await import('../pod-flag.js');
    const how = {
      resolveImage: (ref: string) => ensureImageForRun(ctx, engine, ref, { pull: f.pull, platform: f.platform, quiet: f.quiet }),
      onCreated: (id: string) => writeCidfile(engine, f.cidfile, id),
      place: (s: ContainerSpec) => podForContainer(engine, s, f),
    };
    if (f.detach) {
      const rec = await runDetached(engine, spec, how);
      ctx.stdout.write(`${rec.id}\n`);
      return;
    }
    const rec = await createForRun(engine, spec, how);
    const { runForeground } = await import('../attach-session.js');
    const code = await runForeground(ctx, engine, rec.id, {
      stdin: spec.openStdin,
      tty: spec.tty,
      sigProxy: f.sigProxy,
      autoRemove: spec.autoRemove,
      ...(streams ? { streams } : {}),
      ...(f.detachKeys !== undefined ? { detachKeys: f.detachKeys } : {}),
    });
    ctx.setExitCode(code);
  });
}

/** What docker records as Config.Attach*: the -a streams, else stdout and stderr (and stdin with -i). */
export function attachedStreams(values: readonly string[], openStdin: boolean): { stdin: boolean; stdout: boolean; stderr: boolean } {
  if (values.length === 0) return { stdin: openStdin, stdout: true, stderr: true };
  const names = values.map((v) => v.toLowerCase());
  return { stdin: names.includes('stdin'), stdout: names.includes('stdout'), stderr: names.includes('stderr') };
}

/** docker's -a: which output streams are shown (undefined: both); refused with -d, as docker does. */
export function attachStreams(values: readonly string[], detach: boolean): { stdout: boolean; stderr: boolean } | undefined {
  if (values.length === 0) return undefined;
  // the client's own refusal: exit 1, as docker's "Conflicting options: -a and -d"
  if (detach) throw new ClientError('conflicting options: cannot specify both --attach and --detach');
  const names = values.map((v) => v.toLowerCase());
  for (const n of names) {
    if (!['stdin', 'stdout', 'stderr'].includes(n)) {
      throw new BerthError(
        'InvalidArgument',
        `invalid argument "${values[names.indexOf(n)] ?? n}" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR`,
      );
    }
  }
  return { stdout: names.includes('stdout'), stderr: names.includes('stderr') };
}
