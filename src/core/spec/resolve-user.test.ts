import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { resolveUser } from './resolve-user.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-resolve-user-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  '# a comment',
  'www-data:x:33:33:www-data:/var/www:/bin/false',
  'app:x:1000:1000::/home/app:/bin/sh',
  'broken:x:notanumber:1::/:/bin/sh',
  '',
].join('\n');
const GROUP = ['root:x:0:', 'www-data:x:33:', 'app:x:1000:', 'docker:x:999:app,other', 'audio:x:29:app', 'staff:x:50:'].join('\n');

function rootfs(name: string, files: Record<string, string> = { 'etc/passwd': PASSWD, 'etc/group': GROUP }): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, 'etc'), { recursive: true });
  for (const [p, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, p), text);
  return dir;
}
const std = rootfs('std');

test('resolveUser() gives root when no user is asked for', () => {
  assert.deepEqual(resolveUser(undefined, std), { uid: 0, gid: 0, additionalGids: [], home: '/root' });
  assert.deepEqual(resolveUser('', std), { uid: 0, gid: 0, additionalGids: [], home: '/root' });
});

test('resolveUser() finds a name in passwd with its groups from the group file', () => {
  assert.deepEqual(resolveUser('app', std), { uid: 1000, gid: 1000, additionalGids: [999, 29], home: '/home/app' });
  assert.deepEqual(resolveUser('www-data', std), { uid: 33, gid: 33, additionalGids: [], home: '/var/www' });
});

test('resolveUser() finds a uid in passwd, and accepts one that is not there', () => {
  assert.deepEqual(resolveUser('33', std), { uid: 33, gid: 33, additionalGids: [], home: '/var/www' });
  assert.deepEqual(resolveUser('4242', std), { uid: 4242, gid: 0, additionalGids: [], home: '/' });
});

test('resolveUser() takes an explicit group by name or number and then skips supplementary groups', () => {
  assert.deepEqual(resolveUser('app:staff', std), { uid: 1000, gid: 50, additionalGids: [], home: '/home/app' });
  assert.deepEqual(resolveUser('1000:777', std), { uid: 1000, gid: 777, additionalGids: [], home: '/home/app' });
  assert.deepEqual(resolveUser(':33', std), { uid: 0, gid: 33, additionalGids: [], home: '/root' });
});

test('resolveUser() adds --group-add groups without duplicates', () => {
  assert.deepEqual(resolveUser('app', std, ['staff', '999', '12345']).additionalGids, [999, 29, 50, 12345]);
});

test('resolveUser() works with numeric ids when the image has no passwd or group file', () => {
  const bare = rootfs('bare', {});
  assert.deepEqual(resolveUser('1000:1000', bare, ['5']), { uid: 1000, gid: 1000, additionalGids: [5], home: '/' });
  assert.throws(() => resolveUser('app', bare), { kind: 'InvalidArgument', message: 'unable to find user app: no matching entries in passwd file' });
});

test('resolveUser() rejects unknown names and out-of-range ids', () => {
  assert.throws(() => resolveUser('xyz', std), { kind: 'InvalidArgument', message: 'unable to find user xyz: no matching entries in passwd file' });
  assert.throws(() => resolveUser('app:nogroup', std), { kind: 'InvalidArgument', message: 'unable to find group nogroup: no matching entries in group file' });
  assert.throws(() => resolveUser('app', std, ['wheel']), { message: 'unable to find group wheel: no matching entries in group file' });
  assert.throws(() => resolveUser('4294967296', std), { kind: 'InvalidArgument', message: 'uids and gids must be in range 0-2147483647' });
  assert.throws(() => resolveUser('-1', std), { kind: 'InvalidArgument', message: 'uids and gids must be in range 0-2147483647' });
});

test("resolveUser() never reads a host file that the image's passwd links to", () => {
  const secret = path.join(tmp, 'host-shadow-like');
  fs.writeFileSync(secret, 'berthsecretuser:x:4711:4711::/secret:/bin/sh\n');
  const hostile = rootfs('hostile', { 'etc/group': GROUP });
  fs.symlinkSync(secret, path.join(hostile, 'etc/passwd'));
  // the same file is reachable by a relative escape too
  const hostile2 = rootfs('hostile2', {});
  fs.symlinkSync(path.join('../../../../../../../../..', secret), path.join(hostile2, 'etc/passwd'));
  for (const root of [hostile, hostile2]) {
    assert.throws(() => resolveUser('berthsecretuser', root), {
      kind: 'InvalidArgument',
      message: 'unable to find user berthsecretuser: no matching entries in passwd file',
    });
    assert.equal(resolveUser('4711', root).home, '/');
  }
});
