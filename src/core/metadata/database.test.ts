import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureColumn, openDatabase } from './database.js';

test('ensureColumn() adds a missing column to a table an older version made, once', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-db-'));
  const db = openDatabase(path.join(dir, 'x.db'));
  db.exec('CREATE TABLE t (id TEXT PRIMARY KEY)');
  db.prepare('INSERT INTO t (id) VALUES (?)').run('a');
  ensureColumn(db, 't', 'extra', "TEXT NOT NULL DEFAULT 'd'");
  ensureColumn(db, 't', 'extra', "TEXT NOT NULL DEFAULT 'd'");
  assert.deepEqual(db.prepare('SELECT * FROM t').get(), { id: 'a', extra: 'd' });
  db.close();
  fs.rmSync(dir, { recursive: true });
});

test('openDatabase() uses WAL so readers never block on a writer', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-db-'));
  const db = openDatabase(path.join(dir, 'x.db'));
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
  fs.rmSync(dir, { recursive: true });
});
