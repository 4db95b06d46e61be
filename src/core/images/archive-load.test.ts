import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { sha256Digest } from '../content/digest.js';
import { BerthError } from '../errors/index.js';
import { MEDIA_TYPES, type ImageIndex } from '../oci/types.js';
import { busyboxTar, makeTestStore, needsRoot, tempDir, type TestStore } from './_test-store.js';
import { makeImage } from './_test-images.js';
import { readTar, rewriteTar, writeTar, type TarFileEntry } from './_test-tar.js';
import { loadArchive } from './archive-load.js';
import { saveImages, type SaveFormat } from './archive-save.js';
import { importRootfs } from './import.js';
import { hostPlatform } from './platform.js';

async function save(s: TestStore, refs: string[], format: SaveFormat): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await saveImages(s.images, refs, out, format);
  return Buffer.concat(chunks);
}

function flipByte(data: Buffer, at = Math.floor(data.length / 2)): Buffer {
  const copy = Buffer.from(data);
  copy[at] = (copy[at] as number) ^ 0xff;
  return copy;
}

describe('loadArchive on bad input', { skip: needsRoot }, () => {
  const tmp = tempDir('berth-images-load-');
  let src: TestStore;
  let dst: TestStore;
  let imageId: string;
  let dockerTar: Buffer;
  let ociTar: Buffer;
  let n = 0;

  before(async () => {
    src = makeTestStore(path.join(tmp.dir, 'src'));
    const data = fs.readFileSync(busyboxTar(tmp.dir));
    imageId = await importRootfs(src.images, Readable.from([data]), { tag: 'busybox' });
    await makeImage(src.images, { layers: [{ a: '1' }, { b: '2' }], tags: ['two'] });
    dockerTar = await save(src, ['busybox'], 'docker-archive');
    ociTar = await save(src, ['busybox'], 'oci-archive');
  });
  after(() => {
    src.close();
    tmp.remove();
  });
  beforeEach(() => {
    dst = makeTestStore(path.join(tmp.dir, `dst${n++}`));
  });
  afterEach(() => dst.close());

  /** The load fails with InvalidArgument matching re, and leaves no image, tag, blob or layer. */
  async function rejectsCleanly(archive: Buffer, re: RegExp): Promise<void> {
    await assert.rejects(loadArchive(dst.images, Readable.from([archive])), (e: unknown) => {
      assert.ok(e instanceof BerthError);
      assert.equal(e.kind, 'InvalidArgument', e.message);
      assert.match(e.message, re);
      return true;
    });
    assert.deepEqual(dst.images.list(), []);
    assert.deepEqual(dst.content.list(), []);
    assert.deepEqual(dst.layers.list(), []);
    assert.deepEqual(fs.readdirSync(dst.paths.tmp), []);
  }

  test('a docker-archive with a tampered layer is rejected and nothing is stored', async () => {
    const bad = await rewriteTar(dockerTar, (e) => (e.name.endsWith('layer.tar') ? flipByte(e.data) : undefined));
    await rejectsCleanly(bad, /diff id digest mismatch/);
  });

  test('a tampered gzip layer is rejected', async () => {
    const bad = await rewriteTar(dockerTar, (e) => (e.name.endsWith('layer.tar') ? flipByte(zlib.gzipSync(e.data), 5000) : undefined));
    await rejectsCleanly(bad, /layer 1/);
  });

  test('a docker-archive whose layers are gzip-compressed loads', async () => {
    const gz = await rewriteTar(dockerTar, (e) => (e.name.endsWith('layer.tar') ? zlib.gzipSync(e.data) : undefined));
    const r = await loadArchive(dst.images, Readable.from([gz]));
    assert.equal(r.images[0]?.id, imageId);
    assert.equal(dst.images.manifest(imageId).layers[0]?.mediaType, MEDIA_TYPES.ociLayerGzip);
  });

  test('a truncated archive is rejected', async () => {
    await rejectsCleanly(dockerTar.subarray(0, Math.floor(dockerTar.length / 2)), /reading archive: unexpected end of tar data/i);
  });

  test('a truncated gzip archive is rejected', async () => {
    const gz = zlib.gzipSync(dockerTar);
    await rejectsCleanly(gz.subarray(0, Math.floor(gz.length * 0.8)), /reading archive: unexpected end of file/i);
  });

  test('a manifest naming a missing layer is rejected', async () => {
    const bad = await rewriteTar(dockerTar, (e) => (e.name.endsWith('layer.tar') ? null : undefined));
    await rejectsCleanly(bad, /manifest\.json names ".*layer\.tar", which is not in the archive/);
  });

  test('a config with the wrong number of diff ids is rejected', async () => {
    const bad = await rewriteTar(dockerTar, (e) => {
      if (e.name !== 'manifest.json') return undefined;
      const m = JSON.parse(e.data.toString());
      m[0].Layers.push(m[0].Layers[0]);
      return Buffer.from(JSON.stringify(m));
    });
    await rejectsCleanly(bad, /layers length mismatch: expected 1, got 2/);
  });

  test('a config that does not match its file name is rejected', async () => {
    const bad = await rewriteTar(dockerTar, (e) =>
      e.name.endsWith('.json') && e.name !== 'manifest.json' ? Buffer.from(e.data.toString().replace('"os":"linux"', '"os":"linux" ')) : undefined,
    );
    await rejectsCleanly(bad, /does not match its name/);
  });

  test('an invalid tag in manifest.json is rejected before anything is stored', async () => {
    const bad = await rewriteTar(dockerTar, (e) =>
      e.name === 'manifest.json' ? Buffer.from(e.data.toString().replace('busybox:latest', 'Busy:latest')) : undefined,
    );
    await rejectsCleanly(bad, /must be lowercase/);
  });

  test('something that is not an archive is rejected', async () => {
    await rejectsCleanly(Buffer.from('hello world, this is not a tar file'.repeat(30)), /reading archive/);
    await rejectsCleanly(await writeTar([{ name: 'hello.txt', type: 'file', data: Buffer.from('hi') }]), /not an image archive/);
  });

  test('an OCI archive with a tampered blob is rejected', async () => {
    const entries = await readTar(ociTar);
    const biggest = entries.reduce((a, b) => (b.data.length > a.data.length ? b : a));
    const bad = await rewriteTar(ociTar, (e) => (e.name === biggest.name ? flipByte(e.data) : undefined));
    await rejectsCleanly(bad, /archive file "blobs\/sha256\/[a-f0-9]+": blob digest mismatch/);
  });

  test('an OCI archive missing a layer blob is rejected', async () => {
    const entries = await readTar(ociTar);
    const biggest = entries.reduce((a, b) => (b.data.length > a.data.length ? b : a));
    const bad = await rewriteTar(ociTar, (e) => (e.name === biggest.name ? null : undefined));
    await rejectsCleanly(bad, /names blob "sha256:[a-f0-9]+", which is not in the archive/);
  });

  test('when one image of an archive is corrupt, none of them is stored', async () => {
    const both = await save(src, ['busybox', 'two'], 'docker-archive');
    const two = src.images.resolve('two');
    const topDiff = src.images.config(two.id).rootfs.diff_ids[1] as string;
    const bad = await rewriteTar(both, (e) => (e.name === `${topDiff.slice(7)}/layer.tar` ? flipByte(e.data, 600) : undefined));
    await rejectsCleanly(bad, /layer 2/);
  });

  test('a failed load leaves the images already stored intact', async () => {
    await loadArchive(dst.images, Readable.from([dockerTar]));
    const before = { blobs: dst.content.list(), layers: dst.layers.list().map((l) => l.chainId) };
    const bad = await rewriteTar(dockerTar, (e) => {
      if (e.name !== 'manifest.json') return undefined;
      const m = JSON.parse(e.data.toString());
      m[0].RepoTags = ['other:1'];
      m.push({ ...m[0], Layers: ['missing/layer.tar'] });
      return Buffer.from(JSON.stringify(m));
    });
    await assert.rejects(loadArchive(dst.images, Readable.from([bad])), /missing\/layer\.tar/);
    assert.deepEqual(dst.content.list(), before.blobs);
    assert.deepEqual(
      dst.layers.list().map((l) => l.chainId),
      before.layers,
    );
    assert.equal(dst.images.resolve('busybox').id, imageId);
    assert.equal(dst.images.find('other:1'), undefined);
  });

  test('older docker saves with symlinked layers load', async () => {
    const entries = await readTar(await save(src, ['two'], 'docker-archive'));
    const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')?.data.toString() ?? '[]');
    const [first] = manifest[0].Layers as string[];
    const out: TarFileEntry[] = entries.filter((e) => e.name !== 'manifest.json');
    out.push({ name: 'v1id/layer.tar', type: 'symlink', data: Buffer.alloc(0), linkname: `../${first}` });
    manifest[0].Layers[0] = 'v1id/layer.tar';
    out.push({ name: 'manifest.json', type: 'file', data: Buffer.from(JSON.stringify(manifest)) });
    const r = await loadArchive(dst.images, Readable.from([await writeTar(out)]));
    assert.deepEqual(r.loaded, ['Loaded image: two:latest']);
  });

  test('a multi-platform OCI index loads the host platform, or the one asked for', async () => {
    const entries = await readTar(ociTar);
    const index = JSON.parse(entries.find((e) => e.name === 'index.json')?.data.toString() ?? '{}') as ImageIndex;
    const host = index.manifests[0];
    assert.ok(host);
    const other = src.images.resolve('two');
    const otherManifest = src.content.readBytes(other.manifestDigest);
    const extra: TarFileEntry[] = [other.manifestDigest, other.id, ...other.layerDigests].map((d) => ({
      name: `blobs/sha256/${d.slice(7)}`,
      type: 'file',
      data: src.content.readBytes(d),
    }));
    const hostArch = hostPlatform().architecture;
    const otherArch = hostArch === 'amd64' ? 'arm64' : 'amd64';
    const nested: ImageIndex = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [
        { mediaType: MEDIA_TYPES.ociManifest, digest: other.manifestDigest, size: otherManifest.length, platform: { os: 'linux', architecture: otherArch } },
        { mediaType: MEDIA_TYPES.ociManifest, digest: host.digest, size: host.size, platform: { os: 'linux', architecture: hostArch } },
        // an attestation-like entry for no platform is skipped
        { mediaType: MEDIA_TYPES.ociManifest, digest: `sha256:${'e'.repeat(64)}`, size: 2, platform: { os: 'unknown', architecture: 'unknown' } },
      ],
    };
    const nestedBytes = Buffer.from(JSON.stringify(nested));
    const top: ImageIndex = {
      schemaVersion: 2,
      manifests: [
        {
          mediaType: MEDIA_TYPES.ociIndex,
          digest: sha256Digest(nestedBytes),
          size: nestedBytes.length,
          annotations: { 'io.containerd.image.name': 'docker.io/library/multi:1' },
        },
      ],
    };
    const archive = await writeTar([
      ...entries.filter((e) => e.name !== 'index.json'),
      ...extra,
      { name: `blobs/sha256/${sha256Digest(nestedBytes).slice(7)}`, type: 'file', data: nestedBytes },
      { name: 'index.json', type: 'file', data: Buffer.from(JSON.stringify(top)) },
    ]);
    const r = await loadArchive(dst.images, Readable.from([archive]));
    assert.deepEqual(r.loaded, ['Loaded image: multi:1']);
    assert.equal(dst.images.resolve('multi:1').id, imageId);
    // the other platform's blobs were read but are not kept
    assert.equal(dst.content.has(other.manifestDigest), false);

    const r2 = await loadArchive(dst.images, Readable.from([archive]), { platform: { os: 'linux', architecture: otherArch } });
    assert.deepEqual(r2.images[0]?.id, other.id);
    await assert.rejects(
      loadArchive(dst.images, Readable.from([archive]), { platform: { os: 'linux', architecture: 's390x' } }),
      /has no image for linux\/s390x/,
    );
  });

  test('kill -9 during a load never leaves a listed half image', async () => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const archive = path.join(tmp.dir, 'kill.tar');
    fs.writeFileSync(archive, await save(src, ['busybox', 'two'], 'docker-archive'));
    const root = path.join(tmp.dir, `kill-${n}`);
    const script = `
      import { makeTestStore } from ${JSON.stringify(path.join(here, '_test-store.js'))};
      import { loadArchive } from ${JSON.stringify(path.join(here, 'archive-load.js'))};
      const s = makeTestStore(${JSON.stringify(root)});
      await loadArchive(s.images, ${JSON.stringify(archive)});
      process.stdout.write('done');
    `;
    let completed = 0;
    for (const delay of [60, 120, 180, 240, 320, 400, 2000]) {
      fs.rmSync(root, { recursive: true, force: true });
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      await new Promise((r) => child.on('exit', r));
      clearTimeout(timer);
      if (out === 'done') completed++;
      if (!fs.existsSync(path.join(root, 'lib'))) continue;
      const s = makeTestStore(root);
      try {
        s.layers.repair();
        s.content.removeStaleTemp(0);
        for (const img of s.images.list()) {
          for (const d of [img.id, img.manifestDigest, ...img.layerDigests]) assert.ok(s.content.has(d), `blob ${d} of ${img.id}`);
          for (const c of img.chainIds) assert.ok(s.layers.has(c), `layer ${c} of ${img.id}`);
        }
        for (const t of s.db.prepare('SELECT image_id FROM image_tags').all() as Array<{ image_id: string }>) {
          assert.ok(s.images.byId(t.image_id), 'a tag points at a stored image');
        }
      } finally {
        s.close();
      }
    }
    assert.ok(completed >= 1, 'the longest run completes');
  });
});
