import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMount } from './mount.js';

test('parseMount() reads a read-only bind mount with long keys', () => {
  assert.deepEqual(parseMount('type=bind,source=/srv,target=/data,readonly'), {
    type: 'bind',
    source: '/srv',
    target: '/data',
    readOnly: true,
    options: [],
  });
});

test('parseMount() accepts the short key names and boolean values', () => {
  assert.deepEqual(parseMount('type=bind,src=/srv,dst=/data,ro=false,bind-propagation=rslave,bind-nonrecursive'), {
    type: 'bind',
    source: '/srv',
    target: '/data',
    readOnly: false,
    options: ['rslave', 'nonrecursive'],
  });
  assert.equal(parseMount('type=bind,src=/a,destination=/b,ro=1').readOnly, true);
});

test('parseMount() defaults to a volume and allows anonymous ones', () => {
  assert.deepEqual(parseMount('target=/cache'), { type: 'volume', source: '', target: '/cache', readOnly: false, options: [] });
  assert.deepEqual(parseMount('type=volume,src=db,target=/var/lib/db,volume-nocopy,volume-driver=local'), {
    type: 'volume',
    source: 'db',
    target: '/var/lib/db',
    readOnly: false,
    options: ['nocopy'],
  });
});

test('parseMount() turns tmpfs size and mode into mount options', () => {
  assert.deepEqual(parseMount('type=tmpfs,target=/run,tmpfs-size=64m,tmpfs-mode=1777'), {
    type: 'tmpfs',
    source: '',
    target: '/run',
    readOnly: false,
    options: ['size=67108864', 'mode=1777'],
  });
});

test('parseMount() reads quoted fields that contain commas', () => {
  assert.equal(parseMount('type=bind,"source=/a,b",target=/c').source, '/a,b');
});

test('parseMount() rejects bad specifications', () => {
  const cases: Array<[string, string]> = [
    ['type=bind,source', 'invalid field "source" must be a key=value pair'],
    ['type=bind,src=/a,target=/b,foo=bar', 'unexpected key "foo" in "foo=bar"'],
    ['type=nfs,target=/b', 'invalid mount config for type "nfs": mount type unknown'],
    ['type=bind,src=/a', 'invalid argument "type=bind,src=/a" for "--mount" flag: target is required'],
    ['type=bind,target=/b', 'invalid mount config for type "bind": field source must not be empty'],
    ['type=bind,src=rel,target=/b', 'invalid mount config for type "bind": invalid mount path "rel": mount path must be absolute'],
    ['type=tmpfs,src=x,target=/b', 'invalid mount config for type "tmpfs": field source must not be specified'],
    ['type=bind,src=/a,target=/b,volume-nocopy', 'cannot mix "volume-*" options with mount type "bind"'],
    ['type=volume,target=/b,tmpfs-size=1m', 'cannot mix "tmpfs-*" options with mount type "volume"'],
    ['type=tmpfs,target=/b,bind-propagation=shared', 'cannot mix "bind-*" options with mount type "tmpfs"'],
    ['type=bind,src=/a,target=/b,bind-propagation=sideways', 'invalid value for bind-propagation: "sideways"'],
    ['type=bind,src=/a,target=/b,readonly=maybe', 'invalid value for readonly: "maybe"'],
    ['type=tmpfs,target=/b,tmpfs-mode=999', 'invalid value for tmpfs-mode: "999"'],
    ['type=tmpfs,target=/b,tmpfs-size=big', `invalid argument "big" for "tmpfs-size" flag: invalid size: 'big'`],
    ['type=volume,target=/b,volume-driver=nfs', 'volume driver "nfs" is not supported: only "local" is'],
    ['type=bind,src=/a,target=b', 'invalid mount path "b" in "type=bind,src=/a,target=b": mount path must be absolute'],
    ['type=bind,"src=/a,target=/b', 'unterminated quote in "type=bind,"src=/a,target=/b"'],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseMount(input), { kind: 'InvalidArgument', message }, input);
  }
});

test('--mount volume-opt and volume-label are kept for the volume the container creates', () => {
  const m = parseMount('type=volume,src=vol1,dst=/x,volume-opt=type=tmpfs,volume-opt=o=size=1m,volume-label=team=a');
  assert.deepEqual(m.options, ['volume-opt:type=tmpfs', 'volume-opt:o=size=1m', 'volume-label:team=a']);
  assert.throws(() => parseMount('type=volume,dst=/x,volume-opt=bad'), /expected KEY=VALUE/);
  assert.throws(() => parseMount('type=bind,src=/a,dst=/x,volume-opt=type=tmpfs'), /cannot mix "volume-\*" options with mount type "bind"/);
});

test("parseMount() resolves a source of . or ./dir against the caller's directory, as docker's CLI does", () => {
  assert.equal(parseMount('type=bind,src=./rel,dst=/r', '/home/me').source, '/home/me/rel');
  assert.equal(parseMount('type=bind,source=.,target=/r', '/home/me').source, '/home/me');
  assert.throws(() => parseMount('type=bind,src=rel,dst=/r', '/home/me'), /mount path must be absolute/);
});

test('parseMount() takes bind-recursive=enabled|disabled|writable and refuses readonly (no recursive read-only)', () => {
  assert.deepEqual(parseMount('type=bind,src=/s,dst=/d,bind-recursive=disabled').options, ['nonrecursive']);
  assert.deepEqual(parseMount('type=bind,src=/s,dst=/d,bind-recursive=enabled').options, []);
  assert.deepEqual(parseMount('type=bind,src=/s,dst=/d,readonly,bind-recursive=writable').options, []);
  assert.throws(() => parseMount('type=bind,src=/s,dst=/d,bind-recursive=readonly'), /bind-recursive=readonly is not supported/);
  assert.throws(() => parseMount('type=bind,src=/s,dst=/d,bind-recursive=sometimes'), /invalid value for bind-recursive/);
  assert.throws(() => parseMount('type=volume,dst=/d,bind-recursive=disabled'), /cannot mix "bind-\*" options/);
});
