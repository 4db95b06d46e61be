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
  assert.throws(() => parseRegistriesConf('max-concurrent-downloads = "x"'), /registries\.conf: "max-concurrent-downloads" must be a positive integer/);
  assert.throws(() => parseRegistriesConf('a = 1\nmax-concurrent-downloads = = 3'), /registries\.conf:2: /);
});

test('short names expand through the search list; qualified names do not', () => {
  assert.ok(isShortName('busybox') && isShortName('team/app:1'));
  assert.ok(!isShortName('localhost/app') && !isShortName('host:5000/app') && !isShortName('quay.io/x'));
  assert.deepEqual(candidates('app', ['quay.io', 'docker.io']).map(referenceString), ['quay.io/app:latest', 'docker.io/library/app:latest']);
  assert.deepEqual(candidates('host:5000/app:2', ['quay.io']).map(referenceString), ['host:5000/app:2']);
  assert.deepEqual(candidates('busybox', defaultRegistriesConfig().searchRegistries).map(referenceString), ['docker.io/library/busybox:latest']);
  assert.throws(() => candidates('busybox', []), /no unqualified-search registries/);
});

test("mirrors: [[registry.mirror]] under a [[registry]], and docker's registry-mirrors for Docker Hub", () => {
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
  assert.throws(() => parseRegistriesConf('[[registry.mirror]]\nlocation = "x"'), /"registry" must be an array of tables/);
  assert.throws(() => parseRegistriesConf('[[registry]]\nlocation = "a"\n[[registry.mirror]]\ninsecure = true'), /without location/);
});

// the shape of podman's /etc/containers/registries.conf and containers-registries.conf(5)'s examples
const PODMAN_STYLE = `
# For more information on this configuration file, see containers-registries.conf(5).
unqualified-search-registries = [
  "registry.fedoraproject.org",
  "quay.io",   # a comment inside the array
  "docker.io",
]
short-name-mode = "enforcing"
credential-helpers = ["containers-auth.json"]

[[registry]]
prefix = "example.com/foo"
insecure = false
blocked = false
location = "internal-registry-for-example.com/bar"

[[registry.mirror]]
location = "example-mirror-0.local/mirror-for-foo"

[[registry.mirror]]
location = "example-mirror-1.local/mirrors/foo"
insecure = true
pull-from-mirror = "all"

[[registry]]
location = 'registry.example.org:5000'
insecure = true

[aliases]
  # containers
  "skopeo" = "quay.io/skopeo/stable"
  "fedora" = "registry.fedoraproject.org/fedora"
  "team/app" = "registry.example.org:5000/team/app"
  "quoted" = "quay.io/say \\"hi\\"/x"
`;

test('a podman-style registries.conf: multi-line arrays, comments, literal strings, escapes, [aliases], short-name-mode', () => {
  const c = parseRegistriesConf(PODMAN_STYLE, '/etc/berth/registries.conf');
  assert.deepEqual(c.searchRegistries, ['registry.fedoraproject.org', 'quay.io', 'docker.io']);
  assert.equal(c.shortNameMode, 'enforcing');
  assert.deepEqual(c.mirrors.get('internal-registry-for-example.com/bar'), ['example-mirror-0.local/mirror-for-foo', 'example-mirror-1.local/mirrors/foo']);
  assert.ok(isInsecureRegistry(c, 'example-mirror-1.local'));
  assert.ok(!isInsecureRegistry(c, 'example-mirror-0.local'));
  assert.ok(isInsecureRegistry(c, 'registry.example.org:5000'));
  assert.equal(c.aliases.get('skopeo'), 'quay.io/skopeo/stable');
  assert.equal(c.aliases.get('quoted'), 'quay.io/say "hi"/x', 'an escaped quote is a quote');
  // aliases win over the search list, keeping the tag or digest; enforcing refuses the ambiguous rest
  const settings = { aliases: c.aliases, shortNameMode: c.shortNameMode };
  assert.deepEqual(candidates('skopeo:v1', c.searchRegistries, settings).map(referenceString), ['quay.io/skopeo/stable:v1']);
  assert.deepEqual(candidates('team/app', c.searchRegistries, settings).map(referenceString), ['registry.example.org:5000/team/app:latest']);
  const digest = `sha256:${'a'.repeat(64)}`;
  assert.deepEqual(candidates(`fedora@${digest}`, c.searchRegistries, settings).map(referenceString), [`registry.fedoraproject.org/fedora@${digest}`]);
  assert.throws(
    () => candidates('busybox', c.searchRegistries, settings),
    /short-name "busybox" did not resolve to an alias and short-name-mode is "enforcing"/,
  );
  assert.deepEqual(candidates('busybox', c.searchRegistries, { aliases: c.aliases, shortNameMode: 'permissive' }).map(referenceString), [
    'registry.fedoraproject.org/busybox:latest',
    'quay.io/busybox:latest',
    'docker.io/library/busybox:latest',
  ]);
  // a qualified name is never an alias
  assert.deepEqual(candidates('quay.io/skopeo:1', c.searchRegistries, settings).map(referenceString), ['quay.io/skopeo:1']);
});

test('the version 1 format, and what berth cannot honour is refused with the key named', () => {
  const v1 = parseRegistriesConf(
    '[registries.search]\nregistries = ["quay.io"]\n[registries.insecure]\nregistries = ["10.1.1.1:5000"]\n[registries.block]\nregistries = []\n',
  );
  assert.deepEqual(v1.searchRegistries, ['quay.io']);
  assert.ok(isInsecureRegistry(v1, '10.1.1.1:5000'));
  assert.throws(() => parseRegistriesConf('[registries.block]\nregistries = ["evil.example"]'), /blocked registries/);
  assert.throws(() => parseRegistriesConf('unqualified-search-registries = ["a.io"]\n[registries.search]\nregistries = ["b.io"]'), /mixes the version 1/);
  assert.throws(() => parseRegistriesConf('[[registry]]\nlocation = "x.io"\nblocked = true'), /"x\.io": blocked registries are not supported/);
  assert.throws(() => parseRegistriesConf('[[registry]]\nlocation = "x.io"\nmirror-by-digest-only = true'), /mirror-by-digest-only is not supported/);
  assert.throws(
    () => parseRegistriesConf('[[registry]]\nlocation = "x.io"\n[[registry.mirror]]\nlocation = "m.io"\npull-from-mirror = "digest-only"'),
    /pull-from-mirror = "digest-only" is not supported/,
  );
  assert.throws(() => parseRegistriesConf('short-name-mode = "strict"'), /"short-name-mode" must be "enforcing", "permissive" or "disabled"/);
  assert.throws(() => parseRegistriesConf('[aliases]\nx = 1'), /alias "x" must be a string/);
  assert.throws(() => parseRegistriesConf('[[registry]]\ninsecure = "yes"\nlocation = "a"'), /"insecure" must be true or false/);
});
