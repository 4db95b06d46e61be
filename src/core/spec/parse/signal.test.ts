import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSignal, signalName } from './signal.js';

test('parseSignal() reads names with or without SIG in any case, and numbers', () => {
  assert.equal(parseSignal('SIGTERM'), 15);
  assert.equal(parseSignal('TERM'), 15);
  assert.equal(parseSignal('kill'), 9);
  assert.equal(parseSignal('15'), 15);
  assert.equal(parseSignal('SIGWINCH'), 28);
  assert.equal(parseSignal('64'), 64);
});

test('parseSignal() reads real-time signals relative to RTMIN and RTMAX', () => {
  assert.equal(parseSignal('RTMIN'), 34);
  assert.equal(parseSignal('SIGRTMIN+3'), 37);
  assert.equal(parseSignal('RTMAX-1'), 63);
});

test('parseSignal() rejects unknown names and numbers out of range', () => {
  for (const bad of ['0', '65', 'SIGFOO', '', 'RTMIN+40', '-1']) {
    assert.throws(() => parseSignal(bad), { kind: 'InvalidArgument', message: `invalid signal: "${bad}"` }, bad);
  }
});

test('signalName() gives the usual name of a number', () => {
  assert.equal(signalName(15), 'SIGTERM');
  assert.equal(signalName(6), 'SIGABRT');
  assert.equal(signalName(17), 'SIGCHLD');
  assert.equal(signalName(36), 'SIGRTMIN+2');
  assert.equal(signalName(99), '99');
});
