import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contains, firstHost, formatIPv4, formatSubnet, isUsableHost, nextFreeSubnet, overlaps, parseIPv4, parseSubnet } from './subnet.js';

test('parseSubnet() reads IPv4 CIDRs and refuses host bits, IPv6 and tiny nets', () => {
  assert.equal(formatSubnet(parseSubnet('10.90.0.0/24')), '10.90.0.0/24');
  assert.equal(formatSubnet(parseSubnet('0.0.0.0/0')), '0.0.0.0/0');
  assert.throws(() => parseSubnet('10.90.0.1/24'), /host bits are set \(did you mean 10\.90\.0\.0\/24\?\)/);
  assert.throws(() => parseSubnet('fd00::/64'), /only IPv4/);
  assert.throws(() => parseSubnet('10.0.0.0/33'), /only IPv4/);
  assert.throws(() => parseSubnet('10.0.0.0/31'), /too small/);
  assert.throws(() => parseSubnet('300.0.0.0/8'), /invalid subnet/);
});

test('overlaps() is true exactly when one range holds the other', () => {
  const a = parseSubnet('10.90.0.0/16');
  assert.ok(overlaps(a, parseSubnet('10.90.3.0/24')));
  assert.ok(overlaps(parseSubnet('10.90.3.0/24'), a));
  assert.ok(!overlaps(parseSubnet('10.90.0.0/24'), parseSubnet('10.90.1.0/24')));
  assert.ok(overlaps(parseSubnet('0.0.0.0/0'), parseSubnet('192.168.1.0/24')));
});

test('host helpers skip the network and broadcast addresses', () => {
  const s = parseSubnet('192.168.5.0/24');
  assert.equal(formatIPv4(firstHost(s)), '192.168.5.1');
  assert.ok(isUsableHost(s, parseIPv4('192.168.5.254') ?? 0));
  assert.ok(!isUsableHost(s, parseIPv4('192.168.5.255') ?? 0));
  assert.ok(!isUsableHost(s, parseIPv4('192.168.5.0') ?? 0));
  assert.ok(!contains(s, parseIPv4('192.168.6.1') ?? 0));
  assert.equal(parseIPv4('1.2.3'), undefined);
});

test('nextFreeSubnet() walks the pool past taken ranges', () => {
  const pool = parseSubnet('10.90.0.0/16');
  assert.equal(formatSubnet(nextFreeSubnet(pool, [parseSubnet('10.90.0.0/24')]) ?? pool), '10.90.1.0/24');
  const taken = [parseSubnet('10.90.1.0/24'), parseSubnet('10.90.2.0/23')];
  assert.equal(formatSubnet(nextFreeSubnet(pool, taken) ?? pool), '10.90.4.0/24');
  assert.equal(nextFreeSubnet(pool, [parseSubnet('10.0.0.0/8')]), undefined);
});
