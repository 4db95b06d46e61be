import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInsecureRegistry, parseRegistriesConf, defaultRegistriesConfig } from './registries-conf.js';
import { candidates, isShortName } from './short-names.js';
import { referenceString } from '../reference/reference.js';

test('parseRegistriesConf() reads search registries, insecure registries and limits', () => {
  const c = parseRegistriesConf(`
# comment
unqualified-search-registries = ["quay.io", "docker.io"]  # trailing
insecure-registries = ["10.0.0.1:5000"]
max-concurrent-downloads = 5
[[registry]]
location = "127.0.0.1:5443"
insecure = false
`);
  assert.deepEqual(c.searchRegistries, ['quay.io', 'docker.io']);
  assert.equal(c.maxConcurrentDownloads, 5);
  assert.ok(isInsecureRegistry(c, '10.0.0.1:5000'));
  assert.ok(!isInsecureRegistry(c, '127.0.0.1:5443'), 'an explicit setting wins over loopback');
  assert.ok(isInsecureRegistry(c, '127.0.0.1:5000'));
  assert.ok(isInsecureRegistry(c, 'localhost'));
  assert.ok(!isInsecureRegistry(c, 'registry.example.com'));
  assert.throws(() => parseRegistriesConf('max-concurrent-downloads = "x"'), /registries.conf:1/);
  assert.throws(() => parseRegistriesConf('[mirror]'), /unsupported table/);
});

test('short names expand through the search list; qualified names do not', () => {
  assert.ok(isShortName('busybox') && isShortName('team/app:1'));
  assert.ok(!isShortName('localhost/app') && !isShortName('host:5000/app') && !isShortName('quay.io/x'));
  assert.deepEqual(candidates('app', ['quay.io', 'docker.io']).map(referenceString), ['quay.io/app:latest', 'docker.io/library/app:latest']);
  assert.deepEqual(candidates('host:5000/app:2', ['quay.io']).map(referenceString), ['host:5000/app:2']);
  assert.deepEqual(candidates('busybox', defaultRegistriesConfig().searchRegistries).map(referenceString), ['docker.io/library/busybox:latest']);
  assert.throws(() => candidates('busybox', []), /no unqualified-search registries/);
});

test('mirrors: [[registry.mirror]] under a [[registry]], and docker\'s registry-mirrors for Docker Hub', () => {
  const c = parseRegistriesConf(`
registry-mirrors = ["http://10.0.0.2:5000", "https://hub-cache.example/v2-proxy/"]
[[registry]]
location = "private.example:5000"
[[registry.mirror]]
location = "cache.example/private"
insecure = true
[[registry.mirror]]
location = "second.example"
`);
  assert.deepEqual(c.mirrors.get('docker.io'), ['10.0.0.2:5000', 'hub-cache.example/v2-proxy']);
  assert.deepEqual(c.mirrors.get('private.example:5000'), ['cache.example/private', 'second.example']);
  assert.ok(isInsecureRegistry(c, '10.0.0.2:5000'), 'an http:// mirror is plain HTTP');
  assert.ok(isInsecureRegistry(c, 'cache.example'));
  assert.ok(!isInsecureRegistry(c, 'hub-cache.example'));
  assert.throws(() => parseRegistriesConf('[[registry.mirror]]\nlocation = "x"'), /outside a \[\[registry\]\]/);
  assert.throws(() => parseRegistriesConf('[[registry]]\nlocation = "a"\n[[registry.mirror]]\ninsecure = true'), /without location/);
});
