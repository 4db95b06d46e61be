import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerthError } from '../../errors/index.js';
import { goJson } from './go-json.js';
import { goStruct } from './go-values.js';

describe('goJson', () => {
  it('writes compact JSON and leaves <, > and & alone by default, like docker', () => {
    assert.equal(goJson({ cmd: ['a>b', '<c>', 'x&y'], n: 1.5, ok: true, none: null }), '{"cmd":["a>b","<c>","x&y"],"n":1.5,"ok":true,"none":null}');
  });

  it('escapes <, > and & as Go encoding/json does by default when asked', () => {
    assert.equal(goJson('<a>&', { escapeHTML: true }), '"\\u003ca\\u003e\\u0026"');
  });

  it('escapes control characters and the JavaScript line separators', () => {
    assert.equal(goJson('\u0000\u001f\n\t\b\f\u2028\u2029é🐳'), '"\\u0000\\u001f\\n\\t\\b\\f\\u2028\\u2029é🐳"');
  });

  it('sorts Map keys, keeps object order and skips undefined and functions with arguments', () => {
    const m = new Map<string, number>([
      ['b', 1],
      ['a', 2],
    ]);
    const obj = { z: 1, a: undefined, f: (x: number) => x, Computed: () => 'yes', m };
    assert.equal(goJson(obj), '{"z":1,"Computed":"yes","m":{"a":2,"b":1}}');
  });

  it('encodes structs, dates and bigints', () => {
    assert.equal(goJson(goStruct({ B: 1, A: 2 }, 'T')), '{"B":1,"A":2}');
    assert.equal(goJson(new Date(Date.UTC(2020, 1, 3, 4, 5, 6, 7))), '"2020-02-03T04:05:06.007Z"');
    assert.equal(goJson(2n ** 70n), '1180591620717411303424');
  });

  it('uses the same exponent cut-offs as Go for floats', () => {
    assert.equal(goJson([1e21, 1e20, 1e-7, 0.000001, -0]), '[1e+21,100000000000000000000,1e-7,0.000001,-0]');
  });

  it('rejects NaN and infinities as Go does', () => {
    assert.throws(
      () => goJson(NaN),
      (e: unknown) => e instanceof BerthError && e.message === 'json: unsupported value: NaN',
    );
    assert.throws(() => goJson(-Infinity), /unsupported value: -Inf/);
  });
});
