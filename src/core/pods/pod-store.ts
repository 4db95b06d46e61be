import { BerthError } from '../errors/berth-error.js';
import type { Db } from '../metadata/database.js';
import type { EngineContext } from '../engine-context.js';
import type { PodRecord, PodSpec } from './pod-record.js';

interface Row {
  id: string;
  name: string;
  created: string;
  spec: string;
  infra_id: string;
  cgroup_parent: string;
  pending_pid: number;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * Pod records in SQLite: the table `pods` (schema.ts's migration 5). Members are containers whose
 * spec names the pod (spec.pod = pod id).
 */
export class PodStore {
  constructor(private readonly db: Db) {}

  static validateName(name: string): void {
    if (!NAME_RE.test(name)) throw new BerthError('InvalidArgument', `invalid pod name ("${name}"), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }

  insert(rec: PodRecord): void {
    PodStore.validateName(rec.name);
    try {
      this.db
        .prepare('INSERT INTO pods (id, name, created, spec, infra_id, cgroup_parent, pending_pid) VALUES (?,?,?,?,?,?,?)')
        .run(rec.id, rec.name, rec.created, JSON.stringify(rec.spec), rec.infraId, rec.cgroupParent, rec.pendingPid);
    } catch (e) {
      if (e instanceof Error && /UNIQUE constraint failed: pods.name/.test(e.message)) {
        const other = this.findByName(rec.name);
        throw new BerthError('Conflict', `the pod name "${rec.name}" is already in use by pod "${other?.id ?? '?'}": remove that pod to reuse the name`);
      }
      throw e;
    }
  }

  private fromRow(r: Row): PodRecord {
    return {
      id: r.id,
      name: r.name,
      created: r.created,
      spec: JSON.parse(r.spec) as PodSpec,
      infraId: r.infra_id,
      cgroupParent: r.cgroup_parent,
      pendingPid: r.pending_pid,
    };
  }

  get(id: string): PodRecord | undefined {
    const r = this.db.prepare('SELECT * FROM pods WHERE id = ?').get(id) as Row | undefined;
    return r ? this.fromRow(r) : undefined;
  }

  findByName(name: string): PodRecord | undefined {
    const r = this.db.prepare('SELECT * FROM pods WHERE name = ?').get(name) as Row | undefined;
    return r ? this.fromRow(r) : undefined;
  }

  /** A name, full id or unique id prefix (pods still being created are not found). */
  lookup(ref: string): PodRecord {
    const exact = this.get(ref) ?? this.findByName(ref);
    if (exact && exact.pendingPid === 0) return exact;
    if (/^[a-f0-9]+$/.test(ref)) {
      const rows = this.db.prepare("SELECT * FROM pods WHERE id LIKE ? || '%' AND pending_pid = 0 LIMIT 2").all(ref) as Row[];
      if (rows.length > 1) throw new BerthError('InvalidArgument', `multiple pods found with provided prefix: ${ref}`);
      if (rows[0]) return this.fromRow(rows[0]);
    }
    throw new BerthError('NotFound', `no such pod: ${ref}`);
  }

  list(includePending = false): PodRecord[] {
    return (this.db.prepare('SELECT * FROM pods ORDER BY created DESC, rowid DESC').all() as Row[])
      .map((r) => this.fromRow(r))
      .filter((p) => includePending || p.pendingPid === 0);
  }

  markReady(id: string): void {
    this.db.prepare('UPDATE pods SET pending_pid = 0 WHERE id = ?').run(id);
  }

  setInfra(id: string, infraId: string): void {
    this.db.prepare('UPDATE pods SET infra_id = ? WHERE id = ?').run(infraId, id);
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM pods WHERE id = ?').run(id).changes > 0;
  }
}

const stores = new WeakMap<object, PodStore>();

/** The engine's pod store, made on first use (the engine context itself knows nothing of pods). */
export function podStore(ctx: EngineContext): PodStore {
  let s = stores.get(ctx.db);
  if (!s) {
    s = new PodStore(ctx.db);
    stores.set(ctx.db, s);
  }
  return s;
}
