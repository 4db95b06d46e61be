import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cniConfList, portMappings } from './cni-config.js';
import type { NetworkRecord } from './network-record.js';

const net: NetworkRecord = {
  id: 'f'.repeat(64),
  name: 'app',
  driver: 'bridge',
  bridge: 'berth-ffffffff',
  subnet: '10.90.7.0/24',
  gateway: '10.90.7.1',
  internal: false,
  labels: {},
  created: '',
  dns: true,
};

test('cniConfList() is bridge alone, plus portmap only when ports are published; NAT is not per container', () => {
  const plain = cniConfList(net, { ports: false });
  assert.equal(plain.name, 'berth-ffffffff');
  assert.deepEqual(
    plain.plugins.map((p) => p.type),
    ['bridge'],
  );
  assert.deepEqual(
    cniConfList(net, { ports: true }).plugins.map((p) => p.type),
    ['bridge', 'portmap'],
  );
  const bridge = plain.plugins[0] as Record<string, unknown>;
  assert.equal(bridge['ipMasq'], false, 'one MASQUERADE per network, installed by host-rules');
  assert.deepEqual((bridge['ipam'] as { routes: unknown[] }).routes, [{ dst: '0.0.0.0/0' }]);
});

test('an internal network gets no NAT and no default route', () => {
  const bridge = cniConfList({ ...net, internal: true }, { ports: false }).plugins[0] as Record<string, unknown>;
  assert.equal(bridge['ipMasq'], false);
  assert.deepEqual((bridge['ipam'] as { routes: unknown[] }).routes, []);
});

test('portMappings() passes a host IP only when one was given', () => {
  assert.deepEqual(
    portMappings([
      { hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      { hostIp: '127.0.0.1', hostPort: 5353, containerPort: 53, protocol: 'udp' },
    ]),
    [
      { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      { hostPort: 5353, containerPort: 53, protocol: 'udp', hostIP: '127.0.0.1' },
    ],
  );
});

test('rootless: leases in the user run dir, and published ports matched on any address of the user network namespace', () => {
  const bridge = cniConfList(net, { ports: true, ipamDir: '/tmp/berth-1000/ipam' }).plugins[0] as Record<string, unknown>;
  assert.equal((bridge['ipam'] as { dataDir: string }).dataDir, '/tmp/berth-1000/ipam');
  const rootBridge = cniConfList(net, { ports: false }).plugins[0] as Record<string, unknown>;
  assert.equal((rootBridge['ipam'] as { dataDir: string }).dataDir, '/run/berth-ipam');
  // slirp4netns binds 127.0.0.1 on the host; the connection arrives on its tap address
  assert.deepEqual(portMappings([{ hostIp: '127.0.0.1', hostPort: 5353, containerPort: 53, protocol: 'udp' }], { anyAddress: true }), [
    { hostPort: 5353, containerPort: 53, protocol: 'udp' },
  ]);
});
