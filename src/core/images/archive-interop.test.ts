import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { busyboxTar, makeTestStore, needsRoot, tempDir, type TestStore } from './_test-store.js';
import { loadArchive, loadOciLayoutDir } from './archive-load.js';
import { saveImages } from './archive-save.js';
import { importRootfs } from './import.js';

const run = promisify(execFile);

function have(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skopeo = needsRoot || (have('skopeo') ? false : 'skopeo is not installed');
const podman = needsRoot || (have('podman') ? false : 'podman is not installed');

/** Archives berth writes, read by the other tools, and archives they write, read by berth. */
describe('archive interoperability', { skip: needsRoot }, () => {
  const tmp = tempDir('berth-images-interop-');
  let s: TestStore;
  let id: string;
  let dockerTar: string;
  let ociTar: string;
  let n = 0;

  before(async () => {
    s = makeTestStore(path.join(tmp.dir, 'store'));
    const data = fs.readFileSync(busyboxTar(tmp.dir));
    id = await importRootfs(s.images, Readable.from([data]), { tag: 'busybox', changes: ['CMD ["sh"]'] });
    dockerTar = path.join(tmp.dir, 'docker.tar');
    ociTar = path.join(tmp.dir, 'oci.tar');
    await saveImages(s.images, ['busybox'], fs.createWriteStream(dockerTar), 'docker-archive');
    await saveImages(s.images, ['busybox'], fs.createWriteStream(ociTar), 'oci-archive');
  });
  after(() => {
    s.close();
    tmp.remove();
  });

  const fresh = () => makeTestStore(path.join(tmp.dir, `fresh-${n++}`));
  const diffIds = (store: TestStore, ref: string) => store.images.config(ref).rootfs.diff_ids;

  test('skopeo copies our docker-archive to an OCI layout, which loads back', { skip: skopeo }, async () => {
    const dir = path.join(tmp.dir, 'from-docker-archive');
    await run('skopeo', ['copy', '--quiet', `docker-archive:${dockerTar}`, `oci:${dir}:busybox:copied`]);
    const t = fresh();
    try {
      const r = await loadOciLayoutDir(t.images, dir);
      assert.deepEqual(r.loaded, ['Loaded image: busybox:copied']);
      // skopeo rewrites the config for OCI, so the id may change; the layers may not
      assert.deepEqual(diffIds(t, 'busybox:copied'), diffIds(s, id));
    } finally {
      t.close();
    }
  });

  test('skopeo copies our OCI archive to a dir: directory with the same config', { skip: skopeo }, async () => {
    const dir = path.join(tmp.dir, 'dir-copy');
    await run('skopeo', ['copy', '--quiet', `oci-archive:${ociTar}`, `dir:${dir}`]);
    assert.ok(fs.existsSync(path.join(dir, id.slice(7))), 'the config blob keeps its digest');
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.config.digest, id);
  });

  test('what skopeo writes as docker-archive and oci-archive loads', { skip: skopeo }, async () => {
    const ociOut = path.join(tmp.dir, 'skopeo-oci.tar');
    const dockerOut = path.join(tmp.dir, 'skopeo-docker.tar');
    await run('skopeo', ['copy', '--quiet', `docker-archive:${dockerTar}`, `oci-archive:${ociOut}:busybox:1.36`]);
    await run('skopeo', ['copy', '--quiet', `docker-archive:${dockerTar}`, `docker-archive:${dockerOut}:busybox:sk`]);
    const t = fresh();
    try {
      assert.deepEqual((await loadArchive(t.images, ociOut)).loaded, ['Loaded image: busybox:1.36']);
      assert.deepEqual(diffIds(t, 'busybox:1.36'), diffIds(s, id));
      const r = await loadArchive(t.images, dockerOut);
      assert.deepEqual(r.loaded, ['Loaded image: busybox:sk']);
      assert.equal(t.images.resolve('busybox:sk').id, id);
    } finally {
      t.close();
    }
  });

  test('podman loads our docker-archive and OCI archive and can remove them', { skip: podman }, async () => {
    const root = path.join(tmp.dir, 'podman');
    // a private store: never the machine's podman storage
    const p = ['--root', path.join(root, 'storage'), '--runroot', path.join(root, 'run'), '--storage-driver', 'vfs'];
    try {
      const loaded = await run('podman', [...p, 'load', '-q', '-i', dockerTar]);
      assert.match(loaded.stdout, /Loaded image: docker\.io\/library\/busybox:latest/);
      await run('podman', [...p, 'image', 'exists', 'docker.io/library/busybox:latest']);
      const inspect = await run('podman', [...p, 'image', 'inspect', '--format', '{{.Id}}', 'busybox:latest']);
      assert.equal(inspect.stdout.trim(), id.slice(7));
      await run('podman', [...p, 'rmi', 'busybox:latest']);
      await assert.rejects(run('podman', [...p, 'image', 'exists', 'busybox:latest']));

      const fromOci = await run('podman', [...p, 'load', '-q', '-i', ociTar]);
      assert.match(fromOci.stdout, /Loaded image: docker\.io\/library\/busybox:latest/);
      await run('podman', [...p, 'rmi', 'busybox:latest']);
    } finally {
      // vfs keeps no mounts: removing the private root removes everything podman made
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
