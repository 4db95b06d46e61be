import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError } from '../errors/index.js';
import { MEDIA_TYPES, type ImageIndex } from '../oci/types.js';
import { classify, parseImageManifest, selectPlatform } from './manifest.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const index: ImageIndex = {
  schemaVersion: 2,
  manifests: [
    { mediaType: MEDIA_TYPES.ociManifest, digest: d('a'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    { mediaType: MEDIA_TYPES.ociManifest, digest: d('b'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { mediaType: MEDIA_TYPES.ociManifest, digest: d('c'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: MEDIA_TYPES.ociManifest, digest: d('d'), size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
    { mediaType: MEDIA_TYPES.ociManifest, digest: d('e'), size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  ],
};

test('selectPlatform() picks the entry for os/arch, the exact variant first', () => {
  assert.equal(selectPlatform(index, { os: 'linux', architecture: 'amd64' })?.digest, d('c'));
  assert.equal(selectPlatform(index, { os: 'linux', architecture: 'arm', variant: 'v7' })?.digest, d('b'));
  assert.equal(selectPlatform(index, { os: 'linux', architecture: 'arm64' })?.digest, d('e'));
  assert.equal(selectPlatform(index, { os: 'linux', architecture: 's390x' }), undefined);
  assert.equal(selectPlatform(index, { os: 'windows', architecture: 'amd64' }), undefined);
});

test('classify() tells indexes from image manifests and refuses schema 1 and unknown types', () => {
  const idx = Buffer.from(JSON.stringify({ ...index, mediaType: MEDIA_TYPES.dockerManifestList }));
  assert.deepEqual(classify(idx, 'application/json', 'x'), { mediaType: MEDIA_TYPES.dockerManifestList, kind: 'index' });
  const noType = Buffer.from(JSON.stringify({ schemaVersion: 2, config: {}, layers: [] }));
  assert.equal(classify(noType, MEDIA_TYPES.ociManifest, 'x').kind, 'image');
  assert.equal(classify(Buffer.from(JSON.stringify(index)), '', 'x').kind, 'index');
  assert.throws(
    () => classify(Buffer.from('{"schemaVersion":1}'), 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'x'),
    (e) => e instanceof BerthError && e.kind === 'NotImplemented',
  );
  assert.throws(() => classify(Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.cncf.helm.chart"}'), '', 'x'), /unsupported manifest media type/);
  assert.throws(() => classify(Buffer.from('not json'), '', 'x'), /not valid json/);
});

test('parseImageManifest() accepts gzip, zstd and plain layers and refuses other media types', () => {
  const m = (layerType: string) =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        config: { mediaType: MEDIA_TYPES.ociConfig, digest: d('1'), size: 2 },
        layers: [{ mediaType: layerType, digest: d('2'), size: 3 }],
      }),
    );
  for (const t of [MEDIA_TYPES.ociLayer, MEDIA_TYPES.ociLayerGzip, MEDIA_TYPES.ociLayerZstd, MEDIA_TYPES.dockerLayerGzip]) {
    assert.equal(parseImageManifest(m(t), 'x').layers.length, 1);
  }
  assert.throws(() => parseImageManifest(m('application/vnd.oci.image.layer.v1.tar+bzip2'), 'x'), /unsupported layer media type/);
  const badDigest = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { digest: 'sha256:zz', size: 1 }, layers: [] }));
  assert.throws(() => parseImageManifest(badDigest, 'x'), /invalid descriptor/);
});
