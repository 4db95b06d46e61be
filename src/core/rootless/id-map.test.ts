import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keepIdMapping, mapArgs, mappedCount, parseProcIdMap, parseSubIds, rootlessMapping, toContainerId, toHostId } from './id-map.js';

const SUBUID = `# comment
alice:100000:65536
bob:165536:65536
1002:231072:65536
broken line
carol:x:5
alice:300000:10
`;

test('parseSubIds finds a user by login name and by uid, in file order, skipping malformed lines', () => {
  assert.deepEqual(parseSubIds(SUBUID, 'alice', 1000), [
    { start: 100000, count: 65536 },
    { start: 300000, count: 10 },
  ]);
  assert.deepEqual(parseSubIds(SUBUID, 'dave', 1002), [{ start: 231072, count: 65536 }]);
  assert.deepEqual(parseSubIds(SUBUID, 'carol', 1003), []);
  assert.deepEqual(parseSubIds('', 'alice', 1000), []);
});

test('rootlessMapping maps 0 to the user and 1..65536 to the subordinate range', () => {
  const map = rootlessMapping(1000, [{ start: 100000, count: 65536 }]);
  assert.deepEqual(map, [
    { containerId: 0, hostId: 1000, size: 1 },
    { containerId: 1, hostId: 100000, size: 65536 },
  ]);
  assert.equal(mappedCount(map), 65537);
  assert.deepEqual(mapArgs(map), ['0', '1000', '1', '1', '100000', '65536']);
});

test('rootlessMapping takes 65536 ids over several ranges, and no more', () => {
  const map = rootlessMapping(1000, [
    { start: 100000, count: 1000 },
    { start: 500000, count: 100000 },
  ]);
  assert.deepEqual(map, [
    { containerId: 0, hostId: 1000, size: 1 },
    { containerId: 1, hostId: 100000, size: 1000 },
    { containerId: 1001, hostId: 500000, size: 64536 },
  ]);
  assert.equal(mappedCount(map), 65537);
});

test('rootlessMapping leaves the user own id out of a range that contains it', () => {
  const map = rootlessMapping(100005, [{ start: 100000, count: 10 }]);
  assert.deepEqual(map, [
    { containerId: 0, hostId: 100005, size: 1 },
    { containerId: 1, hostId: 100000, size: 5 },
    { containerId: 6, hostId: 100006, size: 4 },
  ]);
});

test('rootlessMapping without a range is the single-id fallback', () => {
  assert.deepEqual(rootlessMapping(1000, []), [{ containerId: 0, hostId: 1000, size: 1 }]);
});

test('toHostId and toContainerId translate through a mapping and are each other inverse', () => {
  const map = rootlessMapping(1000, [{ start: 100000, count: 65536 }]);
  assert.equal(toHostId(0, map), 1000);
  assert.equal(toHostId(1, map), 100000);
  assert.equal(toHostId(33, map), 100032); // www-data of a Debian image
  assert.equal(toHostId(65536, map), 165535);
  assert.equal(toHostId(65537, map), undefined);
  assert.equal(toContainerId(1000, map), 0);
  assert.equal(toContainerId(100032, map), 33);
  assert.equal(toContainerId(165536, map), undefined);
  assert.equal(toContainerId(0, map), undefined); // the host's root is not in the namespace
  for (const id of [0, 1, 2, 999, 65535, 65536]) assert.equal(toContainerId(toHostId(id, map) as number, map), id);
});

test('keepIdMapping keeps the user own id inside and everything else mapped once', () => {
  const map = keepIdMapping(1000, 65537);
  assert.deepEqual(map, [
    { containerId: 0, hostId: 1, size: 1000 },
    { containerId: 1000, hostId: 0, size: 1 },
    { containerId: 1001, hostId: 1001, size: 64536 },
  ]);
  assert.equal(mappedCount(map), 65537);
  // through the rootless namespace: container uid 1000 is the user on the host, 0 a subordinate id
  const outer = rootlessMapping(1000, [{ start: 100000, count: 65536 }]);
  assert.equal(toHostId(toHostId(1000, map) as number, outer), 1000);
  assert.equal(toHostId(toHostId(0, map) as number, outer), 100000);
  // every intermediate id is used exactly once
  const seen = new Set<number>();
  for (const m of map) for (let i = 0; i < m.size; i++) seen.add(m.hostId + i);
  assert.equal(seen.size, 65537);
});

test('keepIdMapping for a uid beyond the namespace maps what fits and the uid itself', () => {
  assert.deepEqual(keepIdMapping(200000, 65537), [
    { containerId: 0, hostId: 1, size: 65536 },
    { containerId: 200000, hostId: 0, size: 1 },
  ]);
  assert.deepEqual(keepIdMapping(0, 65537), [{ containerId: 0, hostId: 0, size: 65537 }]);
});

test('parseProcIdMap reads /proc/PID/uid_map', () => {
  assert.deepEqual(parseProcIdMap('         0       1001          1\n         1     100000      65536\n'), [
    { containerId: 0, hostId: 1001, size: 1 },
    { containerId: 1, hostId: 100000, size: 65536 },
  ]);
});
