import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { Readable } from 'node:stream';
import { after, before, beforeEach, afterEach, describe, test } from 'node:test';
import { BerthError } from '../errors/index.js';
import { immediate } from '../metadata/database.js';
import { busyboxTar, makeTestStore, needsRoot, tempDir, type TestStore } from './_test-store.js';
import { makeImage } from './_test-images.js';
import { importRootfs } from './import.js';
import { renderTemplate } from '../format/index.js';
import type { ImageUser } from './image-record.js';

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof BerthError) return `${e.kind}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('ImageStore', { skip: needsRoot }, () => {
  const tmp = tempDir('berth-images-store-');
  let tarPath: string;
  let s: TestStore;
  let n = 0;

  before(() => {
    tarPath = busyboxTar(tmp.dir);
  });
  after(() => tmp.remove());
  beforeEach(() => {
    s = makeTestStore(`${tmp.dir}/store-${n++}`);
  });
  afterEach(() => s.close());

  const importBusybox = (tag?: string, opts: { changes?: string[]; gzip?: boolean } = {}) => {
    const data = fs.readFileSync(tarPath);
    return importRootfs(s.images, Readable.from([opts.gzip ? zlib.gzipSync(data) : data]), {
      ...(tag ? { tag } : {}),
      ...(opts.changes ? { changes: opts.changes } : {}),
    });
  };

  test('an imported rootfs can be resolved by tag, id, id prefix and digest-less short name', async () => {
    const id = await importBusybox('busybox');
    assert.match(id, /^sha256:[a-f0-9]{64}$/);
    const hex = id.slice(7);
    for (const ref of ['busybox', 'busybox:latest', 'docker.io/library/busybox:latest', id, hex, hex.slice(0, 12), hex.slice(0, 1), `sha256:${hex.slice(0, 6)}`]) {
      assert.equal(s.images.resolve(ref).id, id, ref);
    }
    const rec = s.images.resolve('busybox');
    assert.deepEqual(rec.tags, ['docker.io/library/busybox:latest']);
    assert.equal(rec.chainIds.length, 1);
    assert.equal(rec.topChainId, rec.chainIds[0]);
    assert.ok(rec.size > 500_000, `size ${rec.size}`);
    assert.ok(s.layers.has(rec.topChainId));
    assert.ok(fs.existsSync(`${s.layers.diffDir(rec.topChainId)}/bin/busybox`));
  });

  test('resolve reports missing images in docker wording and rejects bad references', async () => {
    await importBusybox('busybox');
    assert.equal(kindOf(() => s.images.resolve('foo')), 'NotFound: No such image: foo:latest');
    assert.equal(kindOf(() => s.images.resolve('busybox:1.0')), 'NotFound: No such image: busybox:1.0');
    assert.equal(kindOf(() => s.images.resolve(`sha256:${'0'.repeat(64)}`)), `NotFound: No such image: sha256:${'0'.repeat(64)}`);
    assert.equal(kindOf(() => s.images.resolve('Busybox')), 'InvalidArgument: invalid reference format: repository name must be lowercase');
    assert.equal(s.images.find('nothing'), undefined);
  });

  test('an ambiguous id prefix is an error, a longer unique one resolves', async () => {
    const a = await makeImage(s.images, { layers: [{ a: '1' }], label: 'a' });
    let b = await makeImage(s.images, { layers: [{ a: '1' }], label: 'b0' });
    for (let i = 1; a.id[7] !== b.id[7]; i++) b = await makeImage(s.images, { layers: [{ a: '1' }], label: `b${i}` });
    const common = a.id[7] as string;
    assert.match(kindOf(() => s.images.resolve(common)), /^InvalidArgument: image id prefix ".+" is ambiguous/);
    assert.equal(s.images.resolve(a.id.slice(7, 71)).id, a.id);
  });

  test('list shows every image with tags, created, size and config', async () => {
    const id = await importBusybox('busybox', { changes: ['CMD ["sh"]', 'ENV A=1', 'WORKDIR /root', 'LABEL x=y', 'EXPOSE 80'] });
    await s.images.tag('busybox', 'localhost:5000/team/box:v1');
    const [img, ...rest] = s.images.list();
    assert.equal(rest.length, 0);
    assert.ok(img);
    assert.equal(img.id, id);
    assert.deepEqual(img.tags, ['docker.io/library/busybox:latest', 'localhost:5000/team/box:v1']);
    assert.match(img.created, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(img.config.config?.Cmd, ['sh']);
    assert.deepEqual(img.config.config?.Env, ['A=1']);
    assert.equal(img.config.config?.WorkingDir, '/root');
    assert.deepEqual(img.config.config?.Labels, { x: 'y' });
    assert.deepEqual(img.config.config?.ExposedPorts, { '80/tcp': {} });
  });

  test('import without changes sets no command, like docker import', async () => {
    const id = await importBusybox();
    const cfg = s.images.config(id);
    assert.equal(cfg.config?.Cmd, undefined);
    assert.equal(cfg.os, 'linux');
    assert.equal(cfg.architecture, process.arch === 'x64' ? 'amd64' : cfg.architecture);
    assert.equal(cfg.rootfs.diff_ids.length, 1);
    assert.equal(cfg.history?.[0]?.comment, 'Imported from -');
    assert.deepEqual(s.images.resolve(id).tags, []);
  });

  test('a gzip rootfs is stored compressed and unpacked to the same layer', async () => {
    const plain = await importBusybox('plain');
    const gz = await importBusybox('gz', { gzip: true });
    assert.notEqual(plain, gz); // configs differ by their created time
    assert.equal(s.images.resolve('plain').topChainId, s.images.resolve('gz').topChainId);
    assert.equal(s.images.manifest(gz).layers[0]?.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
    assert.equal(s.images.manifest(plain).layers[0]?.mediaType, 'application/vnd.oci.image.layer.v1.tar');
  });

  test('import rejects a bad tag or change before storing anything', async () => {
    await assert.rejects(importBusybox('Bad'), /must be lowercase/);
    await assert.rejects(importBusybox('ok', { changes: ['RUN echo'] }), /"RUN" is not a valid change command/);
    assert.deepEqual(s.content.list(), []);
    assert.deepEqual(s.layers.list(), []);
  });

  test('import of something that is not a tar stores nothing', async () => {
    await assert.rejects(
      importRootfs(s.images, Readable.from([Buffer.from('this is not a tar archive at all, clearly'.repeat(40))]), { tag: 'x' }),
      BerthError,
    );
    assert.deepEqual(s.images.list(), []);
    assert.deepEqual(s.content.list(), []);
    assert.deepEqual(s.layers.list(), []);
  });

  test('inspect has docker\'s ImageInspect shape', async () => {
    const id = await importBusybox('busybox', { changes: ['CMD ["sh"]'] });
    const ins = s.images.inspect('busybox');
    assert.equal(ins.Id, id);
    assert.deepEqual(ins.RepoTags, ['busybox:latest']);
    assert.deepEqual(ins.RepoDigests, []);
    assert.equal(ins.Parent, '');
    assert.equal(ins.Comment, 'Imported from -');
    assert.deepEqual(ins.Config.Cmd, ['sh']);
    // a nil slice: null in JSON, [] in a template, as docker's typed struct
    assert.equal(JSON.stringify(ins.Config.Entrypoint), 'null');
    assert.equal(renderTemplate('{{.Config.Entrypoint}}', ins), '[]');
    assert.equal(ins.Os, 'linux');
    assert.equal(ins.RootFS.Type, 'layers');
    assert.equal(ins.RootFS.Layers.length, 1);
    assert.equal(ins.GraphDriver.Name, 'overlay2');
    assert.equal(ins.GraphDriver.Data?.UpperDir, s.layers.diffDir(s.images.resolve(id).topChainId));
    assert.equal(ins.GraphDriver.Data?.LowerDir, undefined);
    assert.ok(ins.Size > 0);
    assert.match(ins.Metadata.LastTagTime, /^\d{4}-/);
  });

  test('inspect of a multi-layer image lists lower dirs top first', async () => {
    const rec = await makeImage(s.images, { layers: [{ a: '1' }, { b: '2' }, { c: '3' }], tags: ['three'] });
    const data = s.images.inspect('three').GraphDriver.Data ?? {};
    const dirs = rec.chainIds.map((c) => s.layers.diffDir(c));
    assert.equal(data.UpperDir, dirs[2]);
    assert.equal(data.LowerDir, `${dirs[1]}:${dirs[0]}`);
  });

  test('history maps non-empty history entries to layers, newest first', async () => {
    const rec = await makeImage(s.images, {
      layers: [{ a: 'x'.repeat(1000) }, { b: 'y'.repeat(10) }],
      tags: ['hist'],
      history: [
        { created: '2024-01-01T00:00:00Z', created_by: 'ADD rootfs' },
        { created: '2024-01-01T00:00:01Z', created_by: 'ENV A=1', empty_layer: true },
        { created: '2024-01-01T00:00:02Z', created_by: 'RUN touch b', comment: 'c' },
        { created: '2024-01-01T00:00:03Z', created_by: 'CMD ["sh"]', empty_layer: true },
      ],
    });
    const rows = s.images.history('hist');
    assert.deepEqual(
      rows.map((r) => [r.Id, r.CreatedBy, r.Size, r.Comment]),
      [
        [rec.id, 'CMD ["sh"]', 0, ''],
        ['<missing>', 'RUN touch b', 10, 'c'],
        ['<missing>', 'ENV A=1', 0, ''],
        ['<missing>', 'ADD rootfs', 1000, ''],
      ],
    );
    assert.deepEqual(rows[0]?.Tags, ['hist:latest']);
    assert.equal(rows[3]?.Created, Date.parse('2024-01-01T00:00:00Z') / 1000);
  });

  test('tag moves a name between images and rejects digests', async () => {
    const a = await makeImage(s.images, { layers: [{ a: '1' }], tags: ['app:1'], label: 'a' });
    const b = await makeImage(s.images, { layers: [{ a: '2' }], label: 'b' });
    assert.equal(s.images.tag(b.id, 'app:1'), 'docker.io/library/app:1');
    assert.equal(s.images.resolve('app:1').id, b.id);
    assert.deepEqual(s.images.resolve(a.id).tags, []);
    assert.equal(kindOf(() => s.images.tag('app:1', `app@sha256:${'a'.repeat(64)}`)), 'InvalidArgument: refusing to create a tag with a digest reference');
    assert.equal(kindOf(() => s.images.tag('nope', 'x')), 'NotFound: No such image: nope:latest');
    assert.equal(s.images.untag('app:1'), b.id);
    assert.equal(kindOf(() => s.images.untag('app:1')), 'NotFound: No such image: app:1');
  });

  test('commit refuses an image whose layers are not stored', async () => {
    const rec = await makeImage(s.images, { layers: [{ a: '1' }], tags: ['x'] });
    const manifest = s.images.manifest(rec.id);
    const config = s.images.config(rec.id);
    config.rootfs.diff_ids = [`sha256:${'b'.repeat(64)}`];
    const configBytes = Buffer.from(JSON.stringify(config));
    const { sha256Digest } = await import('../content/digest.js');
    manifest.config = { ...manifest.config, digest: sha256Digest(configBytes), size: configBytes.length };
    await assert.rejects(s.images.commitImage({ manifest, config: configBytes, tags: ['y'] }), /is not unpacked/);
    assert.equal(s.images.find('y'), undefined);
    assert.equal(s.content.has(sha256Digest(configBytes)), false);
  });

  describe('remove', () => {
    const ctr = 'c0ffee1234567890aaaa';
    const stopped = (id: string) => (imageId: string): ImageUser[] => (imageId === id ? [{ containerId: ctr, running: false }] : []);
    const running = (id: string) => (imageId: string): ImageUser[] => (imageId === id ? [{ containerId: ctr, running: true }] : []);

    test('removing one of several tags only untags', async () => {
      const rec = await makeImage(s.images, { layers: [{ a: '1' }], tags: ['a:1', 'b:2'] });
      assert.deepEqual(s.images.remove('a:1'), { untagged: ['a:1'], deleted: [] });
      assert.deepEqual(s.images.resolve(rec.id).tags, ['docker.io/library/b:2']);
    });

    test('removing the last tag deletes the image, its layers and blobs', async () => {
      const rec = await makeImage(s.images, { layers: [{ a: '1' }, { b: '2' }], tags: ['a:1'] });
      assert.equal(kindOf(() => s.images.remove('a')), 'NotFound: No such image: a:latest');
      const r = s.images.remove('a:1');
      assert.deepEqual(r.untagged, ['a:1']);
      assert.deepEqual(r.deleted, [rec.id, ...[...rec.chainIds].reverse()]);
      assert.deepEqual(s.images.list(), []);
      assert.deepEqual(s.layers.list(), []);
      assert.deepEqual(s.content.list(), []);
    });

    test('layers shared with another image survive its removal', async () => {
      const a = await makeImage(s.images, { layers: [{ base: '1' }, { a: '1' }], tags: ['a'] });
      const b = await makeImage(s.images, { layers: [{ base: '1' }, { b: '1' }], tags: ['b'] });
      assert.equal(a.chainIds[0], b.chainIds[0]);
      const r = s.images.remove('a');
      assert.deepEqual(r.deleted, [a.id, a.chainIds[1]]);
      assert.ok(s.layers.has(b.chainIds[0] as string));
      assert.ok(s.content.has(b.layerDigests[0] as string));
      assert.equal(s.images.resolve('b').id, b.id);
    });

    test('a container using the image blocks removal of its last tag unless forced', async () => {
      const rec = await makeImage(s.images, { layers: [{ a: '1' }], tags: ['busybox'] });
      assert.equal(
        kindOf(() => s.images.remove('busybox', { usedBy: stopped(rec.id) })),
        `Conflict: conflict: unable to remove repository reference "busybox" (must force) - container c0ffee123456 is using its referenced image ${rec.id.slice(7, 19)}`,
      );
      assert.equal(s.images.resolve('busybox').id, rec.id);
      // -f: docker untags and keeps the image for the container
      assert.deepEqual(s.images.remove('busybox', { force: true, usedBy: running(rec.id) }), { untagged: ['busybox:latest'], deleted: [] });
      assert.equal(s.images.resolve(rec.id).id, rec.id);
      assert.ok(s.layers.has(rec.topChainId));
    });

    test('removal by id follows docker: conflicts for containers and several repositories', async () => {
      const rec = await makeImage(s.images, { layers: [{ a: '1' }], tags: ['x:1', 'y:1'] });
      const short = rec.id.slice(7, 19);
      assert.equal(kindOf(() => s.images.remove(short)), `Conflict: conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories`);
      assert.equal(
        kindOf(() => s.images.remove(short, { force: true, usedBy: running(rec.id) })),
        `Conflict: conflict: unable to delete ${short} (cannot be forced) - image is being used by running container c0ffee123456`,
      );
      s.images.untag('y:1');
      assert.equal(
        kindOf(() => s.images.remove(short, { usedBy: stopped(rec.id) })),
        `Conflict: conflict: unable to delete ${short} (must be forced) - image is being used by stopped container c0ffee123456`,
      );
      // forced with a stopped container: the image goes, its layers stay for the container
      const r = s.images.remove(short, { force: true, usedBy: stopped(rec.id) });
      assert.deepEqual(r, { untagged: ['x:1'], deleted: [rec.id] });
      assert.ok(s.layers.has(rec.topChainId));
      assert.equal(s.images.find(rec.id), undefined);
    });

    test('forced removal by id of an image with several tags untags all and deletes', async () => {
      const rec = await makeImage(s.images, { layers: [{ a: '1' }], tags: ['x:1', 'y:1'] });
      const r = s.images.remove(rec.id, { force: true });
      assert.deepEqual(r.untagged.sort(), ['x:1', 'y:1']);
      assert.deepEqual(r.deleted, [rec.id, rec.topChainId]);
    });

    test('a digest reference goes with the last tag of its repository', async () => {
      const rec = await makeImage(s.images, { layers: [{ a: '1' }], tags: ['app:1'] });
      const digested = `app@${rec.manifestDigest}`;
      await s.images.commitImage({ manifest: s.content.readBytes(rec.manifestDigest), config: s.content.readBytes(rec.id), tags: [digested, 'other:1'] });
      assert.deepEqual(s.images.inspect(rec.id).RepoDigests, [digested]);
      assert.equal(s.images.resolve(digested).id, rec.id);
      const r = s.images.remove('app:1');
      assert.deepEqual(r, { untagged: ['app:1', digested], deleted: [] });
      assert.deepEqual(s.images.resolve('other:1').digests, []);
    });

    test('prune deletes dangling images, and with all every unused one', async () => {
      const dangling = await makeImage(s.images, { layers: [{ d: '1' }], label: 'd' });
      const tagged = await makeImage(s.images, { layers: [{ t: '1' }], tags: ['keep'], label: 't' });
      const used = await makeImage(s.images, { layers: [{ u: '1' }], label: 'u' });
      const usedBy = stopped(used.id);
      const r = s.images.prune({ usedBy });
      assert.deepEqual(r.deleted, [dangling.id, dangling.topChainId]);
      assert.equal(r.spaceReclaimed, 1);
      const r2 = s.images.prune({ all: true, usedBy });
      assert.deepEqual(r2.untagged, ['keep:latest']);
      assert.deepEqual(r2.deleted, [tagged.id, tagged.topChainId]);
      assert.deepEqual(s.images.ids(), [used.id]);
    });

    test('collectGarbage removes what no image needs and keeps what containers overlay', async () => {
      const kept = await makeImage(s.images, { layers: [{ k: '1' }], tags: ['kept'] });
      const gone = await makeImage(s.images, { layers: [{ base: '1' }, { top: '1' }], tags: ['gone'] });
      const live = await makeImage(s.images, { layers: [{ base: '1' }, { live: '1' }], tags: ['live'] });
      const stray = await s.content.putBytes('stray blob');
      // what a crash between removing the rows and removing the files leaves
      immediate(s.db, () => {
        s.images.deleteImageRow(gone.id);
        s.images.deleteImageRow(live.id);
      });
      assert.deepEqual(s.images.collectGarbage(), { blobs: [], layers: [] }, 'young garbage is left alone');
      const r = s.images.collectGarbage({ minAgeMs: -1000, liveChainIds: [live.topChainId] });
      assert.ok(r.blobs.includes(stray.digest));
      assert.ok(r.blobs.includes(gone.id) && r.blobs.includes(live.id));
      assert.deepEqual(r.layers, [gone.topChainId]);
      assert.ok(s.layers.has(live.topChainId) && s.layers.has(live.chainIds[0] as string), 'a live layer keeps its parent');
      assert.ok(s.content.has(kept.layerDigests[0] as string) && s.layers.has(kept.topChainId));
      assert.equal(s.images.resolve('kept').id, kept.id);
    });

    test('usage counts shared layers once and what unused images would free', async () => {
      const a = await makeImage(s.images, { layers: [{ base: 'x'.repeat(100) }, { a: 'y'.repeat(10) }], tags: ['a'] });
      await makeImage(s.images, { layers: [{ base: 'x'.repeat(100) }, { b: 'z'.repeat(5) }], tags: ['b'] });
      assert.deepEqual(s.images.usage(stopped(a.id)), { count: 2, active: 1, size: 115, reclaimable: 5 });
      assert.deepEqual(s.images.usage(), { count: 2, active: 0, size: 115, reclaimable: 115 });
    });
  });
});
