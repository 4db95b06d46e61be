import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { BerthError } from '../errors/index.js';
import { makeBusyboxTar } from '../../testkit/busybox-rootfs.js';
import { makeTar, type FixtureEntry } from './_tar-fixture.js';
import { unpackLayer } from './unpack.js';

/** chown, mknod, trusted xattrs and mount need root (as in CI); elsewhere these tests skip. */
const needsRoot = process.getuid?.() === 0 ? false : 'needs root';

describe('unpackLayer', { skip: needsRoot }, () => {
  let base: string;
  let dest: string;
  /** the sentinel beside dest: a hostile layer must never put anything here */
  let outside: string;

  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unpack-'));
    dest = path.join(base, 'dest');
    outside = path.join(base, 'outside');
    fs.mkdirSync(dest);
    fs.mkdirSync(outside);
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  const unpack = async (entries: FixtureEntry[]) => unpackLayer(Readable.from([await makeTar(entries)]), dest);

  /** Unpacking must fail as an unsafe layer, and the sentinel must stay empty. */
  async function assertRejected(entries: FixtureEntry[], message: RegExp): Promise<void> {
    await assert.rejects(unpack(entries), (e: unknown) => {
      assert.ok(e instanceof BerthError, String(e));
      assert.equal(e.kind, 'InvalidArgument');
      assert.match(e.message, message);
      return true;
    });
    assert.deepEqual(fs.readdirSync(outside), [], 'nothing may appear outside the layer dir');
  }

  test('a normal tree keeps modes, owners, times, symlinks, hardlinks and device nodes', async () => {
    const t = new Date('2001-02-03T04:05:06Z');
    const { size } = await unpack([
      { header: { name: './', type: 'directory', mode: 0o755 } },
      { header: { name: 'bin/', type: 'directory', mode: 0o755, mtime: t } },
      { header: { name: 'bin/tool', mode: 0o4755, uid: 1000, gid: 1001, mtime: t }, body: 'binary' },
      { header: { name: 'bin/tool2', type: 'link', linkname: 'bin/tool' } },
      { header: { name: 'bin/sh', type: 'symlink', linkname: '/bin/tool', uid: 7, gid: 8 } },
      { header: { name: 'etc/shadow', mode: 0o000 }, body: 'secret' },
      { header: { name: 'dev/null', type: 'character-device', mode: 0o666, devmajor: 1, devminor: 3 } },
      { header: { name: 'dev/pipe', type: 'fifo', mode: 0o600 } },
      { header: { name: '/abs/file' }, body: 'x' },
    ]);
    assert.equal(size, 'binary'.length + 'secret'.length + 1);
    const tool = fs.lstatSync(path.join(dest, 'bin/tool'));
    assert.equal(tool.mode & 0o7777, 0o4755, 'setuid kept after chown');
    assert.equal(tool.uid, 1000);
    assert.equal(tool.gid, 1001);
    assert.equal(tool.mtime.getTime(), t.getTime());
    assert.equal(fs.lstatSync(path.join(dest, 'bin')).mtime.getTime(), t.getTime(), 'dir mtime set after content');
    assert.equal(fs.lstatSync(path.join(dest, 'bin/tool2')).ino, tool.ino);
    assert.equal(fs.readlinkSync(path.join(dest, 'bin/sh')), '/bin/tool');
    assert.equal(fs.lstatSync(path.join(dest, 'bin/sh')).uid, 7);
    assert.equal(fs.lstatSync(path.join(dest, 'etc/shadow')).mode & 0o7777, 0);
    const dev = fs.lstatSync(path.join(dest, 'dev/null'));
    assert.ok(dev.isCharacterDevice());
    assert.equal(dev.rdev, (1 << 8) | 3);
    assert.ok(fs.lstatSync(path.join(dest, 'dev/pipe')).isFIFO());
    assert.equal(fs.readFileSync(path.join(dest, 'abs/file'), 'utf8'), 'x');
  });

  test('a file capability and user xattrs from PAX records are applied after chown; trusted.* and security.selinux are not', async () => {
    // vfs_cap_data v2: cap_net_raw (bit 13) permitted and effective, as `setcap cap_net_raw+ep`
    const cap = Buffer.from('0100000200200000000000000000000000000000', 'hex');
    await unpack([
      { header: { name: 'dir/', type: 'directory', mode: 0o755, pax: { 'SCHILY.xattr.trusted.overlay.opaque': 'y', 'SCHILY.xattr.user.kind': 'dir' } } },
      {
        header: {
          name: 'dir/ping',
          mode: 0o755,
          uid: 1000,
          gid: 1000,
          pax: {
            'SCHILY.xattr.security.capability': cap.toString('latin1'),
            'SCHILY.xattr.user.note': 'héllo',
            'SCHILY.xattr.security.selinux': 'system_u:object_r:bin_t:s0',
          },
        },
        body: 'elf',
      },
    ]);
    const xattr = (p: string, name: string) => {
      try {
        return execFileSync('getfattr', ['--absolute-names', '--only-values', '-n', name, path.join(dest, p)]);
      } catch {
        return undefined;
      }
    };
    assert.deepEqual(xattr('dir/ping', 'security.capability'), cap, 'the capability survives the chown to 1000');
    assert.equal(fs.lstatSync(path.join(dest, 'dir/ping')).uid, 1000);
    assert.equal(xattr('dir/ping', 'user.note')?.toString('utf8'), 'héllo');
    assert.equal(xattr('dir', 'user.kind')?.toString(), 'dir');
    assert.equal(xattr('dir', 'trusted.overlay.opaque'), undefined, "overlayfs xattrs are not a layer's to set");
    assert.equal(xattr('dir/ping', 'security.selinux'), undefined);
  });

  test('whiteouts become 0:0 devices and opaque markers become the overlay xattr', async () => {
    await unpack([
      { header: { name: 'etc/.wh.motd' } },
      { header: { name: 'var/cache/.wh..wh..opq' } },
      { header: { name: 'var/cache/kept' }, body: 'k' },
      { header: { name: '.wh..wh.plnk', type: 'directory' } },
    ]);
    const wh = fs.lstatSync(path.join(dest, 'etc/motd'));
    assert.ok(wh.isCharacterDevice());
    assert.equal(wh.rdev, 0);
    assert.ok(!fs.existsSync(path.join(dest, 'etc/.wh.motd')));
    const xattr = execFileSync('getfattr', ['--absolute-names', '--only-values', '-n', 'trusted.overlay.opaque', path.join(dest, 'var/cache')], {
      encoding: 'utf8',
    });
    assert.equal(xattr, 'y');
    assert.ok(!fs.existsSync(path.join(dest, 'var/cache/.wh..wh..opq')));
    assert.equal(fs.readFileSync(path.join(dest, 'var/cache/kept'), 'utf8'), 'k');
    assert.ok(!fs.existsSync(path.join(dest, '.wh..wh.plnk')), 'aufs metadata is dropped');
  });

  test('a later entry replaces an earlier one without writing through it', async () => {
    fs.writeFileSync(path.join(outside, 'target'), 'original');
    await unpack([{ header: { name: 'f', type: 'symlink', linkname: path.join(outside, 'target') } }, { header: { name: 'f' }, body: 'replaced' }]);
    assert.equal(fs.readFileSync(path.join(outside, 'target'), 'utf8'), 'original');
    assert.equal(fs.readFileSync(path.join(dest, 'f'), 'utf8'), 'replaced');
    assert.ok(fs.lstatSync(path.join(dest, 'f')).isFile());
  });

  test('hostile: a ../ traversal rejects the layer', async () => {
    await assertRejected([{ header: { name: '../outside/pwned' }, body: 'x' }], /unsafe path in layer: "\.\.\/outside\/pwned"/);
    await assertRejected([{ header: { name: 'a/../../outside/pwned' }, body: 'x' }], /unsafe path/);
    await assertRejected([{ header: { name: '/../outside/pwned' }, body: 'x' }], /unsafe path/);
  });

  test('hostile: an absolute path lands inside the layer dir', async () => {
    const abs = path.join(outside, 'pwned');
    await unpack([{ header: { name: abs }, body: 'x' }]);
    assert.deepEqual(fs.readdirSync(outside), []);
    assert.equal(fs.readFileSync(path.join(dest, abs), 'utf8'), 'x');
  });

  test('hostile: a file written through a symlink to an outside dir rejects the layer', async () => {
    await assertRejected(
      [{ header: { name: 'link', type: 'symlink', linkname: outside } }, { header: { name: 'link/pwned' }, body: 'x' }],
      /path "link\/pwned" goes through a symlink/,
    );
  });

  test('hostile: a relative symlink dir and a file under it rejects the layer', async () => {
    await assertRejected(
      [
        { header: { name: 'sub/', type: 'directory' } },
        { header: { name: 'sub/up', type: 'symlink', linkname: '../../outside' } },
        { header: { name: 'sub/up/deeper/pwned' }, body: 'x' },
      ],
      /goes through a symlink/,
    );
  });

  test('hostile: a directory entry or whiteout through a symlink rejects the layer', async () => {
    const ln = { header: { name: 'ln', type: 'symlink' as const, linkname: outside } };
    await assertRejected([ln, { header: { name: 'ln/newdir/', type: 'directory' } }], /goes through a symlink/);
    await assertRejected([ln, { header: { name: 'ln/.wh.victim' } }], /goes through a symlink/);
    await assertRejected([ln, { header: { name: 'ln/.wh..wh..opq' } }], /goes through a symlink/);
  });

  test('hostile: a hardlink to an outside path rejects the layer', async () => {
    const passwd = fs.lstatSync('/etc/passwd');
    await assertRejected([{ header: { name: 'x', type: 'link', linkname: '../../etc/passwd' } }], /unsafe path/);
    await assertRejected([{ header: { name: 'x', type: 'link', linkname: '/etc/passwd' } }], /does not exist in layer/);
    assert.ok(!fs.existsSync(path.join(dest, 'x')));
    assert.equal(fs.lstatSync('/etc/passwd').nlink, passwd.nlink);
  });

  test('hostile: a hardlink through a symlink, or to a symlink, rejects the layer', async () => {
    const passwd = fs.lstatSync('/etc/passwd');
    await assertRejected(
      [{ header: { name: 'etc', type: 'symlink', linkname: '/etc' } }, { header: { name: 'x', type: 'link', linkname: 'etc/passwd' } }],
      /goes through a symlink/,
    );
    await assertRejected(
      [{ header: { name: 'p', type: 'symlink', linkname: '/etc/passwd' } }, { header: { name: 'x', type: 'link', linkname: 'p' } }],
      /target "p" is a symlink/,
    );
    assert.equal(fs.lstatSync('/etc/passwd').nlink, passwd.nlink);
  });

  test('hostile: a directory swapped for a symlink does not get its mtime set outside', async () => {
    fs.mkdirSync(path.join(outside, 'b'));
    const before = fs.lstatSync(path.join(outside, 'b')).mtimeMs;
    await unpack([{ header: { name: 'a/b/', type: 'directory', mtime: new Date(0) } }, { header: { name: 'a', type: 'symlink', linkname: outside } }]);
    assert.equal(fs.lstatSync(path.join(outside, 'b')).mtimeMs, before);
    assert.equal(fs.readlinkSync(path.join(dest, 'a')), outside);
  });

  test('a GNU tar of a busybox root filesystem unpacks like tar -x would', async () => {
    const tarPath = path.join(base, 'busybox.tar');
    makeBusyboxTar(tarPath);
    await unpackLayer(fs.createReadStream(tarPath), dest);
    assert.equal(fs.readlinkSync(path.join(dest, 'bin/sh')), 'busybox');
    assert.equal(fs.lstatSync(path.join(dest, 'tmp')).mode & 0o7777, 0o1777);
    assert.equal(fs.readFileSync(path.join(dest, 'etc/passwd'), 'utf8').split('\n')[0], 'root:x:0:0:root:/root:/bin/sh');
    assert.deepEqual(fs.readFileSync(path.join(dest, 'bin/busybox')), fs.readFileSync('/bin/busybox'));
  });

  test('a truncated tar fails', async () => {
    const tar = await makeTar([{ header: { name: 'big' }, body: Buffer.alloc(10_000, 1) }]);
    await assert.rejects(unpackLayer(Readable.from([tar.subarray(0, 3000)]), dest));
  });
});
