import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { readRootfsFile, resolveInRootfs } from './rootfs-file.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-rootfs-file-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function rootfs(name: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, 'etc'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'usr/share'), { recursive: true });
  return fs.realpathSync(dir);
}

test('resolveInRootfs() follows an absolute link relative to the rootfs, not the host', () => {
  const root = rootfs('abs');
  fs.writeFileSync(path.join(root, 'usr/share/passwd'), 'inside\n');
  fs.symlinkSync('/usr/share/passwd', path.join(root, 'etc/passwd'));
  assert.equal(resolveInRootfs(root, '/etc/passwd'), path.join(root, 'usr/share/passwd'));
  assert.equal(readRootfsFile(root, '/etc/passwd'), 'inside\n');
});

test('resolveInRootfs() stops .. at the rootfs', () => {
  const root = rootfs('dotdot');
  fs.symlinkSync('../../../../../../../../etc/hostname', path.join(root, 'etc/passwd'));
  assert.equal(resolveInRootfs(root, '/etc/passwd'), path.join(root, 'etc/hostname'));
  assert.equal(readRootfsFile(root, '/etc/passwd'), undefined);
  assert.equal(resolveInRootfs(root, '/../../etc/x'), path.join(root, 'etc/x'));
});

test('resolveInRootfs() resolves links in directories along the way', () => {
  const root = rootfs('dirs');
  fs.mkdirSync(path.join(root, 'real-etc'));
  fs.writeFileSync(path.join(root, 'real-etc/group'), 'g\n');
  fs.rmSync(path.join(root, 'etc'), { recursive: true });
  fs.symlinkSync('/real-etc', path.join(root, 'etc'));
  assert.equal(readRootfsFile(root, '/etc/group'), 'g\n');
});

test('resolveInRootfs() gives up on a symlink loop', () => {
  const root = rootfs('loop');
  fs.symlinkSync('/etc/b', path.join(root, 'etc/a'));
  fs.symlinkSync('/etc/a', path.join(root, 'etc/b'));
  assert.throws(() => resolveInRootfs(root, '/etc/a'), { kind: 'InvalidArgument', message: /too many levels of symbolic links/ });
});

test('readRootfsFile() refuses a FIFO instead of blocking on it, and a directory', () => {
  const root = rootfs('fifo');
  execFileSync('mkfifo', [path.join(root, 'etc/passwd')]);
  assert.throws(() => readRootfsFile(root, '/etc/passwd'), { kind: 'InvalidArgument', message: 'reading "/etc/passwd" in the image: not a regular file' });
  fs.mkdirSync(path.join(root, 'etc/group'));
  assert.throws(() => readRootfsFile(root, '/etc/group'), { kind: 'InvalidArgument' });
});

test('readRootfsFile() refuses a file above the size limit and returns undefined when absent', () => {
  const root = rootfs('big');
  fs.writeFileSync(path.join(root, 'etc/passwd'), 'x'.repeat(100));
  assert.throws(() => readRootfsFile(root, '/etc/passwd', 10), { message: 'reading "/etc/passwd" in the image: larger than 10 bytes' });
  assert.equal(readRootfsFile(root, '/etc/nothing'), undefined);
  assert.equal(readRootfsFile(root, '/etc/passwd/below'), undefined);
});
