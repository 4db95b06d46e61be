import path from 'node:path';
import { BerthError } from '../errors/index.js';
import type { ImageRuntimeConfig } from '../oci/types.js';
import { jsonArray } from './json-array.js';
import { ShellLex } from '../build/shell-lex.js';

/** The Dockerfile instructions `docker import --change` and `docker commit --change` accept. */
const SUPPORTED = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'];

function invalid(change: string, why: string): BerthError {
  return new BerthError('InvalidArgument', `invalid change "${change}": ${why}`);
}

/**
 * Split shell-like words, honouring single and double quotes and backslash escapes, the way
 * Dockerfile ENV and LABEL values are written (`A="b c" D=e`): the build's lexer, with no
 * variables (changes are not substituted).
 */
export function splitWords(s: string): string[] {
  try {
    return new ShellLex('\\').words(s);
  } catch (e) {
    if (e instanceof BerthError && /^unexpected end of statement/.test(e.message))
      throw new BerthError('InvalidArgument', `unterminated quote in "${s}"`, { cause: e });
    throw e;
  }
}

/** Exec form as given, or shell form wrapped in `/bin/sh -c`. */
function commandForm(rest: string): string[] {
  return jsonArray(rest) ?? ['/bin/sh', '-c', rest];
}

/** `K=V K2="v 2"`, or the legacy `K some value` form with exactly one name. */
function keyValues(change: string, rest: string): Array<[string, string]> {
  const words = splitWords(rest);
  if (words.length === 0) throw invalid(change, 'missing arguments');
  if (!words[0]?.includes('=')) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(rest);
    if (!m) throw invalid(change, 'expected a value');
    return [[m[1] as string, splitWords(m[2] as string).join(' ')]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw invalid(change, `expected key=value, got "${w}"`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

/** Set or replace NAME in an Env list, keeping its position (docker's builder, which runs the changes). */
function setEnv(env: readonly string[], name: string, value: string): string[] {
  const out = [...env];
  const i = out.findIndex((e) => e.split('=', 1)[0] === name);
  if (i >= 0) out[i] = `${name}=${value}`;
  else out.push(`${name}=${value}`);
  return out;
}

/**
 * Apply `--change` instructions (Dockerfile syntax, one per string) to an image config, as
 * `docker import -c` and `docker commit -c` do. Variable substitution is not performed.
 *
 * @example
 * applyChanges({}, ['CMD ["sh"]', 'ENV A=1']) // { Cmd: ['sh'], Env: ['A=1'] }
 */
export function applyChanges(base: ImageRuntimeConfig, changes: readonly string[]): ImageRuntimeConfig {
  const cfg: ImageRuntimeConfig = structuredClone(base);
  // as in a Dockerfile (docker runs the changes through its builder): an ENTRYPOINT drops the
  // inherited CMD unless a CMD change came before it
  let cmdSet = false;
  for (const change of changes) {
    const trimmed = change.trim();
    const m = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
    if (!m) continue;
    const instruction = (m[1] as string).toUpperCase();
    const rest = (m[2] as string).trim();
    if (!SUPPORTED.includes(instruction)) {
      throw new BerthError('InvalidArgument', `"${m[1]}" is not a valid change command`, {
        hint: `supported: ${SUPPORTED.join(', ')}`,
      });
    }
    if (rest === '') throw invalid(change, `${instruction} requires an argument`);
    switch (instruction) {
      case 'CMD':
        cfg.Cmd = commandForm(rest);
        cmdSet = true;
        break;
      case 'ENTRYPOINT':
        cfg.Entrypoint = commandForm(rest);
        if (!cmdSet) delete cfg.Cmd;
        break;
      case 'ENV':
        for (const [k, v] of keyValues(change, rest)) cfg.Env = setEnv(cfg.Env ?? [], k, v);
        break;
      case 'LABEL':
        for (const [k, v] of keyValues(change, rest)) cfg.Labels = { ...cfg.Labels, [k]: v };
        break;
      case 'EXPOSE':
        for (const p of splitWords(rest)) {
          if (!/^\d+(-\d+)?(\/(tcp|udp|sctp))?$/i.test(p)) throw invalid(change, `invalid port "${p}"`);
          const key = p.includes('/') ? p.toLowerCase() : `${p}/tcp`;
          cfg.ExposedPorts = { ...cfg.ExposedPorts, [key]: {} };
        }
        break;
      case 'VOLUME':
        for (const v of jsonArray(rest) ?? splitWords(rest)) cfg.Volumes = { ...cfg.Volumes, [v]: {} };
        break;
      case 'WORKDIR':
        cfg.WorkingDir = path.posix.resolve(cfg.WorkingDir || '/', rest);
        break;
      case 'USER':
        cfg.User = rest;
        break;
      case 'STOPSIGNAL':
        cfg.StopSignal = rest;
        break;
      case 'ONBUILD':
        cfg.OnBuild = [...(cfg.OnBuild ?? []), rest];
        break;
    }
  }
  return cfg;
}
