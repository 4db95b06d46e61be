import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { keepIdMapping } from './id-map.js';
import { addKeepIdUser, hostHome, keepIdOwner, shiftOwners } from './keep-id.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-keepid-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('keep-id copies: each owner moves to where the keep-id mapping shows it as the image has it; setuid bits stay', () => {
  const map = keepIdMapping(1001, 65537);
  // the namespace's ids that show as 0, 1000 and the user's own 1001 inside
  assert.deepEqual([keepIdOwner(map, 0), keepIdOwner(map, 1000), keepIdOwner(map, 1001), keepIdOwner(map, 1002)], [1, 1001, 0, 1002]);
  const dir = path.join(tmp, 'layer');
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bin/su'), 'x');
  fs.chmodSync(path.join(dir, 'bin/su'), 0o4755);
  fs.writeFileSync(path.join(dir, 'mine'), 'x');
  fs.chownSync(path.join(dir, 'mine'), 1000, 1000);
  fs.symlinkSync('/nowhere', path.join(dir, 'link'));
  shiftOwners(dir, map, map);
  const owner = (f: string) => {
    const st = fs.lstatSync(path.join(dir, f));
    return [st.uid, st.gid];
  };
  assert.deepEqual(owner('.'), [1, 1]);
  assert.deepEqual(owner('bin/su'), [1, 1]);
  assert.equal(fs.statSync(path.join(dir, 'bin/su')).mode & 0o7777, 0o4755);
  assert.deepEqual(owner('mine'), [1001, 1001]);
  assert.deepEqual(owner('link'), [1, 1]);
});

test('addKeepIdUser adds the user to passwd and group once, and never writes through a symlink of the image', () => {
  const rootfs = path.join(tmp, 'rootfs');
  fs.mkdirSync(path.join(rootfs, 'etc'), { recursive: true });
  fs.writeFileSync(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh');
  fs.writeFileSync(path.join(rootfs, 'etc/group'), 'root:x:0:\nstaff:x:1001:\n');
  const user = { name: 'alice', uid: 1001, gid: 1001, home: '/home/alice' };
  addKeepIdUser(rootfs, user);
  addKeepIdUser(rootfs, user);
  assert.equal(fs.readFileSync(path.join(rootfs, 'etc/passwd'), 'utf8'), 'root:x:0:0:root:/root:/bin/sh\nalice:*:1001:1001:alice:/home/alice:/bin/sh\n');
  // the gid has an entry already: kept as the image has it
  assert.equal(fs.readFileSync(path.join(rootfs, 'etc/group'), 'utf8'), 'root:x:0:\nstaff:x:1001:\n');
  const victim = path.join(tmp, 'victim');
  fs.writeFileSync(victim, 'host file\n');
  const hostile = path.join(tmp, 'hostile');
  fs.mkdirSync(path.join(hostile, 'etc'), { recursive: true });
  fs.symlinkSync(victim, path.join(hostile, 'etc/passwd'));
  addKeepIdUser(hostile, user);
  assert.equal(fs.readFileSync(victim, 'utf8'), 'host file\n');
});

test('hostHome reads the home directory of a uid from passwd', () => {
  assert.equal(hostHome(1001, 'root:x:0:0:root:/root:/bin/bash\nalice:x:1001:1001::/home/alice:/bin/sh\n'), '/home/alice');
  assert.equal(hostHome(7, 'root:x:0:0:root:/root:/bin/bash\n'), '/');
});
