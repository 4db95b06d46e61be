import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DOCKER_TABWRITER, tabwrite } from './tabwriter.js';

describe('tabwrite', () => {
  it('pads each column to its widest cell plus three, at least ten', () => {
    assert.equal(tabwrite('ID\tNAME\tX\n1\tweb-server-1\ty\n'), 'ID        NAME           X\n1         web-server-1   y\n');
  });

  it('starts new columns after a line without tabs', () => {
    assert.equal(tabwrite('a\tb\nplain line\nlonger-cell\tc\n'), 'a         b\nplain line\nlonger-cell   c\n');
  });

  it('keeps a final line that has no newline', () => {
    assert.equal(tabwrite('a\tb\nc\td'), 'a         b\nc         d');
  });

  it("measures East Asian wide characters as two columns, as docker's fork does", () => {
    assert.equal(tabwrite('名前\tx\nab\ty\n'), '名前      x\nab        y\n');
  });

  it('does not count combining marks', () => {
    assert.equal(tabwrite('e\u0301\tx\nab\ty\n'), 'e\u0301         x\nab        y\n');
  });

  it('can align right', () => {
    assert.equal(tabwrite('a\tb\nccc\td\n', { ...DOCKER_TABWRITER, minWidth: 0, padding: 1, alignRight: true }), '   ab\n cccd\n');
  });
});
