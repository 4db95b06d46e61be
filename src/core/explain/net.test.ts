import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexToIpv4, hexToIpv6, networkFromProc, parseFibTrieLocal } from './net.js';

const DEV_HEADER = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
`;

const LO_TRIE = `Main:
  +-- 127.0.0.0/8 2 0 2
     +-- 127.0.0.0/31 1 0 0
        |-- 127.0.0.0
           /8 host LOCAL
        |-- 127.0.0.1
           /32 host LOCAL
     |-- 127.255.255.255
        /32 link BROADCAST
Local:
  +-- 127.0.0.0/8 2 0 2
     +-- 127.0.0.0/31 1 0 0
        |-- 127.0.0.1
           /32 host LOCAL
`;

test("hexToIpv4() and hexToIpv6() decode /proc's address formats", () => {
  assert.equal(hexToIpv4('010200C0'), '192.0.2.1');
  assert.equal(hexToIpv4('00000000'), '0.0.0.0');
  assert.equal(hexToIpv6('00000000000000000000000000000001'), '::1');
  assert.equal(hexToIpv6('fd000000000000000000000000000002'), 'fd00::2');
  assert.equal(hexToIpv6('fe8000000000000000fc00fffe000001'), 'fe80::fc:ff:fe00:1');
  assert.equal(hexToIpv6('20010db8000100020003000400050006'), '2001:db8:1:2:3:4:5:6');
});

test('parseFibTrieLocal() lists the local addresses once', () => {
  assert.deepEqual(parseFibTrieLocal(LO_TRIE), ['127.0.0.1']);
});

test('networkFromProc() of --network none: only lo, with its addresses and no routes', () => {
  const n = networkFromProc({
    dev: `${DEV_HEADER}    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n`,
    route: 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n',
    fibTrie: LO_TRIE,
    ifInet6: '00000000000000000000000000000001 01 80 10 80       lo\n',
    ipv6Route:
      '00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo\n',
  });
  assert.deepEqual(n.interfaces, [{ name: 'lo', rxBytes: 0, txBytes: 0, addresses: ['127.0.0.1/8', '::1/128'] }]);
  assert.deepEqual(n.routes, []);
});

test('networkFromProc() of a bridged namespace: eth0 address from its connected route, default gateway', () => {
  const n = networkFromProc({
    dev: `${DEV_HEADER}    lo: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n  eth0: 1500 10 0 0 0 0 0 0 700 5 0 0 0 0 0 0\n`,
    route: `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
`,
    fibTrie: `${LO_TRIE}     +-- 192.0.2.0/24 2 0 2
        |-- 192.0.2.2
           /32 host LOCAL
`,
    ifInet6: '',
    ipv6Route: '',
  });
  assert.deepEqual(
    n.interfaces.find((i) => i.name === 'eth0'),
    { name: 'eth0', rxBytes: 1500, txBytes: 700, addresses: ['192.0.2.2/24'] },
  );
  assert.deepEqual(n.routes, [
    { destination: 'default', gateway: '192.0.2.1', iface: 'eth0' },
    { destination: '192.0.2.0/24', gateway: null, iface: 'eth0' },
  ]);
});
