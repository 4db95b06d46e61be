import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerthError } from '../errors/index.js';
import { DetachKeyMatcher, parseDetachKeys } from './detach-keys.js';

describe('parseDetachKeys()', () => {
  it("reads docker's ctrl-<x> and single-character keys", () => {
    assert.deepEqual([...parseDetachKeys('ctrl-p,ctrl-q')], [0x10, 0x11]);
    assert.deepEqual([...parseDetachKeys('a,ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_')], [0x61, 0, 27, 28, 29, 30, 31]);
    assert.equal(parseDetachKeys('').length, 0);
  });

  it('rejects keys docker does not accept', () => {
    assert.throws(
      () => parseDetachKeys('ctrl-1'),
      (e: unknown) => e instanceof BerthError && e.kind === 'InvalidArgument',
    );
    assert.throws(() => parseDetachKeys('ab'), BerthError);
  });
});

describe('DetachKeyMatcher', () => {
  const keys = parseDetachKeys('ctrl-p,ctrl-q');

  it('passes input without the sequence through untouched', () => {
    const m = new DetachKeyMatcher(keys);
    assert.deepEqual(m.feed(Buffer.from('hello')), { forward: Buffer.from('hello'), detach: false });
  });

  it('detaches on the sequence split across chunks, forwarding what came before it', () => {
    const m = new DetachKeyMatcher(keys);
    assert.deepEqual(m.feed(Buffer.from('ls\x10')), { forward: Buffer.from('ls'), detach: false });
    assert.deepEqual(m.feed(Buffer.from('\x11rest')), { forward: Buffer.alloc(0), detach: true });
  });

  it('forwards a held prefix when the next byte does not continue the sequence', () => {
    const m = new DetachKeyMatcher(keys);
    assert.deepEqual(m.feed(Buffer.from('\x10')).forward, Buffer.alloc(0));
    assert.deepEqual(m.feed(Buffer.from('x')), { forward: Buffer.from('\x10x'), detach: false });
    assert.deepEqual(m.feed(Buffer.from('\x10\x10\x11')), { forward: Buffer.from('\x10'), detach: true });
  });

  it('never detaches with an empty sequence', () => {
    const m = new DetachKeyMatcher(Buffer.alloc(0));
    assert.deepEqual(m.feed(Buffer.from('\x10\x11')), { forward: Buffer.from('\x10\x11'), detach: false });
  });
});
