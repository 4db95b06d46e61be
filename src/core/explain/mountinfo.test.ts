import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optionValue, parseMountinfo } from './mountinfo.js';
import { CONTAINER_MOUNTINFO } from './_fixtures.js';


test('parseMountinfo() decodes every field, optional fields and octal escapes included', () => {
  const m = parseMountinfo(CONTAINER_MOUNTINFO);
  assert.equal(m.length, 9);
  const root = m[0];
  assert.equal(root?.fsType, 'overlay');
  assert.equal(root?.target, '/');
  assert.equal(optionValue(root?.superOptions ?? [], 'lowerdir'), 'IUOBSF2YY6A7WDTHQTJ4FBUX37:ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  assert.equal(optionValue(root?.superOptions ?? [], 'upperdir'), '/var/lib/berth/containers/fc43/upper');
  const data = m.find((x) => x.target === '/data');
  assert.equal(data?.root, '/srv/my data');
  assert.equal(data?.fsType, 'ext4');
  assert.equal(data?.source, '/dev/vda');
  const cg = m.find((x) => x.fsType === 'cgroup');
  assert.deepEqual(cg?.superOptions, ['rw', 'memory']);
  assert.deepEqual(m.find((x) => x.target === '/proc/sys')?.options.slice(0, 1), ['ro']);
});
