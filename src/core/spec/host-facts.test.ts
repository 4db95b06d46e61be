import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { listHostDevices, parseCapBounding, parseKernelRelease, parseProcLimits, readHostFacts, splitDev, statDevice } from './host-facts.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max processes             96365                96365                processes 
Max open files            1024                 20000                files     
Max nice priority         0                    0                    
`;

test('parseProcLimits() reads hard limits by rlimit name, unlimited as Infinity', () => {
  assert.deepEqual(parseProcLimits(LIMITS), {
    RLIMIT_CPU: Infinity,
    RLIMIT_NPROC: 96365,
    RLIMIT_NOFILE: 20000,
    RLIMIT_NICE: 0,
  });
});

test('parseCapBounding() reads the bounding set mask as names', () => {
  const caps = parseCapBounding('Name:\tx\nCapBnd:\t00000000a80425fb\n');
  assert.equal(caps?.length, 14);
  assert.ok(caps?.includes('CAP_AUDIT_WRITE'));
  assert.equal(parseCapBounding('Name:\tx\n'), undefined);
});

test('parseKernelRelease() keeps major and minor', () => {
  assert.deepEqual(parseKernelRelease('6.18.44-fc-v657'), { major: 6, minor: 18 });
  assert.deepEqual(parseKernelRelease('4.8.0'), { major: 4, minor: 8 });
  assert.equal(parseKernelRelease('weird'), undefined);
});

test('splitDev() splits old and large device numbers the way glibc does', () => {
  assert.deepEqual(splitDev(0x0103n), { major: 1, minor: 3 });
  assert.deepEqual(splitDev((259n << 8n) | 5n), { major: 259, minor: 5 });
  // major 4096, minor 256: both spill into the high bits
  assert.deepEqual(splitDev((1n << 44n) | (1n << 20n)), { major: 4096, minor: 256 });
});

test('statDevice() describes /dev/null and refuses a regular file and a missing path', () => {
  assert.deepEqual(statDevice('/dev/null', '/dev/mynull'), {
    path: '/dev/mynull',
    type: 'c',
    major: 1,
    minor: 3,
    fileMode: fs.statSync('/dev/null').mode & 0o7777,
    uid: 0,
    gid: 0,
  });
  assert.equal(statDevice('/etc/hostname'), undefined);
  assert.equal(statDevice('/dev/definitely-not-here'), undefined);
});

test('listHostDevices() finds the standard nodes and skips /dev/pts', () => {
  const devs = listHostDevices();
  assert.ok(devs.some((d) => d.path === '/dev/null' && d.major === 1 && d.minor === 3));
  assert.ok(!devs.some((d) => d.path.startsWith('/dev/pts/')));
});

test("readHostFacts() reports this host's cgroup version and open-files hard limit", () => {
  const facts = readHostFacts();
  const isV2 = fs.statfsSync('/sys/fs/cgroup').type === 0x63677270;
  assert.equal(facts.cgroupVersion, isV2 ? 2 : 1);
  assert.equal(typeof facts.rlimitHard.RLIMIT_NOFILE, 'number');
  assert.ok(facts.kernelVersion && facts.kernelVersion.major >= 3);
  assert.equal(facts.existingPaths?.('/proc/self'), true);
  assert.equal(facts.existingPaths?.('/proc/definitely-absent'), false);
});
