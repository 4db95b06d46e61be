import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTmpfs } from './tmpfs.js';

test('parseTmpfs() keeps mount options verbatim except ro and rw', () => {
  assert.deepEqual(parseTmpfs('/run:rw,size=64m,mode=1777'), {
    type: 'tmpfs',
    source: '',
    target: '/run',
    readOnly: false,
    options: ['size=64m', 'mode=1777'],
  });
  assert.deepEqual(parseTmpfs('/cache:ro,exec,uid=1000,size=50%'), {
    type: 'tmpfs',
    source: '',
    target: '/cache',
    readOnly: true,
    options: ['exec', 'uid=1000', 'size=50%'],
  });
});

test('parseTmpfs() takes a target alone', () => {
  assert.deepEqual(parseTmpfs('/tmp'), { type: 'tmpfs', source: '', target: '/tmp', readOnly: false, options: [] });
  assert.deepEqual(parseTmpfs('/tmp:'), { type: 'tmpfs', source: '', target: '/tmp', readOnly: false, options: [] });
});

test('parseTmpfs() rejects unknown or malformed options and relative targets', () => {
  const cases: Array<[string, string]> = [
    ['/run:fast', 'invalid tmpfs option "fast" in "/run:fast"'],
    ['/run:size=lots', 'invalid tmpfs option "size=lots" in "/run:size=lots"'],
    ['/run:mode=999', 'invalid tmpfs option "mode=999" in "/run:mode=999"'],
    ['/run:uid=me', 'invalid tmpfs option "uid=me" in "/run:uid=me"'],
    ['/run:color=red', 'invalid tmpfs option "color=red" in "/run:color=red"'],
    ['run', 'invalid mount path "run" in "run": mount path must be absolute'],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseTmpfs(input), { kind: 'InvalidArgument', message }, input);
  }
});
