import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cleanName, digestOfName } from './archive-files.js';

describe('archive names', () => {
  test('cleanName strips ./ and slashes and clamps .. at the root', () => {
    assert.equal(cleanName('./manifest.json'), 'manifest.json');
    assert.equal(cleanName('/abc//layer.tar'), 'abc/layer.tar');
    assert.equal(cleanName('blobs/sha256/'), 'blobs/sha256');
    assert.equal(cleanName('../../etc/passwd'), 'etc/passwd');
    assert.equal(cleanName('a/../../b'), 'b');
  });

  test('digestOfName recognises only sha256 blob paths', () => {
    const hex = 'a'.repeat(64);
    assert.equal(digestOfName(`blobs/sha256/${hex}`), `sha256:${hex}`);
    assert.equal(digestOfName(`blobs/sha512/${hex}`), undefined);
    assert.equal(digestOfName(`x/blobs/sha256/${hex}`), undefined);
    assert.equal(digestOfName(`${hex}/layer.tar`), undefined);
  });
});
