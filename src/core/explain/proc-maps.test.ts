import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedLibraries } from './proc-maps.js';

const MAPS = `55d4a6a00000-55d4a6a05000 r--p 00000000 fe:00 1312 /usr/bin/conmon
55d4a6a05000-55d4a6a10000 r-xp 00005000 fe:00 1312 /usr/bin/conmon
55d4a7b2e000-55d4a7b4f000 rw-p 00000000 00:00 0 [heap]
7f1c2a000000-7f1c2a028000 r--p 00000000 fe:00 4088 /usr/lib/x86_64-linux-gnu/libc.so.6
7f1c2a028000-7f1c2a1bd000 r-xp 00028000 fe:00 4088 /usr/lib/x86_64-linux-gnu/libc.so.6
7f1c2a300000-7f1c2a310000 r--p 00000000 fe:00 5001 /usr/lib/x86_64-linux-gnu/libglib-2.0.so.0.7400.6
7f1c2a400000-7f1c2a401000 r--p 00000000 fe:00 5002 /usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache
7f1c2a500000-7f1c2a501000 r--p 00000000 fe:00 5003 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
7f1c2a600000-7f1c2a601000 r--p 00000000 fe:00 5004 /opt/my libs/libfoo.so (deleted)
7ffd1c1f0000-7ffd1c211000 rw-p 00000000 00:00 0 [stack]
`;

test('sharedLibraries() lists each mapped library once, loader included, without the executable', () => {
  assert.deepEqual(sharedLibraries(MAPS, '/usr/bin/conmon'), [
    '/usr/lib/x86_64-linux-gnu/libc.so.6',
    '/usr/lib/x86_64-linux-gnu/libglib-2.0.so.0.7400.6',
    '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
    '/opt/my libs/libfoo.so',
  ]);
});

test('sharedLibraries() of a static binary is empty', () => {
  assert.deepEqual(sharedLibraries('00400000-004c0000 r-xp 00000000 00:2f 12 /bin/busybox\n', '/bin/busybox'), []);
});
