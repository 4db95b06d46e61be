import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ImageConfig } from '../oci/types.js';
import { historyItems } from './image-history.js';

const base: ImageConfig = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: ['sha256:a', 'sha256:b'] } };

describe('historyItems', () => {
  test('a config without history gets one row per layer, the top one with the id and tags', () => {
    const rows = historyItems({ id: 'sha256:1', config: { ...base, created: '2024-05-01T00:00:00Z' }, layerSizes: [10, 20], tags: ['x:1'] });
    assert.deepEqual(rows, [
      { Id: 'sha256:1', Created: 1714521600, CreatedBy: '', Tags: ['x:1'], Size: 20, Comment: '' },
      { Id: '<missing>', Created: 1714521600, CreatedBy: '', Tags: null, Size: 10, Comment: '' },
    ]);
  });

  test('an untagged image has null tags and an unparseable date gives 0', () => {
    const rows = historyItems({ id: 'sha256:1', config: { ...base, history: [{ created: 'garbage' }, { created_by: 'x' }] }, layerSizes: [1, 2], tags: [] });
    assert.equal(rows[0]?.Tags, null);
    assert.equal(rows[1]?.Created, 0);
  });

  test('more non-empty history entries than layers is an error', () => {
    assert.throws(
      () => historyItems({ id: 'sha256:1', config: { ...base, history: [{}, {}, {}] }, layerSizes: [1, 2], tags: [] }),
      /too many non-empty layers/,
    );
  });
});
