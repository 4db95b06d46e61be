import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import type { MountSpec } from '../spec/container-spec.js';

/** One `RUN --mount=…` as BuildKit's Dockerfile syntax writes it. */
export interface RunMount {
  type: 'bind' | 'cache' | 'tmpfs' | 'secret';
  /** where it appears in the RUN container (absolute, or relative to the stage's WORKDIR) */
  target: string;
  /** bind: path in the context (or in `from`); secret: unused */
  source: string;
  /** bind: a stage or image to read from instead of the context */
  from?: string;
  readonly: boolean;
  /** cache: which cache (default the target); secret: which secret */
  id: string;
  mode?: number;
  uid?: number;
  gid?: number;
  /** tmpfs: size in bytes */
  size?: number;
  /** secret: fail when the build was not given it */
  required: boolean;
}

const TYPES = new Set(['bind', 'cache', 'tmpfs', 'secret', 'ssh']);

/** `type=cache,target=/root/.cache,id=pip,sharing=locked`: BuildKit's keys, a bad one an error. */
export function parseRunMount(spec: string): RunMount {
  const kv = new Map<string, string>();
  for (const part of spec.split(',')) {
    if (part === '') continue;
    const i = part.indexOf('=');
    kv.set((i < 0 ? part : part.slice(0, i)).toLowerCase(), i < 0 ? 'true' : part.slice(i + 1));
  }
  const type = kv.get('type') ?? 'bind';
  if (!TYPES.has(type)) throw new BerthError('InvalidArgument', `RUN --mount: unsupported mount type "${type}"`);
  if (type === 'ssh') throw new BerthError('NotImplemented', 'RUN --mount=type=ssh is not supported (no SSH agent is forwarded to builds)');
  const bool = (k: string) => {
    const v = kv.get(k);
    if (v === undefined) return undefined;
    if (v === 'true' || v === '') return true;
    if (v === 'false') return false;
    throw new BerthError('InvalidArgument', `RUN --mount: ${k}=${v} is not a boolean`);
  };
  const int = (k: string, base = 10) => {
    const v = kv.get(k);
    if (v === undefined) return undefined;
    const n = Number.parseInt(v, base);
    if (!/^\d+$/.test(v) || Number.isNaN(n)) throw new BerthError('InvalidArgument', `RUN --mount: ${k}=${v} is not a number`);
    return n;
  };
  for (const k of kv.keys()) {
    if (
      ![
        'type',
        'target',
        'dst',
        'destination',
        'source',
        'src',
        'from',
        'ro',
        'readonly',
        'rw',
        'readwrite',
        'id',
        'sharing',
        'mode',
        'uid',
        'gid',
        'size',
        'required',
        'env',
      ].includes(k)
    ) {
      throw new BerthError('InvalidArgument', `RUN --mount: unknown key "${k}"`);
    }
  }
  const id = kv.get('id');
  let target = kv.get('target') ?? kv.get('dst') ?? kv.get('destination');
  if (type === 'secret' && target === undefined) {
    if (!id) throw new BerthError('InvalidArgument', 'RUN --mount=type=secret needs an id or a target');
    target = `/run/secrets/${id}`;
  }
  if (!target) throw new BerthError('InvalidArgument', `RUN --mount=type=${type} needs a target`);
  if (kv.has('env')) throw new BerthError('NotImplemented', 'RUN --mount=type=secret,env= is not supported: mount the secret as a file');
  const ro = bool('ro') ?? bool('readonly');
  const rw = bool('rw') ?? bool('readwrite');
  const mode = int('mode', 8);
  const uid = int('uid');
  const gid = int('gid');
  const size = int('size');
  return {
    type: type as RunMount['type'],
    target,
    source: kv.get('source') ?? kv.get('src') ?? '.',
    ...(kv.get('from') !== undefined ? { from: kv.get('from') as string } : {}),
    // binds are read-only unless rw; caches writable unless ro
    readonly: type === 'bind' ? rw !== true : type === 'secret' ? true : ro === true,
    id: id ?? (type === 'secret' ? path.posix.basename(target) : target),
    ...(mode !== undefined ? { mode } : {}),
    ...(uid !== undefined ? { uid } : {}),
    ...(gid !== undefined ? { gid } : {}),
    ...(size !== undefined ? { size } : {}),
    required: bool('required') ?? false,
  };
}

/** A path inside root that may not climb out of it (`../x`, absolute paths are taken from root). */
export function insideRoot(root: string, rel: string): string {
  const p = path.join(root, path.posix.normalize(`/${rel}`));
  let real: string;
  try {
    real = fs.realpathSync(p);
  } catch {
    throw new BerthError('NotFound', `RUN --mount: source "${rel}" not found`);
  }
  const realRoot = fs.realpathSync(root);
  if (real !== realRoot && !real.startsWith(`${realRoot}/`)) {
    throw new BerthError('InvalidArgument', `RUN --mount: source "${rel}" leads outside its root`);
  }
  return real;
}

/**
 * What a bind mount's content contributes to the step's cache key: names, modes, sizes and
 * contents of the files it shows (BuildKit checksums a bind's source the same way).
 */
export function treeDigest(p: string): string {
  const h = createHash('sha256');
  const walk = (abs: string, rel: string) => {
    const st = fs.lstatSync(abs);
    h.update(`${rel}\0${st.mode}\0`);
    if (st.isSymbolicLink()) h.update(fs.readlinkSync(abs));
    else if (st.isFile()) h.update(fs.readFileSync(abs));
    else if (st.isDirectory()) for (const n of fs.readdirSync(abs).sort()) walk(path.join(abs, n), `${rel}/${n}`);
    h.update('\0');
  };
  walk(p, '');
  return `sha256:${h.digest('hex')}`;
}

/** The container mount of a prepared RUN mount. */
export function mountSpec(target: string, hostPath: string | undefined, m: RunMount): MountSpec {
  if (m.type === 'tmpfs') return { type: 'tmpfs', source: '', target, readOnly: false, options: m.size !== undefined ? [`size=${m.size}`] : [] };
  return { type: 'bind', source: hostPath as string, target, readOnly: m.readonly, options: [] };
}
