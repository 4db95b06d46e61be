import path from 'node:path';
import type { MountSpec } from '../container-spec.js';
import { invalidArgument } from './invalid.js';
import { PROPAGATIONS, checkVolumeName, containerTarget } from './mount-path.js';

// Each -v mode belongs to a group; a group may appear once ("ro,rw" is an error, as in docker).
function modeGroup(mode: string): string | undefined {
  if (mode === 'ro' || mode === 'rw') return 'access';
  if (mode === 'z' || mode === 'Z') return 'label';
  if (PROPAGATIONS.has(mode)) return 'propagation';
  if (mode === 'nocopy') return 'copy';
  // Docker Desktop's consistency hints: accepted and ignored on Linux
  if (mode === 'consistent' || mode === 'cached' || mode === 'delegated') return 'consistency';
  return undefined;
}

/**
 * -v / --volume `[source:]target[:modes]`. A source that is absolute or starts with "." is a bind
 * mount (relative ones resolved against cwd, as docker's CLI does); any other source is a named
 * volume; a lone target is an anonymous volume (source ""). Modes: ro/rw, z/Z, a propagation,
 * nocopy; kept in `options` except ro/rw.
 *
 * @example parseVolume('/srv:/data:ro') // { type: 'bind', source: '/srv', target: '/data', readOnly: true, options: [] }
 */
export function parseVolume(value: string, cwd: string = process.cwd()): MountSpec {
  const parts = value.split(':');
  let source = '';
  let target: string;
  let modes = '';
  if (parts.length === 1) {
    target = parts[0] ?? '';
  } else if (parts.length === 2) {
    // "/foo:rw" would be a target plus a mode, which docker refuses: anonymous volumes take no mode
    if (modeGroup(parts[1] ?? '') !== undefined) throw invalidArgument(`invalid volume specification: "${value}"`);
    [source = '', target = ''] = parts;
  } else if (parts.length === 3) {
    [source = '', target = '', modes = ''] = parts;
  } else {
    throw invalidArgument(`invalid volume specification: "${value}"`);
  }
  if (target === '') throw invalidArgument(`invalid volume specification: "${value}"`);
  const isBind = source.startsWith('/') || source.startsWith('.');
  if (!isBind && source !== '') checkVolumeName(source);
  if (parts.length > 1 && source === '') throw invalidArgument(`invalid volume specification: "${value}"`);

  let readOnly = false;
  const options: string[] = [];
  const seen = new Set<string>();
  for (const mode of modes === '' ? [] : modes.split(',')) {
    const group = modeGroup(mode);
    if (group === undefined || seen.has(group)) throw invalidArgument(`invalid mode: "${modes}"`);
    seen.add(group);
    if (group === 'access') readOnly = mode === 'ro';
    else if (group === 'consistency') continue;
    else if (group === 'propagation' && !isBind) {
      throw invalidArgument(`invalid mode "${mode}" in "${value}": propagation applies only to bind mounts`);
    } else if (group === 'copy' && isBind) {
      throw invalidArgument(`invalid mode "${mode}" in "${value}": nocopy applies only to volumes`);
    } else options.push(mode);
  }
  return {
    type: isBind ? 'bind' : 'volume',
    source: isBind ? path.posix.resolve(cwd, source) : source,
    target: containerTarget(target, value),
    readOnly,
    options,
  };
}
