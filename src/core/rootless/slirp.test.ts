import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTun, rootlessNetwork } from './slirp.js';

test('rootlessNetwork: the default network is slirp4netns; none, host and container: stay; berth networks are refused', () => {
  assert.equal(rootlessNetwork('bridge'), 'slirp4netns');
  assert.equal(rootlessNetwork('default'), 'slirp4netns');
  assert.equal(rootlessNetwork('slirp4netns'), 'slirp4netns');
  assert.equal(rootlessNetwork('none'), 'none');
  assert.equal(rootlessNetwork('host'), 'host');
  assert.equal(rootlessNetwork('container:web'), 'container:web');
  assert.throws(
    () => rootlessNetwork('mynet'),
    /^BerthError: network mynet: user-defined networks are not available to rootless containers yet \(use the default network, slirp4netns, or --network none\|host\)$/,
  );
});

test('checkTun names the fix when the tun device cannot be used', () => {
  assert.throws(
    () => checkTun('/nonexistent/tun'),
    /^BerthError: rootless networking needs \/nonexistent\/tun usable by users \(it does not exist\): as root, chmod 0666 \/nonexistent\/tun; or use --network none\|host$/,
  );
});
