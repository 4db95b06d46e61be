import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../errors/berth-error.js';

export type Db = Database.Database;

/**
 * Open the metadata database. WAL lets readers (`ps`) run beside a writer (`run`); the busy
 * timeout makes concurrent berth processes wait for each other instead of failing. Each store
 * creates its own tables (CREATE TABLE IF NOT EXISTS) so services stay independent.
 */
export function openDatabase(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) createWalFile(file);
  const db = new Database(file, { timeout: 30_000 });
  setWal(db);
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
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
 */
export function immediate<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/**
 * Add a column a newer berth needs to a table an older berth created (CREATE TABLE IF NOT EXISTS
 * leaves old tables as they were). `definition` is the column's DDL after its name.
 */
export function ensureColumn(db: Db, table: string, column: string, definition: string): void {
  const cols = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
  if (cols.some((c) => c.name === column)) return;
  try {
    db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  } catch (e) {
    // another berth process added it first
    if (!(e instanceof Error && /duplicate column/i.test(e.message))) throw e;
  }
}
