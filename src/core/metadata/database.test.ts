import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, type Db } from './database.js';
import { SCHEMA_VERSION, schemaVersion } from './schema.js';
import { ContainerStore } from '../containers/container-store.js';
import { VolumeStore } from '../volumes/volume-store.js';
import { NetworkStore } from '../networks/network-store.js';

function tempDb(): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-db-'));
  return { dir, file: path.join(dir, 'berth.db') };
}

/** The columns of every table and the indexes, as a fresh store has them. */
function shape(db: Db): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const objs = db.prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ type: string; name: string }>;
  for (const o of objs) {
    out[`${o.type} ${o.name}`] =
      o.type === 'table'
        ? (db.prepare(`PRAGMA table_info(${o.name})`).all() as Array<{ name: string; type: string; dflt_value: string | null }>).map(
            (c) => `${c.name} ${c.type} ${c.dflt_value}`,
          )
        : [];
  }
  return out;
}

function freshShape(): Record<string, string[]> {
  const { dir, file } = tempDb();
  const db = openDatabase(file);
  const s = shape(db);
  db.close();
  fs.rmSync(dir, { recursive: true });
  return s;
}

// The schemas of stores earlier berths made, as they made them (from the project's history).
const FIRST_CONTAINERS = `CREATE TABLE containers (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, image_id TEXT NOT NULL, created TEXT NOT NULL,
  spec TEXT NOT NULL, path TEXT NOT NULL, args TEXT NOT NULL, state TEXT NOT NULL, pending_pid INTEGER NOT NULL DEFAULT 0);`;
const CONTAINERS_WITH_IMAGE = `CREATE TABLE containers (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, image_id TEXT NOT NULL, created TEXT NOT NULL,
  spec TEXT NOT NULL, path TEXT NOT NULL, args TEXT NOT NULL, state TEXT NOT NULL, pending_pid INTEGER NOT NULL DEFAULT 0,
  image TEXT NOT NULL DEFAULT '{"chainIds":[],"config":{},"size":0}');`;
const FIRST_VOLUMES = `CREATE TABLE volumes (name TEXT PRIMARY KEY, created TEXT NOT NULL, labels TEXT NOT NULL, anonymous INTEGER NOT NULL, populated INTEGER NOT NULL DEFAULT 0);`;
const VOLUMES_WITH_OPTIONS = `CREATE TABLE volumes (name TEXT PRIMARY KEY, created TEXT NOT NULL, labels TEXT NOT NULL, anonymous INTEGER NOT NULL, populated INTEGER NOT NULL DEFAULT 0, options TEXT NOT NULL DEFAULT '{}');`;
const LAYERS = `CREATE TABLE layers (chain_id TEXT PRIMARY KEY, diff_id TEXT NOT NULL, parent TEXT, link TEXT UNIQUE NOT NULL, size INTEGER NOT NULL, created TEXT NOT NULL);`;
const IMAGES = `CREATE TABLE images (id TEXT PRIMARY KEY, manifest_digest TEXT NOT NULL, created TEXT NOT NULL, size INTEGER NOT NULL, top_chain_id TEXT NOT NULL,
  chain_ids TEXT NOT NULL, layer_digests TEXT NOT NULL, last_tag_time TEXT NOT NULL DEFAULT '');
  CREATE TABLE image_tags (name TEXT PRIMARY KEY, image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE);
  CREATE INDEX image_tags_by_image ON image_tags(image_id);`;
const BUILD = `CREATE TABLE build_cache (key TEXT PRIMARY KEY, layer TEXT, created TEXT NOT NULL, last_used TEXT NOT NULL);
  CREATE TABLE build_file_digests (path TEXT PRIMARY KEY, stat TEXT NOT NULL, digest TEXT NOT NULL);`;
const NETWORKS_BASE = `CREATE TABLE network_endpoints (container_id TEXT NOT NULL, network_id TEXT NOT NULL, position INTEGER NOT NULL, aliases TEXT NOT NULL,
  static_ip TEXT NOT NULL, ip TEXT NOT NULL DEFAULT '', mac TEXT NOT NULL DEFAULT '', if_name TEXT NOT NULL DEFAULT '', cni_result TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (container_id, network_id));
  CREATE TABLE network_sandboxes (container_id TEXT PRIMARY KEY, netns TEXT NOT NULL, ports TEXT NOT NULL, claim_pid INTEGER NOT NULL DEFAULT 0);`;
const FIRST_NETWORKS = `CREATE TABLE networks (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, bridge TEXT NOT NULL, subnet TEXT NOT NULL,
  gateway TEXT NOT NULL, internal INTEGER NOT NULL, labels TEXT NOT NULL, created TEXT NOT NULL, dns INTEGER NOT NULL); ${NETWORKS_BASE}`;
