import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeTar } from '../snapshots/_tar-fixture.js';
import { findXattrs } from '../host/special-files.js';
import { ROOTLESS_ENV } from './mode.js';
import { rootlessMapping, toHostId } from './id-map.js';

/**
 * The layer owner shift of rootless berth: a layer unpacked by berth as root of a user's
 * namespace lands on the host with every owner moved into the user's subordinate range. The test
 * (root, as the suite runs) makes such a namespace itself: unshare, then the maps written from
 * outside before the unpacker starts, as newuidmap does for a user.
 */
const HOST_BASE = 300000;
const MAP = [{ containerId: 0, hostId: HOST_BASE, size: 65537 }];

async function unpackInNamespace(tar: string, dest: string): Promise<string> {
  const unpackJs = fileURLToPath(new URL('../snapshots/unpack.js', import.meta.url));
  const script = path.join(path.dirname(tar), 'unpack-in-ns.mjs');
  fs.writeFileSync(
    script,
    `import fs from 'node:fs';\nimport { Readable } from 'node:stream';\nconst { unpackLayer } = await import(${JSON.stringify(unpackJs)});\nawait unpackLayer(Readable.from([fs.readFileSync(process.argv[2])]), process.argv[3]);\n`,
  );
  const child = spawn('unshare', ['--user', '--mount', '--', '/bin/sh', '-c', 'read -r go; exec "$@"', 'sh', process.execPath, script, tar, dest], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // an ordinary user's process, as rootless berth's is: mapped to 0 in its namespace
    uid: HOST_BASE,
    gid: HOST_BASE,
    env: { ...process.env, [ROOTLESS_ENV]: `${HOST_BASE}:${HOST_BASE}:shift-test` },
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const own = fs.readlinkSync('/proc/self/ns/user');
  for (let i = 0; i < 400 && fs.readlinkSync(`/proc/${child.pid}/ns/user`) === own; i++) await new Promise((r) => setTimeout(r, 5));
  fs.writeFileSync(`/proc/${child.pid}/uid_map`, `0 ${HOST_BASE} 65537\n`);
  fs.writeFileSync(`/proc/${child.pid}/gid_map`, `0 ${HOST_BASE} 65537\n`);
  child.stdin.end('go\n');
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  assert.equal(code, 0, err);
  return err;
}

test('a layer unpacked in a rootless namespace has its owners shifted into the subordinate range', {
  skip: process.getuid?.() === 0 ? false : 'needs root to write the namespace maps',
}, async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-shift-'));
  try {
    // the namespace's root is HOST_BASE on the host: the test dir must be its
    fs.chownSync(base, HOST_BASE, HOST_BASE);
    const dest = path.join(base, 'layer');
    fs.mkdirSync(dest);
    fs.chownSync(dest, HOST_BASE, HOST_BASE);
    const tar = path.join(base, 'layer.tar');
    fs.writeFileSync(
      tar,
      await makeTar([
        { header: { name: 'd/', type: 'directory', uid: 0, gid: 0 } },
        { header: { name: 'd/www', uid: 33, gid: 33 }, body: 'www' },
        { header: { name: 'd/user', uid: 1000, gid: 100 }, body: 'u' },
        { header: { name: 'd/link', type: 'symlink', linkname: 'www', uid: 7, gid: 8 } },
        // beyond the 65537 ids the namespace has: stays root's, loses setuid
        { header: { name: 'd/far', uid: 70000, gid: 70000, mode: 0o4755 }, body: 'far' },
        { header: { name: 'd/suid', uid: 0, gid: 0, mode: 0o4755 }, body: 's' },
        // a namespace cannot make devices: left out (runc binds the standard ones in)
        { header: { name: 'dev/', type: 'directory' } },
        { header: { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 } },
        // whiteouts are 0/0 devices, which a namespace may make; opaque dirs use user.* xattrs
        { header: { name: 'd/.wh.gone' }, body: '' },
        { header: { name: 'o/', type: 'directory' } },
        { header: { name: 'o/.wh..wh..opq' }, body: '' },
      ]),
    );
    await unpackInNamespace(tar, dest);
    const own = (rel: string) => {
      const st = fs.lstatSync(path.join(dest, rel));
      return [st.uid, st.gid];
    };
    const host = (id: number) => toHostId(id, MAP);
    assert.deepEqual(own('d'), [host(0), host(0)]);
    assert.deepEqual(own('d/www'), [HOST_BASE + 33, HOST_BASE + 33]);
    assert.deepEqual(own('d/user'), [HOST_BASE + 1000, HOST_BASE + 100]);
    assert.deepEqual(own('d/link'), [HOST_BASE + 7, HOST_BASE + 8]);
    assert.deepEqual(own('d/far'), [HOST_BASE, HOST_BASE]);
    assert.equal(fs.statSync(path.join(dest, 'd/far')).mode & 0o7777, 0o755);
    assert.equal(fs.statSync(path.join(dest, 'd/suid')).mode & 0o7777, 0o4755);
    assert.equal(fs.existsSync(path.join(dest, 'dev/null')), false);
    const wh = fs.lstatSync(path.join(dest, 'd/gone'));
    assert.ok(wh.isCharacterDevice() && wh.rdev === 0, 'whiteout is a 0/0 device');
    assert.equal(findXattrs(dest, 'user.overlay.opaque').get(path.join(dest, 'o')), 'y');
    assert.equal(findXattrs(dest, 'trusted.overlay.opaque').size, 0);
    // the same arithmetic as the user's mapping from /etc/subuid
    const userMap = rootlessMapping(1000, [{ start: 100000, count: 65536 }]);
    assert.equal(toHostId(33, userMap), 100032);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
