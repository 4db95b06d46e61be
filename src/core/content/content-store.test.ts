import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { BerthError } from '../errors/index.js';
import { ContentStore } from './content-store.js';
import { DigestMismatchError } from './digest-mismatch-error.js';
import { isDigest, sha256Digest } from './digest.js';

/** A stream that yields data in small chunks, so ingest really streams. */
function chunked(data: Buffer, chunk = 1000): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) parts.push(data.subarray(i, i + chunk));
  return Readable.from(parts);
}

describe('ContentStore', () => {
  let root: string;
  let store: ContentStore;
  const tmpDir = () => path.join(root, 'tmp');

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-content-'));
    store = new ContentStore(path.join(root, 'blobs'), tmpDir());
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('sha256Digest and isDigest agree on the OCI format', () => {
    const d = sha256Digest('');
    assert.equal(d, 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.ok(isDigest(d));
    assert.ok(!isDigest('sha256:E3B0'));
    assert.ok(!isDigest(`sha512:${'a'.repeat(64)}`));
  });

  test('ingest stores a verified blob under blobs/sha256/<hex>', async () => {
    const data = Buffer.alloc(100_000, 7);
    const digest = sha256Digest(data);
    const got = await store.ingest(chunked(data), { digest, size: data.length });
    assert.deepEqual(got, { digest, size: data.length });
    assert.equal(store.pathOf(digest), path.join(root, 'blobs/sha256', digest.slice(7)));
    assert.deepEqual(store.readBytes(digest), data);
    assert.equal(store.size(digest), data.length);
    assert.deepEqual(store.list(), [digest]);
    assert.deepEqual(fs.readdirSync(tmpDir()), []);
  });

  test('ingest without an expected digest computes it', async () => {
    const got = await store.ingest(Readable.from([Buffer.from('hello')]));
    assert.equal(got.digest, sha256Digest('hello'));
    assert.ok(store.has(got.digest));
  });

  test('ingest rejects a digest mismatch and leaves no blob and no temp file', async () => {
    const wrong = sha256Digest('something else');
    await assert.rejects(store.ingest(chunked(Buffer.from('actual content')), { digest: wrong }), (e: unknown) => {
      assert.ok(e instanceof DigestMismatchError);
      assert.equal(e.kind, 'InvalidArgument');
      assert.match(e.message, /^blob digest mismatch: expected "sha256:[a-f0-9]{64}", got "sha256:[a-f0-9]{64}"$/);
      return true;
    });
    assert.deepEqual(store.list(), []);
    assert.deepEqual(fs.readdirSync(tmpDir()), []);
  });

  test('ingest rejects a size mismatch and a stream longer than announced', async () => {
    const data = Buffer.from('0123456789');
    await assert.rejects(store.ingest(chunked(data, 3), { size: 11 }), DigestMismatchError);
    await assert.rejects(store.ingest(chunked(data, 3), { size: 5 }), /blob size mismatch/);
    assert.deepEqual(store.list(), []);
    assert.deepEqual(fs.readdirSync(tmpDir()), []);
  });

  test('a truncated stream that errors leaves nothing visible', async () => {
    const data = Buffer.alloc(50_000, 1);
    const src = new Readable({
      read() {
        this.push(data.subarray(0, 10_000));
        this.destroy(new Error('connection reset'));
      },
    });
    await assert.rejects(store.ingest(src, { digest: sha256Digest(data), size: data.length }), /connection reset/);
    assert.deepEqual(store.list(), []);
    assert.deepEqual(fs.readdirSync(tmpDir()), []);
  });

  test('concurrent ingests of the same blob both succeed', async () => {
    const data = Buffer.alloc(300_000, 3);
    const digest = sha256Digest(data);
    const results = await Promise.all(Array.from({ length: 4 }, () => store.ingest(chunked(data, 4096), { digest, size: data.length })));
    for (const r of results) assert.deepEqual(r, { digest, size: data.length });
    assert.deepEqual(store.readBytes(digest), data);
    assert.deepEqual(fs.readdirSync(tmpDir()), []);
  });

  test('ingest of a present blob still verifies the stream', async () => {
    const { digest } = await store.putBytes('abc');
    assert.deepEqual(await store.ingest(Readable.from([Buffer.from('abc')]), { digest }), { digest, size: 3 });
    await assert.rejects(store.ingest(Readable.from([Buffer.from('abd')]), { digest }), DigestMismatchError);
    assert.equal(store.readBytes(digest).toString(), 'abc');
  });

  test('putBytes, readJson, openRead and delete round-trip', async () => {
    const json = JSON.stringify({ a: 1 });
    const { digest, size } = await store.putBytes(json, sha256Digest(json));
    assert.equal(size, json.length);
    assert.deepEqual(store.readJson<{ a: number }>(digest), { a: 1 });
    const chunks: Buffer[] = [];
    for await (const c of store.openRead(digest)) chunks.push(c as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), json);
    await assert.rejects(store.putBytes('x', digest), DigestMismatchError);
    assert.equal(store.delete(digest), true);
    assert.equal(store.delete(digest), false);
    assert.equal(store.has(digest), false);
  });

  test('missing blobs are NotFound and malformed digests InvalidArgument', () => {
    const missing = sha256Digest('missing');
    const kind = (k: string) => (e: unknown) => e instanceof BerthError && e.kind === k;
    assert.throws(() => store.readBytes(missing), kind('NotFound'));
    assert.throws(() => store.openRead(missing), kind('NotFound'));
    assert.throws(() => store.size(missing), kind('NotFound'));
    assert.throws(() => store.pathOf('sha256:../../etc/passwd'), kind('InvalidArgument'));
    assert.throws(() => store.has('md5:abc'), kind('InvalidArgument'));
  });

  test('removeStaleTemp deletes a temp without an owner once old, and never one whose owner lives', () => {
    const old = path.join(tmpDir(), 'blob-old');
    const fresh = path.join(tmpDir(), 'blob-fresh');
    // pid 1 always runs: however old its temp, it is in use
    const live = path.join(tmpDir(), 'blob-1-live');
    for (const f of [old, fresh, live]) fs.writeFileSync(f, 'x');
    const past = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(old, past, past);
    fs.utimesSync(live, past, past);
    assert.equal(store.removeStaleTemp(), 1);
    assert.deepEqual(fs.readdirSync(tmpDir()).sort(), ['blob-1-live', 'blob-fresh']);
  });
});

test("removeStaleTemp removes the temp files of processes that are gone, and keeps a live one's", async () => {
  const { ContentStore } = await import('./content-store.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-stale-'));
  try {
    const store = new ContentStore(path.join(dir, 'blobs'), path.join(dir, 'tmp'));
    fs.writeFileSync(path.join(dir, 'tmp', 'blob-999999999-aa'), 'x'); // no such pid
    fs.writeFileSync(path.join(dir, 'tmp', `blob-${process.pid}-bb`), 'y');
    fs.writeFileSync(path.join(dir, 'tmp', 'other'), 'z');
    assert.equal(store.removeStaleTemp(), 1);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'tmp')).sort(), [`blob-${process.pid}-bb`, 'other']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