const NETWORKS_WITH_EXTRA = `CREATE TABLE networks (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, bridge TEXT NOT NULL, subnet TEXT NOT NULL,
  gateway TEXT NOT NULL, internal INTEGER NOT NULL, labels TEXT NOT NULL, created TEXT NOT NULL, dns INTEGER NOT NULL, extra TEXT NOT NULL DEFAULT '{}'); ${NETWORKS_BASE}`;

interface OldStore {
  name: string;
  version: number;
  ddl: string;
  networks: boolean;
}

const OLD_STORES: OldStore[] = [
  // before versions (user_version 0): each shape an earlier berth left
  {
    name: 'unversioned: the first stores (no image column, no networks, no build cache)',
    version: 0,
    ddl: FIRST_CONTAINERS + LAYERS + FIRST_VOLUMES + IMAGES,
    networks: false,
  },
  {
    name: 'unversioned: containers with their image, build cache, networks without options',
    version: 0,
    ddl: CONTAINERS_WITH_IMAGE + LAYERS + FIRST_VOLUMES + IMAGES + BUILD + FIRST_NETWORKS,
    networks: true,
  },
  {
    name: 'unversioned: volume options, networks without options',
    version: 0,
    ddl: CONTAINERS_WITH_IMAGE + LAYERS + VOLUMES_WITH_OPTIONS + IMAGES + BUILD + FIRST_NETWORKS,
    networks: true,
  },
  {
    name: 'unversioned: every column of the last unversioned berth',
    version: 0,
    ddl: CONTAINERS_WITH_IMAGE + LAYERS + VOLUMES_WITH_OPTIONS + IMAGES + BUILD + NETWORKS_WITH_EXTRA,
    networks: true,
  },
  // each released version
  { name: 'version 1', version: 1, ddl: FIRST_CONTAINERS + IMAGES + LAYERS + FIRST_VOLUMES + BUILD + FIRST_NETWORKS, networks: true },
  { name: 'version 2', version: 2, ddl: CONTAINERS_WITH_IMAGE + IMAGES + LAYERS + FIRST_VOLUMES + BUILD + FIRST_NETWORKS, networks: true },
  { name: 'version 3', version: 3, ddl: CONTAINERS_WITH_IMAGE + IMAGES + LAYERS + VOLUMES_WITH_OPTIONS + BUILD + FIRST_NETWORKS, networks: true },
];

/** A store as an older berth left it, with a container, a volume and (if it had them) a network. */
function makeOldStore(file: string, old: OldStore): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(old.ddl);
  db.prepare("INSERT INTO containers (id, name, image_id, created, spec, path, args, state) VALUES ('c1', 'web', 'i1', 't', '{}', 'sh', '[]', '{}')").run();
  db.prepare("INSERT INTO volumes (name, created, labels, anonymous) VALUES ('v1', 't', '{\"a\":\"b\"}', 0)").run();
  if (old.networks) {
    db.prepare(
      "INSERT INTO networks (id, name, bridge, subnet, gateway, internal, labels, created, dns) VALUES ('n1', 'net1', 'berth-n1', '10.99.0.0/24', '10.99.0.1', 0, '{}', 't', 1)",
    ).run();
  }
  db.pragma(`user_version = ${old.version}`);
  db.close();
}

function assertMigrated(db: Db, old: OldStore): void {
  assert.equal(schemaVersion(db), SCHEMA_VERSION);
  assert.deepEqual(shape(db), freshShape());
  // what the old store held reads through today's stores, with the new columns' defaults
  const containers = new ContainerStore(db).list();
  assert.deepEqual(
    containers.map((c) => [c.id, c.name, c.image]),
    [['c1', 'web', { chainIds: [], config: {}, size: 0 }]],
  );
  const vols = new VolumeStore(db, '/nonexistent').list();
  assert.deepEqual(
    vols.map((v) => [v.name, v.labels, v.options]),
    [['v1', { a: 'b' }, {}]],
  );
  const nets = new NetworkStore(db).list().filter((n) => n.id === 'n1');
  assert.equal(nets.length, old.networks ? 1 : 0);
}

for (const old of OLD_STORES) {
  test(`a store at ${old.name} opens and migrates to the current schema, keeping its rows`, () => {
    const { dir, file } = tempDb();
    makeOldStore(file, old);
    const db = openDatabase(file);
    assertMigrated(db, old);
    db.close();
    // and opening it again changes nothing
    const again = openDatabase(file);
    assertMigrated(again, old);
    again.close();
    fs.rmSync(dir, { recursive: true });
  });
}

