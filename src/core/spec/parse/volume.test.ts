import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseVolume } from './volume.js';

test('parseVolume() makes an absolute source a bind mount', () => {
  assert.deepEqual(parseVolume('/srv/data:/data'), { type: 'bind', source: '/srv/data', target: '/data', readOnly: false, options: [] });
});

test('parseVolume() resolves a source starting with a dot against cwd', () => {
  assert.deepEqual(parseVolume('./site:/usr/share/html:ro', '/home/me'), {
    type: 'bind',
    source: '/home/me/site',
    target: '/usr/share/html',
    readOnly: true,
    options: [],
  });
  assert.equal(parseVolume('..:/up', '/home/me').source, '/home');
});

test('parseVolume() makes any other source a named volume', () => {
  assert.deepEqual(parseVolume('pgdata:/var/lib/postgresql:nocopy'), {
    type: 'volume',
    source: 'pgdata',
    target: '/var/lib/postgresql',
    readOnly: false,
    options: ['nocopy'],
  });
});

test('parseVolume() makes a lone container path an anonymous volume', () => {
  assert.deepEqual(parseVolume('/cache/'), { type: 'volume', source: '', target: '/cache', readOnly: false, options: [] });
});

test('parseVolume() keeps label and propagation modes for the generator', () => {
  assert.deepEqual(parseVolume('/a:/b:ro,Z,rshared').options, ['Z', 'rshared']);
  assert.equal(parseVolume('/a:/b:rw').readOnly, false);
  assert.deepEqual(parseVolume('/a:/b:cached').options, []);
});

test('parseVolume() rejects bad specifications', () => {
  const cases: Array<[string, string]> = [
    ['/data:rw', 'invalid volume specification: "/data:rw"'],
    ['a:b:c:d', 'invalid volume specification: "a:b:c:d"'],
    [':/data', 'invalid volume specification: ":/data"'],
    ['/a:', 'invalid volume specification: "/a:"'],
    ['/a:/b:ro,rw', 'invalid mode: "ro,rw"'],
    ['/a:/b:fast', 'invalid mode: "fast"'],
    ['/a:/b:z,Z', 'invalid mode: "z,Z"'],
    ['/a:/b:nocopy', 'invalid mode "nocopy" in "/a:/b:nocopy": nocopy applies only to volumes'],
    ['vol:/b:rshared', 'invalid mode "rshared" in "vol:/b:rshared": propagation applies only to bind mounts'],
    ['/a:relative', 'invalid mount path "relative" in "/a:relative": mount path must be absolute'],
    ['data', 'invalid mount path "data" in "data": mount path must be absolute'],
    ['/a:/', 'invalid mount specification "/a:/": destination can\'t be "/"'],
    ['my vol:/b', 'invalid volume name "my vol": only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed; to mount a host directory, use an absolute path'],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseVolume(input, '/'), { kind: 'InvalidArgument', message }, input);
  }
});
