import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerthError } from '../errors/index.js';
import { relaySignals, signalNumber } from './signals.js';

describe('signalNumber()', () => {
  it('accepts names with or without SIG, any case, and numbers', () => {
    assert.equal(signalNumber('KILL'), 9);
    assert.equal(signalNumber('SIGTERM'), 15);
    assert.equal(signalNumber('hup'), 1);
    assert.equal(signalNumber('10'), 10);
    assert.equal(signalNumber(2), 2);
  });

  it('rejects unknown signals as InvalidArgument', () => {
    assert.throws(
      () => signalNumber('NOPE'),
      (e: unknown) => e instanceof BerthError && e.kind === 'InvalidArgument',
    );
    assert.throws(() => signalNumber(0), BerthError);
    assert.throws(() => signalNumber(99), BerthError);
  });
});

describe('relaySignals()', () => {
  it('calls the forwarder instead of dying, until stopped', async () => {
    const got: string[] = [];
    const stop = relaySignals(['SIGUSR2'], (s) => got.push(s));
    process.kill(process.pid, 'SIGUSR2');
    await new Promise((r) => setTimeout(r, 50));
    stop();
    assert.deepEqual(got, ['SIGUSR2']);
    assert.equal(process.listenerCount('SIGUSR2'), 0);
  });
});
