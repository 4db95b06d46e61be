import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namespaceViews, parseNsLink } from './namespaces.js';

test('parseNsLink() reads the inode of a namespace link', () => {
  assert.equal(parseNsLink('net:[4026532181]'), 4026532181);
  assert.equal(parseNsLink('pid_for_children:[4026532180]'), 4026532180);
  assert.equal(parseNsLink('garbage'), null);
});

test('namespaceViews() marks host, private and container-shared namespaces', () => {
  const host = { pid: 1, mnt: 2, net: 3, uts: 4, ipc: 5, user: 6, cgroup: 7, time: 8 };
  const own = { ...host, pid: 11, mnt: 12, net: 13, uts: 14, ipc: 15 };
  const views = namespaceViews(own, host, [{ name: 'db', ns: { ...host, net: 13 } }]);
  const by = Object.fromEntries(views.map((v) => [v.type, v]));
  assert.equal(by['pid']?.sharedWith, 'private');
  assert.deepEqual(by['net']?.sharedWith, { containers: ['db'] });
  assert.equal(by['user']?.sharedWith, 'host');
  assert.equal(by['user']?.hostInode, 6);
  assert.equal(views.length, 8);
});

test('namespaceViews() of a type the kernel lacks', () => {
  const v = namespaceViews({ pid: 1, time: null }, { pid: 1, time: null }, []).find((x) => x.type === 'time');
  assert.deepEqual(v, { type: 'time', inode: null, hostInode: null, sharedWith: 'private' });
});
