import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatPlatform, hostPlatform, parsePlatform, platformMatches } from './platform.js';

describe('platform', () => {
  test('hostPlatform maps node architectures to OCI names', () => {
    assert.deepEqual(hostPlatform('x64'), { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(hostPlatform('arm64'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.deepEqual(hostPlatform('arm'), { os: 'linux', architecture: 'arm', variant: 'v7' });
    assert.deepEqual(hostPlatform('ppc64'), { os: 'linux', architecture: 'ppc64le' });
  });

  test('parsePlatform reads os/arch[/variant] and common aliases', () => {
    assert.deepEqual(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v7' });
    assert.deepEqual(parsePlatform('linux/x86_64'), { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(parsePlatform('aarch64'), { os: 'linux', architecture: 'arm64' });
    for (const bad of ['', 'linux/', '/amd64', 'linux/arm/v7/x', 'linux/arm/']) {
      assert.throws(() => parsePlatform(bad), /invalid platform/, bad);
    }
  });

  test('platformMatches ignores a missing variant and compares the rest', () => {
    const arm64 = { os: 'linux', architecture: 'arm64', variant: 'v8' };
    assert.equal(platformMatches({ os: 'linux', architecture: 'arm64' }, arm64), true);
    assert.equal(platformMatches({ os: 'linux', architecture: 'arm64', variant: 'v8' }, arm64), true);
    assert.equal(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v7' }, { os: 'linux', architecture: 'arm', variant: 'v6' }), false);
    assert.equal(platformMatches({ os: 'windows', architecture: 'amd64' }, { os: 'linux', architecture: 'amd64' }), false);
    assert.equal(platformMatches(undefined, { os: 'linux', architecture: 'amd64' }), false);
  });

  test('formatPlatform prints the variant only when there is one', () => {
    assert.equal(formatPlatform({ os: 'linux', architecture: 'amd64' }), 'linux/amd64');
    assert.equal(formatPlatform({ os: 'linux', architecture: 'arm', variant: 'v7' }), 'linux/arm/v7');
  });
});
