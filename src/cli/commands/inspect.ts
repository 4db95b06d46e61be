import { checkPlatform } from '../platform-check.js';
import type { Command } from 'commander';
import { BerthError, errorMessage } from '../../core/errors/berth-error.js';
import type { CliContext } from '../context.js';
import { printObjects } from '../render.js';
import type { Engine } from '../../core/engine.js';
import { containerPaths } from '../../core/containers/container-paths.js';
import { dirSize } from '../../core/volumes/volume-store.js';
import { volumeJson } from '../../core/volumes/list.js';

export { volumeJson };

type Kind = 'container' | 'image' | 'volume' | 'network' | undefined;

/** `berth inspect` (containers, then images, then volumes) and `container|image|volume inspect`. */
export function registerInspect(parent: Command, ctx: CliContext, name = 'inspect', only: Kind = undefined): void {
  const cmd = parent
    .command(name)
    .description(`Display detailed information on one or more ${only ?? 'object'}s`)
    .argument('<targets...>')
    .option('-f, --format <format>', 'format output using a Go template');
  if (!only) cmd.option('--type <type>', 'only inspect objects of the given type (container, image, volume, network)');
  if (only === 'container' || !only) cmd.option('-s, --size', 'display total file sizes');
  if (only === 'image') cmd.option('--platform <os/arch[/variant]>', 'inspect the image only if it is for this platform (berth stores one per image)');
  cmd.action(async (targets: string[], f: { format?: string; type?: string; size?: boolean; platform?: string }) => {
    const engine = await ctx.engine();
    if (only === 'image') await checkPlatform(engine, targets, f.platform);
    const { inspectContainer } = await import('../../core/containers/inspect.js');
    const kind = (only ?? f.type) as Kind;
    if (kind && !['container', 'image', 'volume', 'network'].includes(kind)) throw new Error(`"${kind}" is not a valid value for --type`);
    const nets = !kind || kind === 'network' ? await import('../../core/networks/index.js') : undefined;
    const objects: unknown[] = [];
    let failed = false;
    for (const t of targets) {
      const attempts: Array<() => unknown> = [];
      if (!kind || kind === 'container') attempts.push(() => (f.size ? withSizes(engine, inspectContainer(engine, t)) : inspectContainer(engine, t)));
      if (!kind || kind === 'image') attempts.push(() => engine.images.inspect(engine.images.resolve(t).id));
      if (!kind || kind === 'volume') attempts.push(() => volumeJson(engine.volumes.get(t)));
      if (nets) attempts.push(() => nets.builtinNetworkJson(engine, t) ?? nets.networkJson(engine, nets.networkStore(engine).lookup(t)));
      let done = false;
      let lastErr: unknown;
      for (const a of attempts) {
        try {
          objects.push(a());
          done = true;
          break;
        } catch (e) {
          // only "not this kind of object" moves on to the next kind: a store that cannot be read
          // (a full disk, a broken database) is that error, never "No such object"
          if (!(e instanceof BerthError)) throw e;
          lastErr = e;
        }
      }
      if (!done) {
        failed = true;
        // docker's client words a missing object of a given kind as "No such image: x" (the name as given)
        const notFound = lastErr instanceof BerthError && lastErr.kind === 'NotFound';
        ctx.stderr.write(`Error: ${!kind ? `No such object: ${t}` : notFound ? `No such ${kind}: ${t}` : errorMessage(lastErr)}\n`);
      }
    }
    await printObjects(ctx, objects, f.format);
    if (failed) ctx.setExitCode(1);
  });
}

/**
 * -s: what the container wrote (SizeRw, its overlay upper dir) and that plus its image
 * (SizeRootFs), in bytes, as docker adds them.
 */
function withSizes(engine: Engine, c: Record<string, unknown>): Record<string, unknown> {
  const rec = engine.containers.lookup(String(c['Id']));
  const rw = dirSize(containerPaths(engine.paths, rec.id).upper);
  return { ...c, SizeRw: rw, SizeRootFs: rw + rec.image.size };
}
