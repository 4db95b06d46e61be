import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import linux from 'berth-linux';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { makePaths, type Paths } from '../config/paths.js';
import { DigestMismatchError } from '../content/digest-mismatch-error.js';
import { sha256Digest } from '../content/digest.js';
import { isMountPoint, mountOverlay, unmount } from '../host/mount.js';
import { openDatabase, type Db } from '../metadata/database.js';
import { makeTar, type FixtureEntry } from './_tar-fixture.js';
import { LayerStore } from './layer-store.js';
import { listChanges, packDiff } from './unpack.js';

/** chown, mknod, trusted xattrs and mount need root (as in CI); elsewhere these tests skip. */
const needsRoot = process.getuid?.() === 0 ? false : 'needs root';

describe('LayerStore', { skip: needsRoot }, () => {
  let root: string;
  let paths: Paths;
  let db: Db;
  let store: LayerStore;
  const mounted: string[] = [];

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-layers-'));
    paths = makePaths(path.join(root, 'lib'), path.join(root, 'run'));
    db = openDatabase(paths.database);
    store = new LayerStore(paths, db);
  });
  afterEach(() => {
    for (const m of mounted.splice(0)) unmount(m);
    db.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** A layer as a gzip blob plus its diffID, the way a registry serves it. */
  async function layer(entries: FixtureEntry[]): Promise<{ blob: Buffer; diffId: string }> {
    const tar = await makeTar(entries);
    return { blob: zlib.gzipSync(tar), diffId: sha256Digest(tar) };
  }

  /** Mount an overlay of chainIds in a fresh container dir; returns the merged and upper dirs. */
  function mountContainer(name: string, chainIds: string[]): { merged: string; upper: string } {
    const dir = path.join(root, 'ctr', name);
    for (const d of ['upper', 'work', 'merged']) fs.mkdirSync(path.join(dir, d), { recursive: true });
    const merged = path.join(dir, 'merged');
    mountOverlay(store.overlayMount(chainIds, path.join(dir, 'upper'), path.join(dir, 'work')), merged);
    mounted.push(merged);
    return { merged, upper: path.join(dir, 'upper') };
  }

  const layerDirs = () => fs.readdirSync(paths.layers).sort();

  test('the first unpack marks the layers directory chattr +T (ext4 spreads layer directories over block groups) where the filesystem has the flag', () => {
    fs.mkdirSync(paths.layers, { recursive: true });
    // the same filesystem's answer, asked of a directory of its own
    const probe = fs.mkdtempSync(path.join(root, 'probe-'));
    const supported = linux.topDir(probe);
    // lsattr (e2fsprogs) prints the flags first: `-------------Te------- DIR`
    const flagged = () => (spawnSync('lsattr', ['-d', paths.layers], { encoding: 'utf8' }).stdout ?? '').split(' ')[0]?.includes('T') ?? false;
    assert.equal(flagged(), false);
    store.discardUnpacked(store.newUnpackDir());
    assert.equal(flagged(), supported);
  });

  test('chainId follows the OCI definition', () => {
    const a = sha256Digest('a');
    const b = sha256Digest('b');
    assert.equal(LayerStore.chainId(null, a), a);
    assert.equal(LayerStore.chainId(a, b), sha256Digest(`${a} ${b}`));
  });

  test('ensureLayer unpacks once and then returns the stored layer without opening the blob', async () => {
    const { blob, diffId } = await layer([{ header: { name: 'hello' }, body: 'world' }]);
    let opened = 0;
    const open = () => {
      opened++;
      return Readable.from([blob]);
    };
    const first = await store.ensureLayer(null, open, diffId);
    assert.equal(first.chainId, diffId);
    assert.equal(first.size, 5);
    assert.match(first.link, /^[A-Z0-9]{26}$/);
    assert.equal(fs.readFileSync(path.join(store.diffDir(first.chainId), 'hello'), 'utf8'), 'world');
    assert.equal(fs.readlinkSync(path.join(paths.layerLinks, first.link)), `../layers/${diffId.slice(7)}/diff`);
    const second = await store.ensureLayer(null, open, diffId);
    assert.equal(opened, 1);
    assert.deepEqual(second, first);
    // without an expected diffID it must unpack to learn it, but keeps the one copy
    assert.deepEqual(await store.ensureLayer(null, open), first);
    assert.deepEqual(layerDirs(), [diffId.slice(7)]);
    assert.equal(store.list().length, 1);
    assert.equal(fs.readdirSync(paths.layerLinks).length, 1);
  });

  test('a diffID mismatch leaves no dir, link or row', async () => {
    const { blob } = await layer([{ header: { name: 'f' }, body: 'x' }]);
    await assert.rejects(
      store.ensureLayer(null, () => Readable.from([blob]), sha256Digest('other')),
      (e: unknown) => {
        assert.ok(e instanceof DigestMismatchError);
        assert.match(e.message, /^layer diff id digest mismatch: expected "sha256:/);
        return true;
      },
    );
    assert.deepEqual(layerDirs(), []);
    assert.deepEqual(fs.readdirSync(paths.layerLinks), []);
    assert.deepEqual(store.list(), []);
  });

  test('a hostile layer leaves nothing behind', async () => {
    const { blob } = await layer([{ header: { name: '../../escape' }, body: 'x' }]);
    await assert.rejects(
      store.ensureLayer(null, () => Readable.from([blob])),
      /unsafe path in layer/,
    );
    assert.deepEqual(layerDirs(), []);
    assert.ok(!fs.existsSync(path.join(paths.root, 'escape')));
  });

  test('concurrent ensureLayer calls for one layer in one process both succeed', async () => {
    const { blob, diffId } = await layer([{ header: { name: 'f' }, body: 'x' }]);
    const [a, b] = await Promise.all([store.ensureLayer(null, () => Readable.from([blob])), store.ensureLayer(null, () => Readable.from([blob]))]);
    assert.deepEqual(a, b);
    assert.deepEqual(layerDirs(), [diffId.slice(7)]);
  });

  test('two processes unpacking the same layer both succeed', async () => {
    const { blob, diffId } = await layer(Array.from({ length: 200 }, (_, i) => ({ header: { name: `d/f${i}` }, body: 'x'.repeat(1000) })));
    const blobFile = path.join(root, 'layer.tar.gz');
    fs.writeFileSync(blobFile, blob);
    const here = path.dirname(fileURLToPath(import.meta.url));
    const script = `
      import fs from 'node:fs';
      const { LayerStore } = await import(${JSON.stringify(path.join(here, 'layer-store.js'))});
      const { makePaths } = await import(${JSON.stringify(path.join(here, '../config/paths.js'))});
      const { openDatabase } = await import(${JSON.stringify(path.join(here, '../metadata/database.js'))});
      const paths = makePaths(${JSON.stringify(paths.root)}, ${JSON.stringify(paths.runRoot)});
      const s = new LayerStore(paths, openDatabase(paths.database));
      const info = await s.ensureLayer(null, () => fs.createReadStream(${JSON.stringify(blobFile)}), ${JSON.stringify(diffId)});
      process.stdout.write(JSON.stringify(info));`;
    const run = () => promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    const [a, b] = await Promise.all([run(), run()]);
    assert.deepEqual(JSON.parse(a.stdout), JSON.parse(b.stdout));
    assert.deepEqual(layerDirs(), [diffId.slice(7)]);
    assert.equal(fs.readdirSync(paths.layerLinks).length, 1);
    assert.equal(fs.readdirSync(path.join(store.diffDir(diffId), 'd')).length, 200);
  });

  test('repair removes dead temp dirs, row-less dirs and stray links, and keeps good layers', async () => {
    const { blob, diffId } = await layer([{ header: { name: 'f' }, body: 'x' }]);
    const good = await store.ensureLayer(null, () => Readable.from([blob]), diffId);
    fs.mkdirSync(path.join(paths.layers, '.tmp-999999-abcd/diff'), { recursive: true }); // pid_max is lower
    fs.mkdirSync(path.join(paths.layers, `.tmp-${process.pid}-beef/diff`), { recursive: true }); // alive
    fs.mkdirSync(path.join(paths.layers, 'a'.repeat(64), 'diff'), { recursive: true });
    fs.symlinkSync('../layers/nothing/diff', path.join(paths.layerLinks, 'STRAY'));
    fs.rmSync(path.join(paths.layerLinks, good.link));
    const r = store.repair();
    assert.deepEqual(r, { removedDirs: 2, removedRows: 0, removedLinks: 1 });
    assert.deepEqual(layerDirs(), [`.tmp-${process.pid}-beef`, diffId.slice(7)]);
    assert.deepEqual(fs.readdirSync(paths.layerLinks), [good.link], 'missing link recreated');
    assert.ok(store.has(diffId));
    fs.rmSync(path.join(paths.layers, diffId.slice(7)), { recursive: true });
    assert.equal(store.repair().removedRows, 1);
    assert.deepEqual(store.list(), []);
  });

  test('remove deletes dir, link and row', async () => {
    const { blob, diffId } = await layer([{ header: { name: 'f' }, body: 'x' }]);
    await store.ensureLayer(null, () => Readable.from([blob]), diffId);
    assert.equal(store.remove(diffId), true);
    assert.equal(store.remove(diffId), false);
    assert.deepEqual(layerDirs(), []);
    assert.deepEqual(fs.readdirSync(paths.layerLinks), []);
    assert.equal(store.get(diffId), undefined);
  });

  test('an overlay of two layers hides whited-out lower files, and the upper dir diffs and packs back', async () => {
    const l1 = await layer([
      { header: { name: 'a' }, body: 'a1' },
      { header: { name: 'b' }, body: 'b1' },
      { header: { name: 'dir/x' }, body: 'x' },
      { header: { name: 'dir/y' }, body: 'y' },
      { header: { name: 'keep/z' }, body: 'z' },
      { header: { name: 'redo/old' }, body: 'o' },
    ]);
    const l2 = await layer([
      { header: { name: '.wh.a' } },
      { header: { name: 'b' }, body: 'b2' },
      { header: { name: 'dir/.wh..wh..opq' } },
      { header: { name: 'dir/new' }, body: 'n' },
    ]);
    const c1 = (await store.ensureLayer(null, () => Readable.from([l1.blob]), l1.diffId)).chainId;
    const c2 = (await store.ensureLayer(c1, () => Readable.from([l2.blob]), l2.diffId)).chainId;
    assert.equal(c2, LayerStore.chainId(c1, l2.diffId));

    const { merged, upper } = mountContainer('one', [c1, c2]);
    assert.ok(isMountPoint(merged));
    assert.ok(!fs.existsSync(path.join(merged, 'a')), 'whiteout hides the lower file');
    assert.equal(fs.readFileSync(path.join(merged, 'b'), 'utf8'), 'b2');
    assert.deepEqual(fs.readdirSync(path.join(merged, 'dir')), ['new'], 'opaque dir hides lower entries');
    assert.equal(fs.readFileSync(path.join(merged, 'keep/z'), 'utf8'), 'z');

    // what a container does
    fs.writeFileSync(path.join(merged, 'b'), 'b3');
    fs.rmSync(path.join(merged, 'keep/z'));
    fs.mkdirSync(path.join(merged, 'newdir'));
    fs.writeFileSync(path.join(merged, 'newdir/f'), 'f');
    fs.rmSync(path.join(merged, 'redo'), { recursive: true });
    fs.mkdirSync(path.join(merged, 'redo'));
    fs.writeFileSync(path.join(merged, 'redo/fresh'), 'r');
    unmount(merged);
    assert.ok(!isMountPoint(merged));

    assert.deepEqual(listChanges(upper, [store.diffDir(c1), store.diffDir(c2)]), [
      { kind: 'C', path: '/b' },
      { kind: 'C', path: '/keep' },
      { kind: 'D', path: '/keep/z' },
      { kind: 'A', path: '/newdir' },
      { kind: 'A', path: '/newdir/f' },
      { kind: 'C', path: '/redo' },
      { kind: 'A', path: '/redo/fresh' },
    ]);

    // commit: the upper dir as a layer, stacked on the image, gives the container's view
    const l3 = await store.ensureLayer(c2, () => packDiff(upper).pipe(zlib.createGzip()));
    const view = mountContainer('two', [c1, c2, l3.chainId]).merged;
    assert.equal(fs.readFileSync(path.join(view, 'b'), 'utf8'), 'b3');
    assert.deepEqual(fs.readdirSync(path.join(view, 'keep')), []);
    assert.deepEqual(fs.readdirSync(path.join(view, 'redo')), ['fresh'], 'opaque dir survives the round trip');
    assert.equal(fs.readFileSync(path.join(view, 'newdir/f'), 'utf8'), 'f');
    assert.ok(!fs.existsSync(path.join(view, 'a')));
  });

  test('an image of 120 layers mounts, and the top layer wins', async () => {
    const chain: string[] = [];
    let parent: string | null = null;
    for (let i = 0; i < 120; i++) {
      const l = await layer([
        { header: { name: 'f' }, body: String(i) },
        { header: { name: `only${i}` }, body: '' },
      ]);
      parent = (await store.ensureLayer(parent, () => Readable.from([l.blob]), l.diffId)).chainId;
      chain.push(parent);
    }
    const m = store.overlayMount(chain, path.join(root, 'u'), path.join(root, 'w'));
    assert.ok(Buffer.byteLength(m.options.join(',')) < 4096);
    const { merged } = mountContainer('big', chain);
    assert.equal(fs.readFileSync(path.join(merged, 'f'), 'utf8'), '119');
    assert.ok(fs.existsSync(path.join(merged, 'only0')));
    assert.ok(fs.existsSync(path.join(merged, 'only119')));
  });

  test('overlayMount lists lower links top-most first and refuses unknown layers', async () => {
    const l1 = await layer([{ header: { name: 'a' }, body: '1' }]);
    const l2 = await layer([{ header: { name: 'b' }, body: '2' }]);
    const i1 = await store.ensureLayer(null, () => Readable.from([l1.blob]), l1.diffId);
    const i2 = await store.ensureLayer(i1.chainId, () => Readable.from([l2.blob]), l2.diffId);
    const m = store.overlayMount([i1.chainId, i2.chainId], '/c/upper', '/c/work');
    assert.deepEqual(m, {
      type: 'overlay',
      source: 'overlay',
      cwd: paths.layerLinks,
      options: [`lowerdir=${i2.link}:${i1.link}`, 'upperdir=/c/upper', 'workdir=/c/work', 'index=off'],
    });
    assert.throws(() => store.overlayMount([sha256Digest('nope')], '/u', '/w'), /layer not found/);
  });
});
