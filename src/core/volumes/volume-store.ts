import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BerthError } from '../errors/berth-error.js';
import { immediate, type Db } from '../metadata/database.js';

export interface VolumeRecord {
  name: string;
  created: string;
  labels: Record<string, string>;
  anonymous: boolean;
  /** host directory the volume's content lives in */
  mountpoint: string;
  /** true once the image's content has been copied up (docker copies only into an empty volume, once) */
  populated: boolean;
  /** the local driver's options (`volume create -o type=tmpfs -o device=tmpfs -o o=size=64m`) */
  options: Record<string, string>;
}

interface Row {
  name: string;
  created: string;
  labels: string;
  anonymous: number;
  populated: number;
  options: string | null;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * Named and anonymous volumes: a directory under <root>/volumes/<name>/_data plus a row. A volume
 * is in use while a container's spec names it; `rm` and `prune` ask the caller which are in use.
 */
export class VolumeStore {
  constructor(
    private readonly db: Db,
    private readonly dir: string,
  ) {}

  private fromRow(r: Row): VolumeRecord {
    return {
      name: r.name,
      created: r.created,
      labels: JSON.parse(r.labels) as Record<string, string>,
      anonymous: r.anonymous === 1,
      mountpoint: path.join(this.dir, r.name, '_data'),
      populated: r.populated === 1,
      options: JSON.parse(r.options ?? '{}') as Record<string, string>,
    };
  }

  /** Create a volume; creating an existing named volume returns it (docker is idempotent here). */
  /**
   * set by the engine: unmount a driver-mounted volume's directory before it is deleted (the
   * mount code is the native addon's, which this store keeps out of commands that never mount)
   */
  beforeRemove: ((dataDir: string) => void) | undefined;

  /** set by the engine: volume events (create, destroy) for `berth events` */
  onEvent: ((action: string, id: string, attributes: Record<string, string>) => void) | undefined;

  create(opts: { name?: string; labels?: Record<string, string>; driver?: string; options?: Record<string, string> } = {}): VolumeRecord {
    if (opts.driver && opts.driver !== 'local') {
      throw new BerthError('InvalidArgument', `volume driver "${opts.driver}" is not supported: only "local"`);
    }
    checkLocalOptions(opts.options ?? {});
    const anonymous = !opts.name;
    const name = opts.name ?? randomBytes(32).toString('hex');
    if (!NAME_RE.test(name)) {
      throw new BerthError('InvalidArgument', `"${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`);
    }
    let created = false;
    const v = immediate(this.db, () => {
      const existing = this.find(name);
      if (existing) return existing;
      fs.mkdirSync(path.join(this.dir, name, '_data'), { recursive: true, mode: 0o755 });
      this.db
        .prepare('INSERT INTO volumes (name, created, labels, anonymous, options) VALUES (?,?,?,?,?)')
        .run(name, new Date().toISOString(), JSON.stringify(opts.labels ?? {}), anonymous ? 1 : 0, JSON.stringify(opts.options ?? {}));
      created = true;
      return this.find(name) as VolumeRecord;
    });
    if (created) this.onEvent?.('create', name, { driver: 'local' });
    return v;
  }

  find(name: string): VolumeRecord | undefined {
    const r = this.db.prepare('SELECT * FROM volumes WHERE name = ?').get(name) as Row | undefined;
    return r ? this.fromRow(r) : undefined;
  }

  get(name: string): VolumeRecord {
    const v = this.find(name);
    if (!v) throw new BerthError('NotFound', `get ${name}: no such volume`);
    return v;
  }

  list(): VolumeRecord[] {
    return (this.db.prepare('SELECT * FROM volumes ORDER BY name').all() as Row[]).map((r) => this.fromRow(r));
  }

  markPopulated(name: string): void {
    this.db.prepare('UPDATE volumes SET populated = 1 WHERE name = ?').run(name);
  }

  /**
   * Remove a volume unless a container uses it. `inUseBy` (a function: asked inside the write
   * transaction) and the deletion are one step against a concurrent `run -v NAME`: either the
   * container's row came first and this refuses, or the volume is gone first and the run makes
   * a new one. The directory is renamed away in that step and deleted after it, so a volume of
   * the same name made right after never loses its files to this removal.
   */
  remove(name: string, inUseBy: string | undefined | (() => string | undefined), force = false): void {
    const trash = path.join(this.dir, `.removing-${name}-${randomBytes(4).toString('hex')}`);
    const removed = immediate(this.db, () => {
      const v = this.find(name);
      if (!v) {
        if (force) return false;
        throw new BerthError('NotFound', `get ${name}: no such volume`);
      }
      const user = typeof inUseBy === 'function' ? inUseBy() : inUseBy;
      if (user) {
        throw new BerthError('Conflict', `remove ${name}: volume is in use - [${user}]`);
      }
      // a driver-mounted volume (tmpfs, nfs…) left mounted by a crash: never delete through it
      this.beforeRemove?.(path.join(this.dir, name, '_data'));
      this.db.prepare('DELETE FROM volumes WHERE name = ?').run(name);
      try {
        fs.renameSync(path.join(this.dir, name), trash);
      } catch {
        /* no directory left of it */
      }
      return true;
    });
    if (!removed) return;
    fs.rmSync(trash, { recursive: true, force: true });
    this.onEvent?.('destroy', name, { driver: 'local' });
  }

  /** Bytes used by a volume's directory (for `system df`). */
  size(name: string): number {
    return dirSize(path.join(this.dir, name, '_data'));
  }
}

export function dirSize(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += dirSize(p);
    else if (e.isFile()) {
      try {
        total += fs.lstatSync(p).size;
      } catch {
        /* raced with a delete */
      }
    }
  }
  return total;
}

/** docker's local driver options: type, device and o, with a device whenever a type is named. */
function checkLocalOptions(o: Record<string, string>): void {
  for (const k of Object.keys(o)) {
    if (!['type', 'device', 'o', 'size'].includes(k)) throw new BerthError('InvalidArgument', `invalid option key: "${k}"`);
  }
  if (o['size'] !== undefined) throw new BerthError('InvalidArgument', 'quota size requested but no quota support');
  if (o['type'] !== undefined && !o['device']) throw new BerthError('InvalidArgument', 'missing required option: "device"');
  if (o['type'] === undefined && (o['device'] !== undefined || o['o'] !== undefined))
    throw new BerthError('InvalidArgument', 'missing required option: "type"');
  if (o['type'] === 'none' && !(o['o'] ?? '').split(',').includes('bind'))
    throw new BerthError('InvalidArgument', 'type "none" needs o=bind (a bind mount of device)');
}
