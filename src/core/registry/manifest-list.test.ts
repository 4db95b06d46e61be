import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MEDIA_TYPES } from '../oci/types.js';
import { annotateList, indexDocument, readList, removeList } from './manifest-list.js';

const entry = (mediaType: string, arch: string) => ({
  ref: `example.com/app:${arch}`,
  mediaType,
  digest: `sha256:${arch.padEnd(64, '0')}`,
  size: 10,
  platform: { os: 'linux', architecture: arch },
});

test('the index is a docker manifest list when every entry is a docker manifest, else an OCI index', () => {
  const docker = indexDocument({
    ref: 'example.com/app:multi',
    manifests: [entry(MEDIA_TYPES.dockerManifest, 'amd64'), entry(MEDIA_TYPES.dockerManifest, 'arm64')],
  });
  assert.equal(docker.mediaType, MEDIA_TYPES.dockerManifestList);
  const doc = JSON.parse(docker.bytes.toString('utf8')) as { schemaVersion: number; manifests: Array<{ platform: { architecture: string } }> };
  assert.equal(doc.schemaVersion, 2);
  assert.deepEqual(
    doc.manifests.map((m) => m.platform.architecture),
    ['amd64', 'arm64'],
  );
  assert.equal(
    indexDocument({ ref: 'example.com/app:multi', manifests: [entry(MEDIA_TYPES.dockerManifest, 'amd64'), entry(MEDIA_TYPES.ociManifest, 'arm64')] }).mediaType,
    MEDIA_TYPES.ociIndex,
  );
});

test('annotate changes one entry of a stored list; unknown lists and entries are refused; rm removes', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlist-'));
  try {
    fs.mkdirSync(path.join(root, 'manifests'));
    fs.writeFileSync(
      path.join(root, 'manifests', 'example.com_app_multi.json'),
      JSON.stringify({ ref: 'example.com/app:multi', manifests: [entry(MEDIA_TYPES.ociManifest, 'arm64')] }),
    );
    annotateList(root, 'example.com/app:multi', 'example.com/app:arm64', { variant: 'v8', osFeatures: ['f1'] });
    assert.deepEqual(readList(root, 'example.com/app:multi')?.manifests[0]?.platform, {
      os: 'linux',
      architecture: 'arm64',
      variant: 'v8',
      'os.features': ['f1'],
    });
    assert.throws(() => annotateList(root, 'example.com/app:multi', 'example.com/app:s390x', { arch: 's390x' }), /does not exist in/);
    assert.throws(() => annotateList(root, 'example.com/app:other', 'example.com/app:arm64', {}), /No such manifest list/);
    removeList(root, 'example.com/app:multi');
    assert.equal(readList(root, 'example.com/app:multi'), undefined);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
