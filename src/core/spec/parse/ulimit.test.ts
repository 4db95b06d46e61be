import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseUlimit } from './ulimit.js';

test('parseUlimit() reads soft and hard limits', () => {
  assert.deepEqual(parseUlimit('nofile=1024:2048'), { name: 'nofile', soft: 1024, hard: 2048 });
});

test('parseUlimit() uses the soft limit as hard limit when only one is given', () => {
  assert.deepEqual(parseUlimit('nproc=512'), { name: 'nproc', soft: 512, hard: 512 });
});

test('parseUlimit() accepts -1 as unlimited', () => {
  assert.deepEqual(parseUlimit('core=-1'), { name: 'core', soft: -1, hard: -1 });
  assert.deepEqual(parseUlimit('core=100:-1'), { name: 'core', soft: 100, hard: -1 });
});

test('parseUlimit() rejects each malformed value with its own message', () => {
  const cases: Array<[string, string]> = [
    ['nofile', 'invalid ulimit argument: "nofile"'],
    ['files=10', 'invalid ulimit type: "files"'],
    ['nofile=1:2:3', 'too many limit value arguments in "nofile=1:2:3": only soft[:hard] is allowed'],
    ['nofile=abc', 'invalid ulimit value "abc" in "nofile=abc"'],
    ['nofile=-5', 'invalid ulimit value "-5" in "nofile=-5"'],
    ['nofile=2048:1024', 'ulimit soft limit must be less than or equal to hard limit: 2048 > 1024'],
    ['nofile=-1:1024', 'ulimit soft limit must be less than or equal to hard limit: unlimited > 1024'],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseUlimit(input), { kind: 'InvalidArgument', message }, input);
  }
});
