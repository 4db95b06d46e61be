import { BerthError } from '../errors/berth-error.js';
import type { ImageRuntimeConfig } from '../oci/types.js';
import type { ContainerSpec } from '../spec/container-spec.js';

/**
 * Docker's rule for what a container runs: `--entrypoint` replaces the image's Entrypoint and
 * drops its Cmd; a command given on the command line replaces the image's Cmd.
 */
export function resolveCommand(spec: ContainerSpec, image: ImageRuntimeConfig): string[] {
  let entrypoint = image.Entrypoint ?? [];
  let cmd = image.Cmd ?? [];
  if (spec.entrypoint !== undefined) {
    entrypoint = spec.entrypoint;
    cmd = [];
  }
  if (spec.cmd.length > 0) cmd = spec.cmd;
  const args = [...entrypoint, ...cmd];
  if (args.length === 0) throw new BerthError('InvalidArgument', 'no command specified');
  return args;
}
