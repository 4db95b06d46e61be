import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { parsePublish } from '../spec/parse/publish.js';
import { aardvarkConfig } from './dns.js';
import { resolvePorts } from './ports.js';

test('resolvePorts() keeps -p host ports, picks free ones for 0, and adds -P exposed ports', async () => {
  const asked = [...parsePublish('127.0.0.1::80'), ...parsePublish('53/udp')];
  const out = await resolvePorts(asked, true, ['80/tcp', '443/tcp', '53/udp'], []);
  assert.equal(out.length, 3);
  assert.ok(out.every((p) => p.hostPort > 0));
  assert.equal(out[0]?.hostIp, '127.0.0.1');
  assert.deepEqual(
    out.map((p) => `${p.containerPort}/${p.protocol}`),
    ['80/tcp', '53/udp', '443/tcp'],
  );
});

test('resolvePorts() names a host port that is in use or already published', async () => {
  const srv = net.createServer();
  const port = await new Promise<number>((r) => srv.listen(0, '127.0.0.1', () => r((srv.address() as net.AddressInfo).port)));
  try {
    await assert.rejects(
      resolvePorts(parsePublish(`127.0.0.1:${port}:80`), false, [], []),
      new RegExp(`Bind for 127\\.0\\.0\\.1:${port}/tcp failed: address already in use`),
    );
  } finally {
    srv.close();
  }
  const taken = parsePublish('18777:80');
  await assert.rejects(resolvePorts(parsePublish('18777:81'), false, [], taken), /18777\/tcp failed: port is already allocated/);
});

test('aardvarkConfig() writes the gateway, then one line per container with its names', () => {
  assert.equal(
    aardvarkConfig({ key: 'berth-1', gateway: '10.90.1.1', entries: [{ containerId: 'abc', ip: '10.90.1.2', names: ['web', 'api', 'web'] }] }),
    '10.90.1.1\nabc 10.90.1.2  web,api\n',
  );
});
