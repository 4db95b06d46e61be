import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTun, rootlessNetwork } from './slirp.js';

test('rootlessNetwork: the default network is slirp4netns; none, host, container: and user-defined networks stay', () => {
  assert.equal(rootlessNetwork('bridge'), 'slirp4netns');
  assert.equal(rootlessNetwork('default'), 'slirp4netns');
  assert.equal(rootlessNetwork('slirp4netns'), 'slirp4netns');
  assert.equal(rootlessNetwork('none'), 'none');
  assert.equal(rootlessNetwork('host'), 'host');
  assert.equal(rootlessNetwork('container:web'), 'container:web');
  assert.equal(rootlessNetwork('mynet'), 'mynet');
});

test('checkTun names the fix when the tun device cannot be used', () => {
  assert.throws(
    () => checkTun('/nonexistent/tun'),
    /^BerthError: rootless networking needs \/nonexistent\/tun usable by users \(it does not exist\): as root, chmod 0666 \/nonexistent\/tun; or use --network none\|host$/,
  );
});