test('a new store is made at the current schema version', () => {
  const { dir, file } = tempDb();
  const db = openDatabase(file);
  assert.equal(schemaVersion(db), SCHEMA_VERSION);
  assert.ok(SCHEMA_VERSION >= 4);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('a store at the current version is opened without a write (nothing to migrate)', () => {
  const { dir, file } = tempDb();
  openDatabase(file).close();
  const before = fs.statSync(file).mtimeMs;
  const dataVersion = (() => {
    const db = new Database(file, { readonly: true });
    const v = db.pragma('schema_version', { simple: true });
    db.close();
    return v;
  })();
  const db = openDatabase(file);
  assert.equal(db.pragma('schema_version', { simple: true }), dataVersion);
  db.close();
  assert.equal(fs.statSync(file).mtimeMs, before);
  fs.rmSync(dir, { recursive: true });
});

test('a store made by a newer berth is refused with a clear error, not written', () => {
  const { dir, file } = tempDb();
  openDatabase(file).close();
  const raw = new Database(file);
  raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  raw.close();
  assert.throws(
    () => openDatabase(file),
    (e: Error) => /schema version \d+, newer than this berth knows/.test(e.message),
  );
  fs.rmSync(dir, { recursive: true });
});

test('kill -9 during a migration leaves a store at its old version that the next open migrates', () => {
  const { dir, file } = tempDb();
  const old = OLD_STORES.find((o) => o.version === 1);
  assert.ok(old);
  makeOldStore(file, old);
  // a berth that dies (SIGKILL) in the middle of the migrations: after version 2's column was
  // added, before version 3's step ends
  const schemaJs = new URL('./schema.js', import.meta.url).href;
  const script = `
    import Database from 'better-sqlite3';
    import { migrate, MIGRATIONS } from ${JSON.stringify(schemaJs)};
    const db = new Database(${JSON.stringify(file)});
    const steps = MIGRATIONS.map((m) => m.version !== 3 ? m : { ...m, up(d) { m.up(d); process.kill(process.pid, 'SIGKILL'); } });
    migrate(db, steps);
    process.exit(0);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: path.dirname(new URL(import.meta.url).pathname), encoding: 'utf8' });
  assert.equal(r.signal, 'SIGKILL', r.stderr);
  const raw = new Database(file, { readonly: true });
  assert.equal(raw.pragma('user_version', { simple: true }), 1);
  const cols = (raw.prepare('PRAGMA table_info(containers)').all() as Array<{ name: string }>).map((c) => c.name);
  assert.ok(!cols.includes('image'), 'the killed migration left no half step');
  raw.close();
  const db = openDatabase(file);
  assertMigrated(db, old);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('two processes opening an old store at once both succeed and migrate it once', async () => {
  const { dir, file } = tempDb();
  const old = OLD_STORES[0];
  assert.ok(old);
  makeOldStore(file, old);
  const dbJs = new URL('./database.js', import.meta.url).href;
  const script = `import { openDatabase } from ${JSON.stringify(dbJs)}; openDatabase(${JSON.stringify(file)}).close();`;
  const { spawn } = await import('node:child_process');
  const codes = await Promise.all(
    [0, 1, 2].map(
      () =>
        new Promise<number | null>((resolve) => {
          const c = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
          c.on('close', (code) => resolve(code));
        }),
    ),
  );
  assert.deepEqual(codes, [0, 0, 0]);
  const db = openDatabase(file);
  assertMigrated(db, old);
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('openDatabase() uses WAL so readers never block on a writer', () => {
  const { dir, file } = tempDb();
  const db = openDatabase(file);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('each SQL text is compiled once per connection, and pragma() keeps its own statements', () => {
  const { dir, file } = tempDb();
  const db = openDatabase(file);
  try {
    const sql = 'SELECT name FROM sqlite_master WHERE name = ?';
    assert.equal(db.prepare(sql), db.prepare(sql), 'the second prepare reuses the first statement');
    // pragma() prepares with more arguments and switches its statement to pluck mode: not shared
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.deepEqual(db.pragma('journal_mode'), [{ journal_mode: 'wal' }]);
    db.exec('CREATE TABLE t (v INTEGER)');
    const insert = 'INSERT INTO t (v) VALUES (?)';
    for (const v of [1, 2, 3]) db.prepare(insert).run(v);
    assert.deepEqual(db.prepare('SELECT v FROM t ORDER BY v').all(), [{ v: 1 }, { v: 2 }, { v: 3 }]);
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true });
  }
});
