import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextPage } from './tags.js';

test('the next page of a tag list comes from the Link header, rel="next" only', () => {
  assert.equal(nextPage('</v2/app/tags/list?last=b&n=2>; rel="next"'), '/v2/app/tags/list?last=b&n=2');
  assert.equal(nextPage(['</v2/app/tags/list?last=c&n=2>; rel=next']), '/v2/app/tags/list?last=c&n=2');
  assert.equal(nextPage('</v2/app/tags/list?last=b>; rel="prev"'), undefined);
  assert.equal(nextPage(undefined), undefined);
  assert.equal(nextPage(''), undefined);
});
