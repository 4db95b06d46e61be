import path from 'node:path';
import type { MountSpec } from '../container-spec.js';
import { parseBytes } from './bytes.js';
import { csvFields } from './csv-fields.js';
import { invalidArgument, invalidFlag } from './invalid.js';
import { PROPAGATIONS, checkVolumeName, containerTarget } from './mount-path.js';

const BOOL_KEYS = new Set(['readonly', 'ro', 'volume-nocopy', 'bind-nonrecursive']);

function parseBool(key: string, v: string | undefined): boolean {
  if (v === undefined) return true;
  const t = v.toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw invalidArgument(`invalid value for ${key}: "${v}"`);
}

/**
 * --mount `type=bind|volume|tmpfs,source=…,target=…,readonly,…` with docker's keys: src/source,
 * dst/destination/target, ro/readonly, bind-propagation, bind-nonrecursive, volume-nocopy,
 * tmpfs-size, tmpfs-mode. Type defaults to volume, as in docker. Options land in `options` as
 * `rshared`, `nonrecursive`, `nocopy`, `size=<bytes>`, `mode=<octal>`.
 *
 * @example parseMount('type=bind,source=/srv,target=/data,readonly')
 */
export function parseMount(value: string, cwd: string = process.cwd()): MountSpec {
  let type = 'volume';
  let source = '';
  let target = '';
  let readOnly = false;
  const options: string[] = [];
  const used = new Set<'bind' | 'volume' | 'tmpfs'>();
  for (const field of csvFields(value)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const val = eq < 0 ? undefined : field.slice(eq + 1);
    if (val === undefined && !BOOL_KEYS.has(key)) throw invalidArgument(`invalid field "${field}" must be a key=value pair`);
    switch (key) {
      case 'type':
        type = val ?? '';
        break;
      case 'source':
      case 'src':
        source = val ?? '';
        // docker's CLI: `.` and `./dir` are the caller's directory (a bind mount's source)
        if (source === '.' || source.startsWith('./')) source = path.posix.resolve(cwd, source);
        break;
      case 'target':
      case 'destination':
      case 'dst':
        target = val ?? '';
        break;
      case 'readonly':
      case 'ro':
        readOnly = parseBool(key, val);
        break;
      case 'bind-propagation':
        if (!PROPAGATIONS.has(val ?? '')) throw invalidArgument(`invalid value for bind-propagation: "${val}"`);
        options.push(val ?? '');
        used.add('bind');
        break;
      case 'bind-nonrecursive':
        if (parseBool(key, val)) options.push('nonrecursive');
        used.add('bind');
        break;
      case 'bind-recursive':
        // docker 25: enabled (default), disabled (= bind-nonrecursive), writable (sub-mounts of a
        // read-only bind stay writable, berth's read-only bind); readonly needs recursive read-only
        switch ((val ?? '').toLowerCase()) {
          case 'enabled':
          case 'true':
          case '1':
          case 'writable':
            break;
          case 'disabled':
          case 'false':
          case '0':
            options.push('nonrecursive');
            break;
          case 'readonly':
            throw invalidArgument('bind-recursive=readonly is not supported by berth: its read-only bind mounts are read-only at the top level only');
          default:
            throw invalidArgument(`invalid value for bind-recursive: "${val}"`);
        }
        used.add('bind');
        break;
      case 'volume-nocopy':
        if (parseBool(key, val)) options.push('nocopy');
        used.add('volume');
        break;
      case 'volume-opt':
      case 'volume-label': {
        // kept as `volume-opt:K=V` / `volume-label:K=V`, for the volume created with the container
        const v = val ?? '';
        if (v.indexOf('=') <= 0) throw invalidArgument(`invalid value for ${key}: "${v}": expected KEY=VALUE`);
        options.push(`${key}:${v}`);
        used.add('volume');
        break;
      }
      case 'volume-driver':
        if (val !== 'local') throw invalidArgument(`volume driver "${val}" is not supported: only "local" is`);
        used.add('volume');
        break;
      case 'tmpfs-size':
        options.push(`size=${parseBytes(val ?? '', 'tmpfs-size')}`);
        used.add('tmpfs');
        break;
      case 'tmpfs-mode':
        if (!/^[0-7]{1,4}$/.test(val ?? '')) throw invalidArgument(`invalid value for tmpfs-mode: "${val}"`);
        options.push(`mode=${val}`);
        used.add('tmpfs');
        break;
      case 'consistency':
        break;
      default:
        throw invalidArgument(`unexpected key "${key}" in "${field}"`);
    }
  }
  if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') {
    throw invalidArgument(`invalid mount config for type "${type}": mount type unknown`);
  }
  for (const kind of used) {
    if (kind !== type) throw invalidArgument(`cannot mix "${kind}-*" options with mount type "${type}"`);
  }
  if (target === '') throw invalidFlag('--mount', value, 'target is required');
  if (type === 'bind') {
    if (source === '') throw invalidArgument(`invalid mount config for type "bind": field source must not be empty`);
    if (!source.startsWith('/')) {
      throw invalidArgument(`invalid mount config for type "bind": invalid mount path "${source}": mount path must be absolute`);
    }
  } else if (type === 'tmpfs') {
    if (source !== '') throw invalidArgument(`invalid mount config for type "tmpfs": field source must not be specified`);
  } else if (source !== '') checkVolumeName(source);
  return { type, source, target: containerTarget(target, value), readOnly, options };
}
