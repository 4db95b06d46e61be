import fs from 'node:fs';
import type { Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import type { CliContext } from '../context.js';

/** A manifest from a file, or from stdin for "-". */
async function readManifest(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new BerthError(
      'InvalidArgument',
      `cannot read the manifest ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
}

/** `berth kube play|down|generate`: Kubernetes YAML to pods and back. */
export function registerKube(parent: Command, ctx: CliContext): void {
  const kube = parent.command('kube').description('Play, remove and generate Kubernetes YAML (pods, deployments, configmaps, secrets, claims)');

  kube
    .command('play')
    .description('Create and start the pods a Kubernetes manifest describes')
    .argument('<file>', 'the manifest, or - for stdin')
    .option('--replace', 'remove the pods of the same names first')
    .option('--no-start', 'create the pods without starting them (--start=false)')
    .option('-q, --quiet', 'suppress the pull output')
    .action(async (file: string, f: { replace?: boolean; start: boolean; quiet?: boolean }) => {
      const text = await readManifest(file);
      const { playKube } = await import('../../core/kube/play.js');
      const { repairContainers } = await import('../../core/containers/repair.js');
      const { ensureImageForRun } = await import('./pull.js');
      const engine = await ctx.engine();
      await repairContainers(engine);
      await (await import('../../core/pods/index.js')).repairPods(engine);
      const r = await playKube(engine, text, {
        ...(f.replace ? { replace: true } : {}),
        start: f.start,
        ensureImage: (ref, pull) => ensureImageForRun(ctx, engine, ref, { pull, quiet: !!f.quiet }),
        onWarning: (w) => ctx.stderr.write(`WARNING: ${w}\n`),
      });
      for (const p of r.pods) {
        ctx.stdout.write(`Pod:\n${p.id}\n`);
        if (p.initContainers.length) ctx.stdout.write(`Init Containers:\n${p.initContainers.join('\n')}\n`);
        ctx.stdout.write(`Containers:\n${p.containers.join('\n')}\n\n`);
      }
      if (r.volumes.length) ctx.stdout.write(`Volumes:\n${r.volumes.join('\n')}\n`);
    });

  kube
    .command('generate')
    .description('Write Kubernetes YAML for pods or containers (containers not in a pod become one Pod)')
    .argument('<targets...>', 'pods or containers')
    .option('-s, --service', "also write a Service for each pod's ports")
    .option('-f, --filename <file>', 'write to this file instead of stdout')
    .action(async (targets: string[], f: { service?: boolean; filename?: string }) => {
      const { generateKube } = await import('../../core/kube/generate.js');
      const text = await generateKube(await ctx.engine(), targets, { service: !!f.service });
      if (f.filename) fs.writeFileSync(f.filename, text);
      else ctx.stdout.write(text);
    });

  kube
    .command('down')
    .description("Remove the pods a Kubernetes manifest describes (their claims' volumes too with --force)")
    .argument('<file>', 'the manifest, or - for stdin')
    .option('--force', "also remove the volumes of the manifest's PersistentVolumeClaims")
    .action(async (file: string, f: { force?: boolean }) => {
      const text = await readManifest(file);
      const { downKube } = await import('../../core/kube/play.js');
      const r = await downKube(await ctx.engine(), text, { force: !!f.force });
      if (r.pods.length) ctx.stdout.write(`Pods removed:\n${r.pods.join('\n')}\n`);
      if (r.volumes.length) ctx.stdout.write(`Volumes removed:\n${r.volumes.join('\n')}\n`);
    });
}
