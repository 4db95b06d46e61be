import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignRows, COLOUR, PLAIN, styleFor, visibleLength } from './style.js';

test('alignRows() aligns columns by visible width, colour codes ignored', () => {
  const out = alignRows(
    [
      [COLOUR.isolated('pid'), '1'],
      ['network', '22'],
    ],
    '  ',
  );
  const lines = out.split('\n');
  assert.equal(visibleLength(lines[0] ?? ''), '  pid      1'.length);
  assert.equal(lines[1], '  network  22');
});

test('styleFor() colours only a TTY without NO_COLOR', () => {
  assert.equal(styleFor({ isTTY: true }, {}), COLOUR);
  assert.equal(styleFor({ isTTY: true }, { NO_COLOR: '1' }), PLAIN);
  assert.equal(styleFor({ isTTY: false }, {}), PLAIN);
});
