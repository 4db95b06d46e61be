import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import { ensureNetworkRules } from './host-rules.js';
import type { NetworkRecord } from './network-record.js';

// A fake iptables first on PATH: it keeps the rules it is given in $FAKE_IPT_STATE, answers -C
// from them, and fails every call that matches $FAKE_IPT_FAIL (an injected failure).
const FAKE = `#!/bin/sh
[ "$1" = -w ] && shift
line="$*"
case "$line" in -t\\ *) ;; *) line="-t filter $line";; esac
if [ -n "$FAKE_IPT_FAIL" ] && printf '%s\\n' "$line" | grep -qE -- "$FAKE_IPT_FAIL"; then echo "iptables: injected failure" >&2; exit 4; fi
key=$(printf '%s\\n' "$line" | sed -E 's/ -(C|A) / R /; s/ -I ([^ ]+) 1 / R \\1 /')
case "$line" in
  *" -C "*) grep -qxF -- "$key" "$FAKE_IPT_STATE" ;;
  *" -A "*|*" -I "*) printf '%s\\n' "$key" >> "$FAKE_IPT_STATE" ;;
  *) exit 0 ;;
esac
`;

let dir: string;
const savedPath = process.env['PATH'];
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-host-rules-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'iptables'), FAKE, { mode: 0o755 });
  process.env['PATH'] = `${path.join(dir, 'bin')}:${savedPath}`;
});
after(() => {
  process.env['PATH'] = savedPath;
  delete process.env['FAKE_IPT_FAIL'];
  delete process.env['FAKE_IPT_STATE'];
  fs.rmSync(dir, { recursive: true, force: true });
});

function net(name: string, internal = false): NetworkRecord {
  return {
    id: name.padEnd(64, '0'),
    name,
    driver: 'bridge',
    bridge: `bt-${name}`,
    subnet: '10.211.0.0/24',
    gateway: '10.211.0.1',
    internal,
    labels: {},
    created: '',
    dns: true,
  };
}

function fresh(fail: string): { markers: string } {
  const markers = path.join(dir, `markers-${Math.random().toString(36).slice(2)}`);
  process.env['FAKE_IPT_STATE'] = path.join(`${markers}.state`);
  fs.writeFileSync(process.env['FAKE_IPT_STATE'], '');
  if (fail) process.env['FAKE_IPT_FAIL'] = fail;
  else delete process.env['FAKE_IPT_FAIL'];
  return { markers };
}

test('rules iptables confirms are marked installed, and the next use does not call iptables again', () => {
  const { markers } = fresh('');
  ensureNetworkRules(net('good'), markers);
  assert.equal(fs.readFileSync(path.join(markers, 'bt-good'), 'utf8'), '10.211.0.0/24\n');
  const state = fs.readFileSync(process.env['FAKE_IPT_STATE'] as string, 'utf8');
  assert.match(state, /-t nat R BERTH-POSTROUTING -s 10\.211\.0\.0\/24 ! -o bt-good -j MASQUERADE/);
  // a second call trusts the marker: even a failing iptables is not consulted
  process.env['FAKE_IPT_FAIL'] = '.';
  ensureNetworkRules(net('good'), markers);
});

test('an iptables that fails every call: a clear error, and no marker', () => {
  const { markers } = fresh('.');
  assert.throws(
    () => ensureNetworkRules(net('broken'), markers),
    (e: unknown) =>
      e instanceof BerthError &&
      e.kind === 'FailedPrecondition' &&
      /network "broken": the iptables rules of bridge "bt-broken" are not in place .*injected failure/.test(e.message),
  );
  assert.equal(fs.existsSync(path.join(markers, 'bt-broken')), false);
});

test('one rule that does not go in (the NAT one) is named, and no marker is written', () => {
  const { markers } = fresh('-t nat -A BERTH-POSTROUTING');
  assert.throws(
    () => ensureNetworkRules(net('nonat'), markers),
    /not in place.*table nat has no "-A BERTH-POSTROUTING -s 10\.211\.0\.0\/24 ! -o bt-nonat -j MASQUERADE"/,
  );
  assert.equal(fs.existsSync(path.join(markers, 'bt-nonat')), false);
  // once iptables works again the next use installs and marks them
  delete process.env['FAKE_IPT_FAIL'];
  ensureNetworkRules(net('nonat'), markers);
  assert.equal(fs.existsSync(path.join(markers, 'bt-nonat')), true);
});
