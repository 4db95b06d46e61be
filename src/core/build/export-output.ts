import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EngineContext } from '../engine-context.js';
import { BerthError } from '../errors/berth-error.js';
import { packDiff } from '../snapshots/pack-diff.js';
import { withRootfsView } from './rootfs-view.js';

/** `build --output`: the result's files into a directory, or as a tar (a file, or stdout with `-`). */
export interface BuildOutput {
  type: 'local' | 'tar';
  dest: string;
}

/**
 * docker's `-o`/`--output`: `DIR` (type=local), `-` (a tar on stdout), or `type=local|tar,dest=…`;
 * `type=image`/`docker` is the default (an image in the store) and gives undefined.
 */
export function parseBuildOutput(spec: string): BuildOutput | undefined {
  if (spec === '-') return { type: 'tar', dest: '-' };
  if (!spec.includes('=')) return { type: 'local', dest: spec };
  const kv = new Map(spec.split(',').map((p) => [p.slice(0, p.indexOf('=') < 0 ? p.length : p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const));
  const type = kv.get('type') ?? 'local';
  if (type === 'image' || type === 'docker') return undefined;
  if (type !== 'local' && type !== 'tar') throw new BerthError('InvalidArgument', `--output: unsupported type "${type}": local, tar, image or docker`);
  const dest = kv.get('dest');
  if (!dest) throw new BerthError('InvalidArgument', `--output: type=${type} needs dest=…`);
  return { type, dest };
}

/**
 * Write the image's merged filesystem out: a local copy through berth's own unpacker (the same
 * rules as a layer: nothing outside dest), or the tar itself.
 */
export async function exportBuildOutput(ctx: EngineContext, imageId: string, out: BuildOutput, stdout: Writable): Promise<void> {
  const { chainIds } = ctx.images.resolve(imageId);
  await withRootfsView(ctx, chainIds, async (root) => {
    if (out.type === 'tar') {
      if (out.dest === '-') await pipeline(packDiff(root), stdout, { end: false });
      else await pipeline(packDiff(root), fs.createWriteStream(out.dest));
      return;
    }
    fs.mkdirSync(out.dest, { recursive: true });
    const { unpackLayer } = await import('../snapshots/unpack.js');
    await unpackLayer(packDiff(root), out.dest);
  });
}
