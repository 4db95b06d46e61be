import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addRegistryFlags, registryOptions, type RegistryFlags } from './pull.js';

/** `berth manifest inspect [--insecure] REF`: the registry's manifest or index, as JSON. */
export function registerManifest(program: Command, ctx: CliContext): void {
  const group = program.command('manifest').description('Inspect image manifests in a registry');
  const cmd = group
    .command('inspect')
    .description('Display an image manifest or manifest list')
    .argument('<name>', 'NAME[:TAG|@DIGEST]')
    .option('--insecure', 'allow communication with an insecure registry (same as --tls-verify=false)');
  addRegistryFlags(cmd).action(async (ref: string, f: RegistryFlags & { insecure?: boolean }) => {
    const { inspectManifest } = await import('../../core/registry/inspect-manifest.js');
    const opts = registryOptions(f);
    const m = await inspectManifest(ref, { ...opts, ...(f.insecure ? { tlsVerify: false } : {}) });
    ctx.stdout.write(`${JSON.stringify(m.document, null, '\t')}\n`);
  });
}
