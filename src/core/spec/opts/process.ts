import { BerthError } from '../../errors/index.js';
import type { ImageRuntimeConfig } from '../../oci/types.js';
import type { ContainerSpec } from '../container-spec.js';

/** Where the init binary (--init) is bind-mounted, and how it is called (`/dev/init -- cmd…`). */
export const INIT_PATH = '/dev/init';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The command line, by docker's rules: --entrypoint replaces the image's Entrypoint and also drops
 * the image's Cmd; a non-empty cmd replaces the image's Cmd. With --init, the init runs first.
 */
export function processArgs(spec: ContainerSpec, image: ImageRuntimeConfig): string[] {
  const entrypoint = spec.entrypoint ?? image.Entrypoint ?? [];
  const cmd = spec.cmd.length > 0 ? spec.cmd : spec.entrypoint !== undefined ? [] : (image.Cmd ?? []);
  const args = [...entrypoint, ...cmd];
  if (args.length === 0) throw new BerthError('InvalidArgument', 'no command specified');
  return spec.init ? [INIT_PATH, '--', ...args] : args;
}

function keyOf(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}

/**
 * docker's ReplaceOrAppendEnvValues: KEY=V replaces KEY or appends; a bare KEY removes the base's
 * KEY, but not one the overrides themselves set (`--env-file f -e KEY` with KEY unset on the host
 * keeps the file's KEY, as docker looks bare keys up in the base only).
 */
export function mergeEnv(base: readonly string[], overrides: readonly string[]): string[] {
  let out = [...base];
  const own = new Set<string>();
  for (const o of overrides) {
    const key = keyOf(o);
    if (!o.includes('=')) {
      if (!own.has(key)) out = out.filter((e) => keyOf(e) !== key);
      continue;
    }
    own.add(key);
    const at = out.findIndex((e) => keyOf(e) === key);
    if (at >= 0) out[at] = o;
    else out.push(o);
  }
  return out.filter((e) => e.includes('='));
}

/**
 * The environment, docker's way: PATH (a default, in case the image has none), HOSTNAME, TERM
 * when there is a tty; then the image's Env, then --env; HOME from passwd when still unset.
 */
export function processEnv(spec: ContainerSpec, image: ImageRuntimeConfig, hostname: string, home: string): string[] {
  const base = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${hostname}`, ...(spec.tty ? ['TERM=xterm'] : [])];
  const env = mergeEnv(mergeEnv(base, image.Env ?? []), spec.env);
  if (!env.some((e) => keyOf(e) === 'HOME')) env.push(`HOME=${home}`);
  return env;
}

/** spec.workingDir, else the image's WorkingDir, else "/". Relative ones are taken from "/". */
export function processCwd(spec: ContainerSpec, image: ImageRuntimeConfig): string {
  const cwd = spec.workingDir || image.WorkingDir || '/';
  return cwd.startsWith('/') ? cwd : `/${cwd}`;
}
