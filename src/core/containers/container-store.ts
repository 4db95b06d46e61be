import { BerthError } from '../errors/berth-error.js';
import { immediate, type Db } from '../metadata/database.js';
import type { ContainerSpec } from '../spec/container-spec.js';
import type { ContainerRecord, ContainerState } from './container-record.js';
import { assertTransition } from './transitions.js';

interface Row {
  id: string;
  name: string;
  image_id: string;
  created: string;
  spec: string;
  path: string;
  args: string;
  state: string;
  pending_pid: number;
  image: string;
}

/** docker's validContainerNamePattern: two characters at least */
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * Container records in SQLite. Names are unique (a UNIQUE index, so two racing `run --name x`
 * cannot both win). Lookups accept a full id, a unique id prefix, or a name, as docker does.
 */
export class ContainerStore {
  constructor(private readonly db: Db) {}

  static validateName(name: string): void {
    if (!NAME_RE.test(name)) {
      throw new BerthError('InvalidArgument', `invalid container name ("${name}"), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    }
  }

  insert(rec: ContainerRecord): void {
    ContainerStore.validateName(rec.name);
    try {
      this.db
        .prepare('INSERT INTO containers (id, name, image_id, created, spec, path, args, state, pending_pid, image) VALUES (?,?,?,?,?,?,?,?,?,?)')
        .run(
          rec.id,
          rec.name,
          rec.imageId,
          rec.created,
          JSON.stringify(rec.spec),
          rec.path,
          JSON.stringify(rec.args),
          JSON.stringify(rec.state),
          rec.pendingPid,
          JSON.stringify(rec.image),
        );
    } catch (e) {
      if (e instanceof Error && /UNIQUE constraint failed: containers.name/.test(e.message)) {
        const other = this.findByName(rec.name);
        throw new BerthError(
          'Conflict',
          `the container name "/${rec.name}" is already in use by container "${other?.id ?? '?'}". You have to remove (or rename) that container to be able to reuse that name`,
        );
      }
      throw e;
    }
  }

  private fromRow(r: Row): ContainerRecord {
    return {
      id: r.id,
      name: r.name,
      imageId: r.image_id,
      created: r.created,
      spec: JSON.parse(r.spec) as ContainerSpec,
      path: r.path,
      args: JSON.parse(r.args) as string[],
      state: JSON.parse(r.state) as ContainerState,
      pendingPid: r.pending_pid,
      image: JSON.parse(r.image) as ContainerRecord['image'],
    };
  }

  findByName(name: string): ContainerRecord | undefined {
    const r = this.db.prepare('SELECT * FROM containers WHERE name = ?').get(name) as Row | undefined;
    return r ? this.fromRow(r) : undefined;
  }

  get(id: string): ContainerRecord | undefined {
    const r = this.db.prepare('SELECT * FROM containers WHERE id = ?').get(id) as Row | undefined;
    return r ? this.fromRow(r) : undefined;
  }

  /** Resolve a name, full id or unique id prefix; docker's "No such container" wording. */
  lookup(ref: string): ContainerRecord {
    const name = ref.startsWith('/') ? ref.slice(1) : ref;
    const exact = this.get(ref) ?? this.findByName(name);
    if (exact && exact.pendingPid === 0) return exact;
    if (/^[a-f0-9]+$/.test(ref)) {
      const rows = this.db.prepare("SELECT * FROM containers WHERE id LIKE ? || '%' AND pending_pid = 0 LIMIT 2").all(ref) as Row[];
      if (rows.length > 1) throw new BerthError('InvalidArgument', `multiple containers found with provided prefix: ${ref}`);
      if (rows[0]) return this.fromRow(rows[0]);
    }
    throw new BerthError('NotFound', `No such container: ${ref}`);
  }

  /**
   * Every container's id, state and --rm flag, creating ones included, without the rest of its
   * record: what repair looks at before every `run` (parsing whole specs of 100 containers cost
   * ~5 ms of each run).
   */
  states(): Array<Pick<ContainerRecord, 'id' | 'pendingPid' | 'state'> & { autoRemove: boolean }> {
    const rows = this.db.prepare("SELECT id, pending_pid, state, json_extract(spec, '$.autoRemove') AS auto_remove FROM containers").all() as Array<{
      id: string;
      pending_pid: number;
      state: string;
      auto_remove: number | null;
    }>;
    return rows.map((r) => ({ id: r.id, pendingPid: r.pending_pid, state: JSON.parse(r.state) as ContainerState, autoRemove: r.auto_remove === 1 }));
  }

  /** Whether a container (or one being created) has this id. */
  has(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM containers WHERE id = ?').get(id) !== undefined;
  }

  list(includePending = false): ContainerRecord[] {
    const rows = this.db.prepare('SELECT * FROM containers ORDER BY created DESC, rowid DESC').all() as Row[];
    return rows.map((r) => this.fromRow(r)).filter((c) => includePending || c.pendingPid === 0);
  }

  setState(id: string, state: ContainerState): void {
    this.db.prepare('UPDATE containers SET state = ? WHERE id = ?').run(JSON.stringify(state), id);
  }

  /**
   * Read-modify-write of the state under the write lock, so racing berth processes never lose an
   * update; a change of status must be an edge of the state machine (transitions.ts).
   */
  updateState(id: string, fn: (s: ContainerState) => ContainerState | null): ContainerState | null {
    return immediate(this.db, () => {
      const cur = this.get(id);
      if (!cur) return null;
      const next = fn(cur.state);
      if (next) {
        assertTransition(cur.name, cur.state.status, next.status);
        this.setState(id, next);
      }
      return next;
    });
  }

  setCommand(id: string, path: string, args: string[]): void {
    this.db.prepare('UPDATE containers SET path = ?, args = ? WHERE id = ?').run(path, JSON.stringify(args), id);
  }

  setSpec(id: string, spec: ContainerRecord['spec']): void {
    this.db.prepare('UPDATE containers SET spec = ? WHERE id = ?').run(JSON.stringify(spec), id);
  }

  markReady(id: string): void {
    this.db.prepare('UPDATE containers SET pending_pid = 0 WHERE id = ?').run(id);
  }

  rename(id: string, newName: string): void {
    ContainerStore.validateName(newName);
    try {
      this.db.prepare('UPDATE containers SET name = ? WHERE id = ?').run(newName, id);
    } catch (e) {
      if (e instanceof Error && /UNIQUE constraint failed/.test(e.message)) {
        throw new BerthError('Conflict', `the container name "/${newName}" is already in use`);
      }
      throw e;
    }
  }

  /** Every layer some container stands on: image GC must keep them even when the image is gone. */
  liveChainIds(): Set<string> {
    const out = new Set<string>();
    for (const r of this.db.prepare('SELECT image FROM containers').all() as Array<{ image: string }>) {
      for (const c of (JSON.parse(r.image) as ContainerRecord['image']).chainIds) out.add(c);
    }
    return out;
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM containers WHERE id = ?').run(id).changes > 0;
  }

  /** The containers made from an image, for `rmi` and `image prune` (docker refuses or keeps those images). */
  usersOf(imageId: string): Array<{ containerId: string; running: boolean }> {
    const rows = this.db.prepare('SELECT id, state FROM containers WHERE image_id = ?').all(imageId) as Array<{ id: string; state: string }>;
    return rows.map((r) => {
      const status = (JSON.parse(r.state) as ContainerState).status;
      return { containerId: r.id, running: status === 'running' || status === 'paused' || status === 'restarting' };
    });
  }
}
