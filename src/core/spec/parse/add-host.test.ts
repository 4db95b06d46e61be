import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAddHost } from './add-host.js';

test("parseAddHost() takes docker's host:ip and host=ip forms, IPv6 bare or in brackets, and host-gateway", () => {
  assert.equal(parseAddHost('foo:1.2.3.4'), 'foo:1.2.3.4');
  assert.equal(parseAddHost('my-hostname=8.8.8.8'), 'my-hostname:8.8.8.8');
  assert.equal(parseAddHost('my-hostname=[2001:db8::33]'), 'my-hostname:2001:db8::33');
  assert.equal(parseAddHost('v6:2001:db8::33'), 'v6:2001:db8::33');
  assert.equal(parseAddHost('host.docker.internal:host-gateway'), 'host.docker.internal:host-gateway');
});

test('parseAddHost() refuses a missing host, a missing separator and an address that is not one', () => {
  assert.throws(() => parseAddHost('nohost'), { message: 'invalid argument "nohost" for "--add-host" flag: bad format for add-host: "nohost"' });
  assert.throws(() => parseAddHost(':1.2.3.4'), /bad format for add-host/);
  assert.throws(() => parseAddHost('foo:bar'), { message: 'invalid argument "foo:bar" for "--add-host" flag: invalid IP address in add-host: "bar"' });
});
