import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { createNetns, deleteLinkIn, deleteNetns, netnsPath } from './netns.js';

const needsRoot = process.getuid?.() === 0 ? false : 'needs root';
const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });

describe('named network namespaces (the addon, not ip)', { skip: needsRoot }, () => {
  test('made as `ip netns add` makes them: listed, loopback up, nothing else; deleted completely', () => {
    const name = `berth-test-${randomBytes(4).toString('hex')}`;
    try {
      assert.equal(createNetns(name), netnsPath(name));
      assert.match(ip('netns', 'list'), new RegExp(`^${name}\\b`, 'm'));
      const links = JSON.parse(ip('-n', name, '-j', 'link', 'show')) as Array<{ ifname: string; flags: string[] }>;
      assert.deepEqual(
        links.map((l) => l.ifname),
        ['lo'],
      );
      assert.ok(links[0]?.flags.includes('UP'));
      // a second create keeps the namespace (and what is inside it)
      ip('-n', name, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1');
      createNetns(name);
      assert.match(ip('-n', name, 'link', 'show'), /d0/);
    } finally {
      deleteNetns(name);
    }
    assert.equal(fs.existsSync(netnsPath(name)), false);
    assert.doesNotMatch(ip('netns', 'list'), new RegExp(`^${name}\\b`, 'm'));
    deleteNetns(name); // absent is fine
  });

  test('deleteLinkIn removes a veth inside, with its host end; a missing one is false', async () => {
    const name = `berth-test-${randomBytes(4).toString('hex')}`;
    const host = `bt${randomBytes(3).toString('hex')}`;
    createNetns(name);
    try {
      ip('link', 'add', host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name);
      assert.equal(spawnSync('ip', ['link', 'show', host]).status, 0);
      assert.equal(await deleteLinkIn(name, 'eth0'), true);
      assert.notEqual(spawnSync('ip', ['link', 'show', host]).status, 0, 'the host end went with it');
      assert.equal(await deleteLinkIn(name, 'eth0'), false);
    } finally {
      spawnSync('ip', ['link', 'del', host]);
      deleteNetns(name);
    }
  });

  test('a stale file where a namespace was is replaced by a namespace; errors name the namespace', async () => {
    const name = `berth-test-${randomBytes(4).toString('hex')}`;
    fs.mkdirSync('/run/netns', { recursive: true });
    fs.writeFileSync(netnsPath(name), '');
    try {
      assert.equal(await deleteLinkIn(name, 'eth0'), false, 'not a namespace: nothing in it');
      createNetns(name);
      assert.match(ip('-n', name, 'link', 'show'), /lo:/);
    } finally {
      deleteNetns(name);
    }
    for (const bad of ['../../etc/x', 'a/b', '', '..']) assert.throws(() => createNetns(bad), /invalid network namespace name/);
    assert.equal(fs.existsSync('/etc/x'), false);
  });
});
