import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFloat } from './go-float.js';

describe('formatFloat', () => {
  it('prints the shortest %g with an exponent from 1e+06 on, like Go', () => {
    assert.deepEqual(
      [1e6, 999999, 123456789, 0.0001, 0.00001, 0].map((x) => formatFloat(x, 'g', -1)),
      ['1e+06', '999999', '1.23456789e+08', '0.0001', '1e-05', '0'],
    );
  });

  it('rounds exact ties to even, unlike toFixed', () => {
    assert.deepEqual(
      [0.5, 1.5, 2.5, 0.125].map((x) => formatFloat(x, 'f', x === 0.125 ? 2 : 0)),
      ['0', '2', '2', '0.12'],
    );
  });

  it('drops trailing zeros for %.Ng and keeps them for %e and %f', () => {
    assert.equal(formatFloat(1.5, 'g', 4), '1.5');
    assert.equal(formatFloat(1.5, 'e', 3), '1.500e+00');
    assert.equal(formatFloat(1.5, 'f', 3), '1.500');
  });

  it('prints signs, infinities and NaN as strconv does', () => {
    assert.deepEqual(
      [-0, -2.5, Infinity, -Infinity, NaN].map((x) => formatFloat(x, 'g', -1)),
      ['-0', '-2.5', '+Inf', '-Inf', 'NaN'],
    );
  });

  it('handles subnormal and huge values exactly', () => {
    assert.equal(formatFloat(5e-324, 'g', -1), '5e-324');
    assert.equal(formatFloat(1.7976931348623157e308, 'e', 3), '1.798e+308');
  });
});
