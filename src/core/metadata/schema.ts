import type Database from 'better-sqlite3';
import { BerthError } from '../errors/berth-error.js';

type Db = Database.Database;

/** One step of the schema: what turns a store at `version - 1` into one at `version`. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  up(db: Db): void;
}

/**
 * Every table of the metadata database, in the order it came to be. A store records the
 * version it is at in `PRAGMA user_version`; opening it applies the steps after that version,
 * all in one IMMEDIATE transaction that also sets the new version, so a kill during migration
 * leaves the store at its old version (and the next open migrates it again), and two processes
 * opening an old store at once migrate it once.
 *
 * Stores made before the schema had a version (user_version 0) come in several shapes, each an
 * earlier berth's: the first step creates only what is missing, and the column steps add a
 * column only where it is missing, so each of those shapes ends at the same schema.
 *
 * A new column or table is a new step at the end of this list; never edit a step once released.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'the tables of the first stores',
    up(db) {
      db.exec(`
        CREATE TABLE IF NOT EXISTS containers (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          image_id TEXT NOT NULL,
          created TEXT NOT NULL,
          spec TEXT NOT NULL,
          path TEXT NOT NULL,
          args TEXT NOT NULL,
          state TEXT NOT NULL,
          pending_pid INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS images (
          id TEXT PRIMARY KEY,
          manifest_digest TEXT NOT NULL,
          created TEXT NOT NULL,
          size INTEGER NOT NULL,
          top_chain_id TEXT NOT NULL,
          chain_ids TEXT NOT NULL,
          layer_digests TEXT NOT NULL,
          last_tag_time TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE IF NOT EXISTS image_tags (
          name TEXT PRIMARY KEY,
          image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE
        );
        CREATE INDEX IF NOT EXISTS image_tags_by_image ON image_tags(image_id);
        CREATE TABLE IF NOT EXISTS layers (
          chain_id TEXT PRIMARY KEY,
          diff_id TEXT NOT NULL,
          parent TEXT,
          link TEXT UNIQUE NOT NULL,
          size INTEGER NOT NULL,
          created TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS volumes (
          name TEXT PRIMARY KEY, created TEXT NOT NULL, labels TEXT NOT NULL, anonymous INTEGER NOT NULL, populated INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS build_cache (
          key TEXT PRIMARY KEY,
          layer TEXT,
          created TEXT NOT NULL,
          last_used TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS build_file_digests (
          path TEXT PRIMARY KEY,
          stat TEXT NOT NULL,
          digest TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS networks (
          id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, bridge TEXT NOT NULL, subnet TEXT NOT NULL,
          gateway TEXT NOT NULL, internal INTEGER NOT NULL, labels TEXT NOT NULL, created TEXT NOT NULL, dns INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS network_endpoints (
          container_id TEXT NOT NULL, network_id TEXT NOT NULL, position INTEGER NOT NULL, aliases TEXT NOT NULL,
          static_ip TEXT NOT NULL, ip TEXT NOT NULL DEFAULT '', mac TEXT NOT NULL DEFAULT '', if_name TEXT NOT NULL DEFAULT '', cni_result TEXT NOT NULL DEFAULT '',
          PRIMARY KEY (container_id, network_id)
        );
        CREATE TABLE IF NOT EXISTS network_sandboxes (
          container_id TEXT PRIMARY KEY, netns TEXT NOT NULL, ports TEXT NOT NULL, claim_pid INTEGER NOT NULL DEFAULT 0
        );
      `);
    },
  },
  {
    version: 2,
    description: "containers keep their image's layers and config",
    up(db) {
      addColumn(db, 'containers', 'image', `TEXT NOT NULL DEFAULT '{"chainIds":[],"config":{},"size":0}'`);
    },
  },
  {
    version: 3,
    description: "volumes keep the local driver's options",
    up(db) {
      addColumn(db, 'volumes', 'options', `TEXT NOT NULL DEFAULT '{}'`);
    },
  },
  {
    version: 4,
    description: 'networks keep their options as one JSON column',
    up(db) {
      addColumn(db, 'networks', 'extra', `TEXT NOT NULL DEFAULT '{}'`);
    },
  },
  {
    version: 5,
    description: 'pods (members are containers whose spec names the pod)',
    up(db) {
      db.exec(`CREATE TABLE pods (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL,
        spec TEXT NOT NULL,
        infra_id TEXT NOT NULL DEFAULT '',
        cgroup_parent TEXT NOT NULL DEFAULT '',
        pending_pid INTEGER NOT NULL DEFAULT 0
      )`);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Bring the store to the newest version. Nothing is written when it is already there (opening
 * a store on a full disk only reads). A store made by a newer berth is refused rather than
 * written in a shape this berth does not know.
 */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): void {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const check = (v: number): boolean => {
    if (v > latest) {
      throw new BerthError('FailedPrecondition', `the store ${db.name} has schema version ${v}, newer than this berth knows (${latest}): use a newer berth`);
    }
    return v === latest;
  };
  if (check(schemaVersion(db))) return;
  db.transaction(() => {
    // again under the write lock: another process may have migrated it meanwhile
    const from = schemaVersion(db);
    if (check(from)) return;
    for (const m of migrations) if (m.version > from) m.up(db);
    db.pragma(`user_version = ${latest}`);
  }).immediate();
}

/** Add a column unless the table has it (stores from before versioning may have it already). */
function addColumn(db: Db, table: string, column: string, definition: string): void {
  const cols = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
  if (!cols.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
}
