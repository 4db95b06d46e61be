import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../errors/berth-error.js';
import { migrate, type Migration } from './schema.js';
import { isOutOfSpace, type SpaceReserve } from './space-reserve.js';

export type Db = Database.Database;

/**
 * Open the metadata database. WAL lets readers (`ps`) run beside a writer (`run`); the busy
 * timeout makes concurrent berth processes wait for each other instead of failing. The tables
 * are made and upgraded in one place, by the ordered migrations of schema.ts.
 *
 * With a `reserve`, a nearly full filesystem does not lock berth out: the reserve is given back
 * before SQLite has to create its WAL and shared-memory index, and again when a transaction
 * (see immediate) fails for lack of space, so reading, recording exits and removing still work.
 */
export function openDatabase(file: string, opts: { reserve?: SpaceReserve; migrations?: readonly Migration[] } = {}): Db {
  const { reserve } = opts;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  reserve?.releaseIfLow();
  const open = (exclusive: boolean): Db => {
    if (!fs.existsSync(file)) createWalFile(file);
    const db = new Database(file, { timeout: 30_000 });
    reuseStatements(db);
    try {
      // before the first read: an exclusive connection keeps WAL's index in its own memory
      if (exclusive) db.pragma('locking_mode = EXCLUSIVE');
      setWal(db);
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      if (reserve) reserves.set(db, reserve);
      migrate(db, opts.migrations);
      return db;
    } catch (e) {
      db.close();
      throw e;
    }
  };
  try {
    return open(false);
  } catch (e) {
    if (!reserve || !isOutOfSpace(e)) throw e;
    if (reserve.releaseIfLow(true)) return open(false);
    // Not a byte left and no reserve to give back (a store made before reserves, or a disk
    // filled again): the shared-memory index of WAL cannot be created, so open the store for
    // this process alone, whose index lives in memory. Reading works, and so does removing
    // what frees space first; other berth processes wait until this one ends.
    return open(true);
  }
}

const reserves = new WeakMap<Db, SpaceReserve>();

/**
 * A value that differs after any change to the store: SQLite's data_version moves with every
 * commit of another connection (another berth process, whatever it wrote), total_changes() with
 * this connection's own. For a long-lived reader (berth serve) to keep what it derived from the
 * store only while the store is unchanged.
 */
export function storeGeneration(db: Db): string {
  const r = db.prepare('SELECT data_version AS v, total_changes() AS c FROM pragma_data_version').get() as { v: number; c: number };
  return `${r.v}:${r.c}`;
}

/**
 * Each SQL text is compiled once per connection: the stores call `db.prepare(sql)` where they run
 * it, and `ps` with 100 containers compiled the same two network queries 100 times (~1.5 ms of
 * its CPU). Only the one-argument form is kept (better-sqlite3's pragma() prepares with more
 * and then switches the statement to pluck mode); berth never changes a statement's mode.
 */
function reuseStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const compiled = new Map<string, Database.Statement>();
  const reuse = (...args: Parameters<Db['prepare']>): Database.Statement => {
    if (args.length !== 1) return prepare(...args);
    const [sql] = args;
    let stmt = compiled.get(sql);
    if (stmt === undefined) {
      stmt = prepare(sql);
      compiled.set(sql, stmt);
    }
    return stmt;
  };
  db.prepare = reuse as Db['prepare'];
}

/**
 * A new database is made in WAL mode under a temporary name and linked into place, so no process
 * ever sees the store in rollback-journal mode, where two berth commands starting on a fresh
 * root could fail with "database is locked" instead of waiting for each other.
 */
function createWalFile(file: string): void {
  const tmp = `${file}.init-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const db = new Database(tmp);
    db.pragma('journal_mode = WAL');
    db.close();
    fs.linkSync(tmp, file);
  } catch (e) {
    if (!isErrno(e, 'EEXIST')) throw e;
  } finally {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
  }
}

/**
 * Switch a new database to WAL once. Two processes creating the same store at once race here,
 * and the switch can fail with SQLITE_BUSY without waiting for the busy timeout: retry.
 */
function setWal(db: Db): void {
  for (let attempt = 0; ; attempt++) {
    try {
      if (db.pragma('journal_mode', { simple: true }) === 'wal') return;
      db.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      if (attempt >= 50 || !(e instanceof Error && /database is locked|SQLITE_BUSY/.test(e.message))) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 + attempt * 10);
    }
  }
}

/**
 * Run fn in an IMMEDIATE transaction: the write lock is taken up front, so two processes doing
 * read-then-write (name checks, reference counts) serialise instead of deadlocking on upgrade.
 * On a filesystem that is (nearly) full, the store's space reserve is given back first, or after
 * the transaction failed for lack of space, and the transaction is run once more: recording an
 * exit or removing an object must not fail because a container filled the disk.
 */
export function immediate<T>(db: Db, fn: () => T): T {
  const reserve = reserves.get(db);
  // a nested call is a savepoint of the caller's transaction: the caller retries, not this
  if (!reserve || db.inTransaction) return db.transaction(fn).immediate();
  reserve.releaseIfLow();
  try {
    return db.transaction(fn).immediate();
  } catch (e) {
    if (!isOutOfSpace(e) || !reserve.releaseIfLow(true)) throw e;
    return db.transaction(fn).immediate();
  }
}
