import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerInfo } from '../snapshots/layer-store.js';
import { layerCreators, layerViews } from './rootfs-layers.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const KNOWN: LayerInfo[] = [
  { chainId: A, diffId: `sha256:${'1'.repeat(64)}`, parent: null, link: 'BASELINK', size: 4000, created: '' },
  { chainId: B, diffId: `sha256:${'2'.repeat(64)}`, parent: A, link: 'TOPLINK', size: 20, created: '' },
];
const IMAGE = {
  chainIds: [A, B],
  layerDigests: ['sha256:blob-a', 'sha256:blob-b'],
  history: [{ created_by: 'ADD rootfs.tar /' }, { created_by: 'ENV X=1', empty_layer: true }, { created_by: 'RUN echo hi > /hi' }],
};

test('layerCreators() skips empty layers', () => {
  assert.deepEqual(layerCreators(IMAGE.history, 2), ['ADD rootfs.tar /', 'RUN echo hi > /hi']);
  assert.deepEqual(layerCreators([], 1), [null]);
});

test('layerViews() maps lowerdir link names (top first) back to layers, bottom first', () => {
  const v = layerViews('TOPLINK:BASELINK', IMAGE, KNOWN);
  assert.deepEqual(
    v.map((l) => [l.index, l.chainId, l.digest, l.size, l.createdBy, l.lowerDir]),
    [
      [0, A, 'sha256:blob-a', 4000, 'ADD rootfs.tar /', 'BASELINK'],
      [1, B, 'sha256:blob-b', 20, 'RUN echo hi > /hi', 'TOPLINK'],
    ],
  );
});

test('layerViews() understands absolute layer paths and unknown dirs', () => {
  const v = layerViews(`/var/lib/berth/layers/${'b'.repeat(64)}/diff:/somewhere/else`, IMAGE, KNOWN);
  assert.equal(v[0]?.chainId, '');
  assert.equal(v[0]?.index, -1);
  assert.equal(v[1]?.chainId, B);
  assert.equal(v[1]?.index, 1);
});

test("layerViews() without a mount lists the record's layers; a removed image leaves no digests", () => {
  const v = layerViews(null, { chainIds: [A, B], layerDigests: [], history: [] }, KNOWN);
  assert.deepEqual(
    v.map((l) => [l.lowerDir, l.digest, l.diffId]),
    [
      ['BASELINK', null, KNOWN[0]?.diffId],
      ['TOPLINK', null, KNOWN[1]?.diffId],
    ],
  );
});
