import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { collect } from '../options.js';
import { addRegistryFlags, registryOptions, type RegistryFlags } from './pull.js';

type Flags = RegistryFlags & { insecure?: boolean };

/** Registry options, with docker's `--insecure` as `--tls-verify=false`. */
function options(f: Flags): ReturnType<typeof registryOptions> {
  return { ...registryOptions(f), ...(f.insecure ? { tlsVerify: false } : {}) };
}

/**
 * `berth manifest inspect|create|annotate|push|rm`: a registry's manifests, and manifest lists
 * made here from images already pushed (docker's, kept under the storage root until pushed).
 */
export function registerManifest(program: Command, ctx: CliContext): void {
  const group = program.command('manifest').description('Inspect and assemble image manifests and manifest lists');
  addRegistryFlags(
    group
      .command('inspect')
      .description('Display an image manifest or manifest list (a local list first, then the registry)')
      .argument('<name>', 'LIST or NAME[:TAG|@DIGEST]; with two names, the entry MANIFEST of local LIST')
      .argument('[manifest]')
      .option('--insecure', 'allow communication with an insecure registry (same as --tls-verify=false)')
      .option('-v, --verbose', 'output additional info: the reference and descriptor with the manifest'),
  ).action(async (name: string, manifest: string | undefined, f: Flags & { verbose?: boolean }) => {
    const { readList, indexDocument, listEntry } = await import('../../core/registry/manifest-list.js');
    const root = (await ctx.engine()).paths.root;
    const list = readList(root, name);
    if (list && manifest !== undefined) {
      const e = listEntry(list, name, manifest);
      ctx.stdout.write(
        `${JSON.stringify({ Ref: e.ref, Descriptor: { mediaType: e.mediaType, digest: e.digest, size: e.size, platform: e.platform } }, null, '\t')}\n`,
      );
      return;
    }
    if (list) {
      ctx.stdout.write(`${JSON.stringify(JSON.parse(indexDocument(list).bytes.toString('utf8')), null, '\t')}\n`);
      return;
    }
    const { inspectManifest } = await import('../../core/registry/inspect-manifest.js');
    const m = await inspectManifest(manifest ?? name, options(f));
    const out = f.verbose ? { Ref: manifest ?? name, Descriptor: { mediaType: m.mediaType, digest: m.digest }, Manifest: m.document } : m.document;
    ctx.stdout.write(`${JSON.stringify(out, null, '\t')}\n`);
  });
  addRegistryFlags(
    group
      .command('create')
      .description('Create a local manifest list for annotating and pushing to a registry')
      .argument('<list>', 'MANIFEST_LIST (a tagged reference)')
      .argument('<manifests...>', 'images already in a registry')
      .option('-a, --amend', 'amend an existing manifest list')
      .option('--insecure', 'allow communication with an insecure registry'),
  ).action(async (name: string, manifests: string[], f: Flags & { amend?: boolean }) => {
    const { createList } = await import('../../core/registry/manifest-list.js');
    const { familiarString } = await import('../../core/reference/reference.js');
    const list = await createList((await ctx.engine()).paths.root, name, manifests, { ...options(f), amend: !!f.amend });
    ctx.stdout.write(`Created manifest list ${familiarString(list.ref)}\n`);
  });
  group
    .command('annotate')
    .description('Add additional information to a local image manifest')
    .argument('<list>')
    .argument('<manifest>')
    .option('--arch <arch>', 'set architecture')
    .option('--os <os>', 'set operating system')
    .option('--os-features <feature>', 'set operating system feature', collect, [])
    .option('--os-version <version>', 'set operating system version')
    .option('--variant <variant>', 'set architecture variant')
    .action(async (name: string, manifest: string, f: { arch?: string; os?: string; osFeatures: string[]; osVersion?: string; variant?: string }) => {
      const { annotateList } = await import('../../core/registry/manifest-list.js');
      annotateList((await ctx.engine()).paths.root, name, manifest, {
        ...(f.arch !== undefined ? { arch: f.arch } : {}),
        ...(f.os !== undefined ? { os: f.os } : {}),
        ...(f.variant !== undefined ? { variant: f.variant } : {}),
        ...(f.osVersion !== undefined ? { osVersion: f.osVersion } : {}),
        ...(f.osFeatures.length ? { osFeatures: f.osFeatures } : {}),
      });
    });
  addRegistryFlags(
    group
      .command('push')
      .description('Push a manifest list to a repository')
      .argument('<list>')
      .option('-p, --purge', 'remove the local manifest list after push')
      .option('--insecure', 'allow push to an insecure registry'),
  ).action(async (name: string, f: Flags & { purge?: boolean }) => {
    const { pushList } = await import('../../core/registry/manifest-list.js');
    const digest = await pushList((await ctx.engine()).paths.root, name, { ...options(f), purge: !!f.purge });
    ctx.stdout.write(`${digest}\n`);
  });
  group
    .command('rm')
    .description('Delete one or more manifest lists from local storage')
    .argument('<lists...>')
    .action(async (names: string[]) => {
      const { removeList } = await import('../../core/registry/manifest-list.js');
      const { forEachTarget } = await import('../multi.js');
      const root = (await ctx.engine()).paths.root;
      await forEachTarget(ctx, names, async (n) => {
        removeList(root, n);
        return undefined;
      });
    });
}
