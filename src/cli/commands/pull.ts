import type { Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import type { Engine } from '../../core/engine.js';
import type { CliContext } from '../context.js';
import { trace } from '../../core/trace.js';

/** The flags every registry command takes (podman's names; docker's `--insecure` on manifest). */
export interface RegistryFlags {
  authfile?: string;
  tlsVerify?: string | boolean;
  certDir?: string;
}

export function addRegistryFlags(cmd: Command): Command {
  return cmd
    .option('--authfile <path>', 'credentials file (default $BERTH_AUTH_FILE, else ~/.docker/config.json)')
    .option('--tls-verify [bool]', 'require HTTPS and verify certificates (--tls-verify=false allows plain HTTP)')
    .option('--cert-dir <dir>', 'certificates (*.crt CAs, *.cert/*.key client pair) for the registry');
}

/** `--tls-verify`, `--tls-verify=true|false`; anything else is a usage error. */
export function parseTlsVerify(v: string | boolean | undefined): boolean | undefined {
  if (v === undefined || v === true) return v;
  if (v === false || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1') return true;
  throw new BerthError('InvalidArgument', `invalid argument "${String(v)}" for "--tls-verify" flag: strconv.ParseBool: parsing "${String(v)}": invalid syntax`);
}

export function registryOptions(f: RegistryFlags): { authFile?: string; tlsVerify?: boolean; certDir?: string } {
  const tlsVerify = parseTlsVerify(f.tlsVerify);
  return {
    ...(f.authfile !== undefined ? { authFile: f.authfile } : {}),
    ...(tlsVerify !== undefined ? { tlsVerify } : {}),
    ...(f.certDir !== undefined ? { certDir: f.certDir } : {}),
  };
}

interface PullFlags extends RegistryFlags {
  quiet?: boolean;
  platform?: string;
  allTags?: boolean;
}

/** `berth pull [-q] [--platform os/arch[/variant]] NAME[:TAG|@DIGEST]`. */
export function registerPull(parent: Command, ctx: CliContext, name = 'pull'): void {
  const cmd = parent
    .command(name)
    .description('Download an image from a registry')
    .argument('<name>', 'NAME[:TAG|@DIGEST]')
    .option('-q, --quiet', 'suppress verbose output')
    .option('--platform <platform>', 'set platform if server is multi-platform capable (os/arch[/variant])')
    .option('-a, --all-tags', 'download all tagged images in the repository');
  addRegistryFlags(cmd).action(async (ref: string, f: PullFlags) => {
    const [{ prewarmLanes }, { availableParallelism }, { pullImage, pullAllTags }, { parsePlatform }, { progressRenderer }] = await Promise.all([
      import('../../core/registry/layer-lanes.js'),
      import('node:os'),
      import('../../core/registry/pull.js'),
      import('../../core/images/platform.js'),
      import('../render/progress.js'),
    ]);
    const platform = f.platform ? parsePlatform(f.platform) : undefined;
    const pullOpts = { ...registryOptions(f), platform, onProgress: progressRenderer(ctx.stdout, { quiet: f.quiet, err: ctx.stderr }) };
    const openStore = async () => {
      const engine = await ctx.engine();
      trace('pull: engine open');
      return engine.images;
    };
    // The registry's first answer is awaited while the layers' worker threads start, and the
    // store opens while the manifest comes (pullImage): each of these costs milliseconds of this
    // thread, spent where it would otherwise wait. A pull of an image already here leaves the
    // workers unused: a little CPU, no time.
    const pulling = f.allTags ? openStore().then((store) => pullAllTags(store, ref, pullOpts)) : pullImage(openStore, ref, pullOpts);
    prewarmLanes(Math.min(3, availableParallelism()) - 1);
    const r = await pulling;
    ctx.stdout.write(`${'repository' in r ? r.repository : r.reference}\n`);
  });
}

/**
 * For `run`/`create --pull missing|always|never`: the image id to create the container from,
 * pulling (with progress on stderr, as docker prints it when it pulls for run) when needed.
 */
export async function ensureImageForRun(
  ctx: CliContext,
  engine: Engine,
  image: string,
  f: { pull: string; platform?: string | undefined; quiet?: boolean | undefined },
): Promise<string> {
  const [{ ensureImage }, { progressRenderer }] = await Promise.all([import('../../core/registry/ensure-image.js'), import('../render/progress.js')]);
  const pull = f.pull === 'always' || f.pull === 'never' ? f.pull : 'missing';
  return ensureImage(engine.images, image, {
    pull,
    platform: f.platform,
    onProgress: progressRenderer(ctx.stderr, { quiet: f.quiet, err: ctx.stderr }),
  });
}
