import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makePaths } from '../config/paths.js';
import { netHost, onNetHost, rootlessNetFiles, ROOT_NET_HOST } from './net-host.js';

test("root's bridges are on the host: /run/netns, /run/berth-ipam, commands as they are", () => {
  // this test process is root on the host, not rootless
  const host = netHost({ paths: makePaths('/var/lib/berth', '/run/berth') });
  assert.equal(host, ROOT_NET_HOST);
  assert.deepEqual(host, { rootless: false, netnsDir: '/run/netns', ipamDir: '/run/berth-ipam', markersDir: '/run/berth-net', enter: [] });
  assert.deepEqual(onNetHost(host, 'ip', ['link']), ['ip', ['link']]);
});

test("a user's bridges are in its network namespace: files in its run dir, commands through nsenter", () => {
  const f = rootlessNetFiles('/tmp/berth-1000');
  assert.equal(f.netns, '/tmp/berth-1000/netns/rootless-netns');
  assert.equal(f.markers, '/tmp/berth-1000/rootless-netns/rules');
  const host = { ...ROOT_NET_HOST, rootless: true, enter: ['/usr/bin/nsenter', `--net=${f.netns}`, '--'] };
  assert.deepEqual(onNetHost(host, 'iptables', ['-L']), ['/usr/bin/nsenter', [`--net=${f.netns}`, '--', 'iptables', '-L']]);
});
