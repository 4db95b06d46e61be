import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { sha256Digest } from '../content/digest.js';
import { busyboxTar, makeTestStore, needsRoot, tempDir, type TestStore } from './_test-store.js';
import { makeImage } from './_test-images.js';
import { readTar } from './_test-tar.js';
import { loadArchive, loadOciLayoutDir } from './archive-load.js';
import { saveImages, saveOciDir, type SaveFormat } from './archive-save.js';
import { importRootfs } from './import.js';

/** Save into memory (tests only use small images). */
export async function saveToBuffer(s: TestStore, refs: string[], format: SaveFormat): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await saveImages(s.images, refs, out, format);
  return Buffer.concat(chunks);
}

describe('saveImages and loadArchive', { skip: needsRoot }, () => {
  const tmp = tempDir('berth-images-save-');
  let tarPath: string;
  let a: TestStore;
  let b: TestStore;
  let n = 0;

  before(() => {
    tarPath = busyboxTar(tmp.dir);
  });
  after(() => tmp.remove());
  beforeEach(() => {
    a = makeTestStore(path.join(tmp.dir, `a${n}`));
    b = makeTestStore(path.join(tmp.dir, `b${n++}`));
  });
  afterEach(() => {
    a.close();
    b.close();
  });

  const importBusybox = async (tag: string, gzip = false) => {
    const data = fs.readFileSync(tarPath);
    return importRootfs(a.images, Readable.from([gzip ? zlib.gzipSync(data) : data]), { tag, changes: ['CMD ["sh"]'] });
  };

  test("a docker-archive has docker's layout with uncompressed layers", async () => {
    const id = await importBusybox('busybox', true);
    const entries = await readTar(await saveToBuffer(a, ['busybox'], 'docker-archive'));
    const byName = new Map(entries.map((e) => [e.name, e]));
    const manifest = JSON.parse(byName.get('manifest.json')?.data.toString() ?? 'null');
    const diffId = a.images.config(id).rootfs.diff_ids[0] as string;
    assert.deepEqual(manifest, [{ Config: `${id.slice(7)}.json`, RepoTags: ['docker.io/library/busybox:latest'], Layers: [`${diffId.slice(7)}/layer.tar`] }]);
    const layer = byName.get(`${diffId.slice(7)}/layer.tar`)?.data;
    assert.ok(layer);
    assert.equal(sha256Digest(layer), diffId);
    assert.equal(sha256Digest(byName.get(`${id.slice(7)}.json`)?.data ?? Buffer.alloc(0)), id);
    assert.deepEqual(JSON.parse(byName.get('repositories')?.data.toString() ?? '{}'), { busybox: { latest: diffId.slice(7) } });
  });

  test('a zstd-compressed rootfs is saved as an uncompressed docker layer', async () => {
    const zst = execFileSync('zstd', ['-q', '-c', tarPath], { maxBuffer: 64 << 20 });
    const id = await importRootfs(a.images, Readable.from([zst]), { tag: 'zbox' });
    assert.equal(a.images.manifest(id).layers[0]?.mediaType, 'application/vnd.oci.image.layer.v1.tar+zstd');
    const entries = await readTar(await saveToBuffer(a, ['zbox'], 'docker-archive'));
    const layer = entries.find((e) => e.name.endsWith('/layer.tar'));
    assert.equal(sha256Digest(layer?.data ?? Buffer.alloc(0)), a.images.config(id).rootfs.diff_ids[0]);
  });

  test('a docker-archive loads into a fresh store as the same image', async () => {
    const id = await importBusybox('busybox');
    const archive = await saveToBuffer(a, ['busybox:latest'], 'docker-archive');
    const r = await loadArchive(b.images, Readable.from([archive]));
    assert.deepEqual(r.loaded, ['Loaded image: busybox:latest']);
    assert.deepEqual(r.images, [{ id, tags: ['docker.io/library/busybox:latest'] }]);
    const rec = b.images.resolve('busybox');
    assert.equal(rec.id, id);
    assert.deepEqual(b.images.config(id), a.images.config(id));
    assert.ok(fs.existsSync(path.join(b.layers.diffDir(rec.topChainId), 'bin/busybox')));
  });

  test('loading the same archive twice is harmless', async () => {
    await importBusybox('busybox');
    const archive = await saveToBuffer(a, ['busybox'], 'docker-archive');
    await loadArchive(b.images, Readable.from([archive]));
    const blobs = b.content.list();
    const r = await loadArchive(b.images, Readable.from([archive]));
    assert.deepEqual(r.loaded, ['Loaded image: busybox:latest']);
    assert.deepEqual(b.content.list(), blobs);
    assert.equal(b.images.list().length, 1);
  });

  test('a gzip-compressed archive file is accepted', async () => {
    const id = await importBusybox('busybox');
    const file = path.join(tmp.dir, `gz-${n}.tar.gz`);
    fs.writeFileSync(file, zlib.gzipSync(await saveToBuffer(a, ['busybox'], 'docker-archive')));
    const r = await loadArchive(b.images, file);
    assert.equal(r.images[0]?.id, id);
  });

  test('an OCI archive keeps the manifest digest and the tag', async () => {
    const id = await importBusybox('localhost:5000/team/box:v1', true);
    const archive = await saveToBuffer(a, ['localhost:5000/team/box:v1'], 'oci-archive');
    const entries = await readTar(archive);
    const index = JSON.parse(entries.find((e) => e.name === 'index.json')?.data.toString() ?? '{}');
    assert.equal(index.manifests.length, 1);
    assert.deepEqual(index.manifests[0].annotations, {
      'io.containerd.image.name': 'localhost:5000/team/box:v1',
      'org.opencontainers.image.ref.name': 'v1',
    });
    assert.ok(entries.some((e) => e.name === 'oci-layout'));
    const r = await loadArchive(b.images, Readable.from([archive]));
    assert.deepEqual(r.loaded, ['Loaded image: localhost:5000/team/box:v1']);
    const rec = b.images.resolve('localhost:5000/team/box:v1');
    assert.equal(rec.id, id);
    assert.equal(rec.manifestDigest, a.images.resolve(id).manifestDigest);
    assert.deepEqual(rec.layerDigests, a.images.resolve(id).layerDigests);
  });

  test('an OCI layout directory round-trips', async () => {
    const id = await importBusybox('busybox');
    const dir = path.join(tmp.dir, `layout-${n}`);
    await saveOciDir(a.images, ['busybox'], dir);
    assert.ok(fs.existsSync(path.join(dir, 'index.json')));
    const r = await loadOciLayoutDir(b.images, dir);
    assert.deepEqual(r.loaded, ['Loaded image: busybox:latest']);
    assert.equal(b.images.resolve('busybox').id, id);
  });

  test('an image saved by id loads untagged and is reported by id', async () => {
    const id = await importBusybox('busybox');
    for (const format of ['docker-archive', 'oci-archive'] as const) {
      const r = await loadArchive(b.images, Readable.from([await saveToBuffer(a, [id.slice(7, 19)], format)]));
      assert.deepEqual(r.loaded, [`Loaded image ID: ${id}`], format);
    }
    assert.deepEqual(b.images.resolve(id).tags, []);
  });

  test('a bare repository name saves all its tags; shared layers are written once', async () => {
    const one = await makeImage(a.images, { layers: [{ base: 'b' }, { one: '1' }], tags: ['app:1', 'app:stable'] });
    const two = await makeImage(a.images, { layers: [{ base: 'b' }, { two: '2' }], tags: ['app:2'] });
    await makeImage(a.images, { layers: [{ other: 'o' }], tags: ['other'] });
    const archive = await saveToBuffer(a, ['app'], 'docker-archive');
    const entries = await readTar(archive);
    assert.equal(entries.filter((e) => e.name.endsWith('layer.tar')).length, 3);
    const r = await loadArchive(b.images, Readable.from([archive]));
    assert.deepEqual(r.loaded.sort(), ['Loaded image: app:1', 'Loaded image: app:2', 'Loaded image: app:stable']);
    assert.equal(b.images.resolve('app:stable').id, one.id);
    assert.equal(b.images.resolve('app:2').id, two.id);
    assert.equal(b.images.find('other'), undefined);
  });

  test('loading over an existing tag moves it and says so, as docker does', async () => {
    await importBusybox('busybox');
    const old = await makeImage(b.images, { layers: [{ x: '1' }], tags: ['busybox'] });
    const r = await loadArchive(b.images, Readable.from([await saveToBuffer(a, ['busybox'], 'docker-archive')]));
    assert.deepEqual(r.loaded, [
      `The image busybox:latest already exists, renaming the old one with ID ${old.id} to empty string`,
      'Loaded image: busybox:latest',
    ]);
    assert.deepEqual(b.images.resolve(old.id).tags, []);
  });

  test('a failing output stops the save with its error instead of hanging', async () => {
    await importBusybox('busybox');
    let taken = 0;
    const out = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        taken += chunk.length;
        if (taken > 100_000) cb(new Error('broken pipe'));
        else setImmediate(cb);
      },
    });
    await assert.rejects(saveImages(a.images, ['busybox'], out, 'docker-archive'), /saving images: broken pipe/);
  });

  test('saving an unknown image fails before writing anything', async () => {
    const out = new PassThrough();
    let wrote = 0;
    out.on('data', (c: Buffer) => (wrote += c.length));
    await assert.rejects(saveImages(a.images, ['nope'], out, 'docker-archive'), /No such image: nope:latest/);
    assert.equal(wrote, 0);
  });
});
