import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRestart } from './restart.js';

test('parseRestart() reads every policy name', () => {
  for (const name of ['no', 'always', 'unless-stopped', 'on-failure'] as const) {
    assert.deepEqual(parseRestart(name), { name, maximumRetryCount: 0 });
  }
});

test('parseRestart() reads the retry count of on-failure', () => {
  assert.deepEqual(parseRestart('on-failure:3'), { name: 'on-failure', maximumRetryCount: 3 });
});

test('parseRestart() rejects bad policies', () => {
  const cases: Array<[string, string]> = [
    ['sometimes', 'invalid restart policy: "sometimes"'],
    ['always:3', 'maximum retry count cannot be used with restart policy "always"'],
    ['on-failure:x', 'invalid restart policy format: maximum retry count must be an integer: "on-failure:x"'],
    ['on-failure:-1', 'invalid restart policy: maximum retry count cannot be negative: "on-failure:-1"'],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseRestart(input), { kind: 'InvalidArgument', message }, input);
  }
});
