import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type Db = Database.Database;

/**
 * Open the metadata database. WAL lets readers (`ps`) run beside a writer (`run`); the busy
 * timeout makes concurrent berth processes wait for each other instead of failing. Each store
 * creates its own tables (CREATE TABLE IF NOT EXISTS) so services stay independent.
 */
export function openDatabase(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 30_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
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
