import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';
import { httpGet, retry as retryFor } from '../../src/testkit/http-probe.js';

// Real bridges, veths, iptables rules and aardvark-dns on this host. Only 127.0.0.1, the host's
// own addresses and container addresses are ever contacted.

let t: TestEnv;
before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
});
after(async () => {
  await t.cleanup();
});

async function ok(args: string[]): Promise<string> {
  const r = await t.berth(args);
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

// each try short, the whole wait long: one dropped SYN must not use up the wait
const get = async (url: string): Promise<string> => (await httpGet(url, 2000)).body;
const retry = <T>(fn: () => Promise<T>, ms = 15_000): Promise<T> => retryFor(fn, ms);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function hostAddress(): string | undefined {
  const out = execFileSync('ip', ['-4', '-o', 'addr', 'show', 'scope', 'global'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => /inet (\d+\.\d+\.\d+\.\d+)/.exec(l)?.[1])
    .find((x) => x && !x.startsWith('10.90.') && !x.startsWith('10.88.') && !x.startsWith('10.89.'));
}

/** wget bounded by timeout; not as PID 1, which ignores the TERM that timeout sends */
function wget(url: string, secs = 5): string[] {
  return ['sh', '-c', `timeout ${secs} wget -qO- ${url}; exit $?`];
}

const HTTPD = ['sh', '-c', 'mkdir -p /www && echo hello-$(hostname) > /www/index.html && exec httpd -f -p 80 -h /www'];

test('busybox httpd published with -p answers on 127.0.0.1 and the host address; port and ps show it', async () => {
  const port = await freePort();
  const id = await ok(['run', '-d', '--name', 'web', '-p', `${port}:80`, 'busybox', ...HTTPD]);
  const body = await retry(() => get(`http://127.0.0.1:${port}/`));
  assert.equal(body, `hello-${id.slice(0, 12)}\n`);
  const addr = hostAddress();
  assert.ok(addr, 'the host has an address of its own to publish on');
  assert.equal(await retry(() => get(`http://${addr}:${port}/`)), body);
  assert.equal(await ok(['port', 'web']), `80/tcp -> 0.0.0.0:${port}`);
  assert.equal(await ok(['port', 'web', '80']), `0.0.0.0:${port}`);
  assert.match(await ok(['ps', '--format', '{{.Ports}}']), new RegExp(`0\\.0\\.0\\.0:${port}->80/tcp`));
  const ip = await ok(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'web']);
  assert.match(ip, /^10\.90\.0\.\d+$/);
  // the default network has no DNS between containers (as docker); the address works
  assert.equal(await ok(['run', '--rm', 'busybox', ...wget(`http://${ip}/`, 5)]), body.trim());
  const byName = await t.berth(['run', '--rm', 'busybox', ...wget('http://web/', 5)]);
  assert.notEqual(byName.code, 0);
  await ok(['rm', '-f', 'web']);
  await assert.rejects(get(`http://127.0.0.1:${port}/`));
});

test("ps --filter publish= and expose= match the container's side of ports, with ranges and protocols, as docker's", async () => {
  const r = await ok(['run', '-d', '-p', '0:80', '--expose', '9000-9001/udp', 'busybox', 'sleep', '60']);
  const names = async (f: string) => (await ok(['ps', '-q', '--no-trunc', '--filter', f])).split('\n').includes(r);
  assert.equal(await names('publish=80'), true);
  assert.equal(await names('publish=70-90/tcp'), true);
  assert.equal(await names('publish=80/udp'), false);
  assert.equal(await names('expose=9001/udp'), true);
  assert.equal(await names('expose=9001'), false);
  assert.equal(await names('expose=80'), true);
  const hostPort = (await ok(['port', r, '80'])).split(':').pop() ?? '';
  assert.equal(await names(`publish=${hostPort}`), false, 'the host port is not what publish= matches');
  await ok(['rm', '-f', r]);
});

test('-P publishes EXPOSEd and -p ports on random host ports, ranges map one to one', async () => {
  const id = await ok(['run', '-d', '-p', '80', '-p', '127.0.0.1::8080', 'busybox', ...HTTPD]);
  const ports = await ok(['port', id]);
  const m = /80\/tcp -> 0\.0\.0\.0:(\d+)/.exec(ports);
  assert.ok(m, ports);
  assert.match(ports, /8080\/tcp -> 127\.0\.0\.1:\d+/);
  assert.match(await retry(() => get(`http://127.0.0.1:${m[1]}/`)), /^hello-/);
  await ok(['rm', '-f', id]);
  const base = await freePort();
  const r = await ok(['create', '-p', `${base}-${base + 1}:80-81`, 'busybox', 'true']);
  assert.match(await ok(['inspect', '-f', '{{json .HostConfig.PortBindings}}', r]), new RegExp(`"81/tcp":\\[\\{"HostIp":"","HostPort":"${base + 1}"\\}\\]`));
  await ok(['rm', r]);
});

test('two containers on a user-defined network reach each other by name and by alias', async () => {
  await ok(['network', 'create', 'nt-app']);
  const id = await ok(['run', '-d', '--name', 'srv', '--network', 'nt-app', '--network-alias', 'api', 'busybox', ...HTTPD]);
  const want = `hello-${id.slice(0, 12)}`;
  for (const name of ['srv', 'api']) {
    const out = await retry(() => ok(['run', '--rm', '--network', 'nt-app', 'busybox', ...wget(`http://${name}/`, 5)]));
    assert.equal(out, want);
  }
  const insp = JSON.parse(await ok(['network', 'inspect', 'nt-app'])) as Array<{
    Containers: Record<string, { Name: string }>;
    IPAM: { Config: Array<{ Subnet: string }> };
  }>;
  assert.equal(insp[0]?.Containers[id]?.Name, 'srv');
  assert.match(insp[0]?.IPAM.Config[0]?.Subnet ?? '', /^10\.90\.\d+\.0\/24$/);
  const resolv = await ok(['run', '--rm', '--network', 'nt-app', 'busybox', 'cat', '/etc/resolv.conf']);
  assert.match(resolv, /^nameserver 10\.90\.\d+\.1$/m);
  // removing a network in use is refused
  const rm = await t.berth(['network', 'rm', 'nt-app']);
  assert.equal(rm.code, 1);
  assert.match(rm.stderr, /has active endpoints/);
  await ok(['rm', '-f', 'srv']);
  await ok(['network', 'rm', 'nt-app']);
});

test('network connect and disconnect attach a running container to a second network', async () => {
  await ok(['network', 'create', 'nt-a']);
  await ok(['network', 'create', 'nt-b']);
  await ok(['run', '-d', '--name', 'multi', '--network', 'nt-a', 'busybox', ...HTTPD]);
  await ok(['network', 'connect', '--alias', 'm2', 'nt-b', 'multi']);
  assert.match(await retry(() => ok(['run', '--rm', '--network', 'nt-b', 'busybox', ...wget('http://m2/', 5)])), /^hello-/);
  // ps --filter network= sees the second network too
  assert.equal(await ok(['ps', '--filter', 'network=nt-b', '--format', '{{.Names}}']), 'multi');
  assert.match((await t.berth(['network', 'connect', 'host', 'multi'])).stderr, /cannot be disconnected from host network or connected to host network/);
  await ok(['network', 'disconnect', 'nt-b', 'multi']);
  const after = await t.berth(['run', '--rm', '--network', 'nt-b', 'busybox', ...wget('http://m2/', 3)]);
  assert.notEqual(after.code, 0);
  await ok(['rm', '-f', 'multi']);
  await ok(['network', 'rm', 'nt-a', 'nt-b']);
});

test("network ls --filter type=, dangling= and scope=, as docker's", async () => {
  await ok(['network', 'create', 'nf-used']);
  await ok(['network', 'create', 'nf-free']);
  const c = await ok(['run', '-d', '--network', 'nf-used', 'busybox', 'sleep', '60']);
  const names = async (f: string) =>
    (await ok(['network', 'ls', '--filter', f, '--format', '{{.Name}}']))
      .split('\n')
      .filter((n) => n !== '' && !n.startsWith('nt-'))
      .sort();
  assert.deepEqual(await names('type=builtin'), ['bridge', 'host', 'none']);
  assert.deepEqual(
    (await names('type=custom')).filter((n) => n.startsWith('nf-')),
    ['nf-free', 'nf-used'],
  );
  assert.deepEqual(
    (await names('dangling=true')).filter((n) => n.startsWith('nf-')),
    ['nf-free'],
  );
  assert.deepEqual(
    (await names('dangling=false')).filter((n) => !n.startsWith('nf-') || n === 'nf-used'),
    ['bridge', 'host', 'nf-used', 'none'],
  );
  assert.deepEqual(await names('scope=swarm'), []);
  // the predefined host and none have ids and inspect as docker's do
  assert.match(await ok(['network', 'ls', '-q', '--filter', 'name=none']), /^[0-9a-f]{12}$/);
  assert.equal(await ok(['network', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Scope}}', 'host', 'none']), 'host host local\nnone null local');
  const hostId = await ok(['network', 'inspect', '-f', '{{.Id}}', 'host']);
  assert.equal(await ok(['inspect', '-f', '{{.Name}}', hostId.slice(0, 12)]), 'host');
  await ok(['rm', '-f', c]);
  await ok(['network', 'rm', 'nf-used', 'nf-free']);
});

test('network create --ip-range, -o bridge name and mtu: addresses from the range, the bridge so named; IPv6 refused', async () => {
  await ok([
    'network',
    'create',
    '--subnet',
    '10.123.0.0/24',
    '--ip-range',
    '10.123.0.128/26',
    '-o',
    'com.docker.network.bridge.name=berth-ntopt',
    '-o',
    'com.docker.network.driver.mtu=1400',
    '--attachable',
    'nt-opt',
  ]);
  const cfg = JSON.parse(await ok(['network', 'inspect', '-f', '{{json .IPAM.Config}}', 'nt-opt'])) as Array<{ IPRange?: string }>;
  assert.equal(cfg[0]?.IPRange, '10.123.0.128/26');
  assert.equal(await ok(['network', 'inspect', '-f', '{{index .Options "com.docker.network.driver.mtu"}}', 'nt-opt']), '1400');
  // docker's plain inspect finds networks too
  assert.equal(await ok(['inspect', '-f', '{{.Name}} {{.Driver}}', 'nt-opt']), 'nt-opt bridge');
  assert.equal(await ok(['inspect', '--type', 'network', '-f', '{{.Name}}', 'bridge']), 'bridge');
  const out = await ok(['run', '--rm', '--network', 'nt-opt', 'busybox', 'sh', '-c', 'ip -4 -o addr show eth0; cat /sys/class/net/eth0/mtu']);
  const ip = /inet (10\.123\.0\.(\d+))\//.exec(out);
  assert.ok(ip && Number(ip[2]) >= 128 && Number(ip[2]) < 192, out);
  assert.match(out, /^1400$/m);
  assert.ok(fs.existsSync('/sys/class/net/berth-ntopt'), 'the bridge has the name asked for');
  const bad = await t.berth(['network', 'create', '--subnet', '10.124.0.0/24', '--ip-range', '10.125.0.0/28', 'nt-bad']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /not inside subnet/);
  assert.equal((await t.berth(['network', 'create', '--ipv6', 'nt-v6'])).code, 1);
  assert.equal((await t.berth(['network', 'create', '-o', 'com.docker.network.bridge.name=docker7', 'nt-name'])).code, 1);
  await ok(['network', 'rm', 'nt-opt']);
  assert.ok(!fs.existsSync('/sys/class/net/berth-ntopt'));
});

test("--mac-address sets the container's interface address (inspect shows it); a bad or multicast one is refused", async () => {
  const out = await ok(['run', '--name', 'macd', '--mac-address', '92:d0:c6:0a:29:33', 'busybox', 'cat', '/sys/class/net/eth0/address']);
  assert.equal(out, '92:d0:c6:0a:29:33');
  for (const bad of ['zz', '01:00:5e:00:00:01']) assert.equal((await t.berth(['run', '--rm', '--mac-address', bad, 'busybox', 'true'])).code, 125);
  await ok(['rm', 'macd']);
});

test('--internal has no way out: peers answer, the gateway and host published ports do not', async () => {
  const port = await freePort();
  await ok(['run', '-d', '--name', 'pub', '-p', `${port}:80`, 'busybox', ...HTTPD]);
  await retry(() => get(`http://127.0.0.1:${port}/`));
  await ok(['network', 'create', '--internal', '--subnet', '10.90.200.0/24', 'nt-int']);
  await ok(['run', '-d', '--name', 'peer', '--network', 'nt-int', 'busybox', ...HTTPD]);
  const fetchIn = (url: string) => t.berth(['run', '--rm', '--network', 'nt-int', 'busybox', ...wget(url, 4)]);
  assert.equal(
    (
      await retry(async () => {
        const r = await fetchIn('http://peer/');
        if (r.code !== 0) throw new Error(r.stderr);
        return r;
      })
    ).code,
    0,
  );
  const routes = await ok(['run', '--rm', '--network', 'nt-int', 'busybox', 'ip', 'route']);
  assert.doesNotMatch(routes, /default/);
  assert.notEqual((await fetchIn(`http://10.90.200.1:${port}/`)).code, 0, 'published port through the gateway');
  const addr = hostAddress();
  assert.ok(addr, 'the host has an address of its own to publish on');
  assert.notEqual((await fetchIn(`http://${addr}:${port}/`)).code, 0, 'published port on the host address');
  await ok(['rm', '-f', 'pub', 'peer']);
  await ok(['network', 'rm', 'nt-int']);
});

test('bad input exits 125 (run) or 1 (network) with one line and changes nothing', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['run', '--rm', '--network', 'no-such-net', 'busybox', 'true'], /network no-such-net not found/],
    [['run', '--rm', '-p', '80:80:80:80', 'busybox', 'true'], /invalid/],
    [['run', '--rm', '-p', '70000:80', 'busybox', 'true'], /invalid hostPort/],
    [['run', '--rm', '--ip', '10.90.0.9', 'busybox', 'true'], /user defined networks only/],
    [['run', '--rm', '--network-alias', 'x', 'busybox', 'true'], /user defined networks/],
    [['network', 'create', '--subnet', '10.90.0.0/16', 'nt-overlap'], /overlaps/],
    [['network', 'create', '--subnet', 'banana', 'nt-bad'], /invalid subnet/],
    [['network', 'rm', 'bridge'], /pre-defined network/],
    [['network', 'rm', 'no-such-net'], /network no-such-net not found/],
  ];
  for (const [args, re] of cases) {
    const r = await t.berth(args);
    assert.equal(r.code, args[0] === 'run' ? 125 : 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  await ok(['network', 'create', '--subnet', '10.90.201.0/24', 'nt-x']);
  const dup = await t.berth(['network', 'create', '--subnet', '10.90.201.128/25', 'nt-y']);
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /overlaps with other one/);
  const outside = await t.berth(['run', '--rm', '--network', 'nt-x', '--ip', '10.1.1.1', 'busybox', 'true']);
  assert.equal(outside.code, 125);
  await ok(['network', 'rm', 'nt-x']);
  assert.equal(await ok(['ps', '-aq']), '');
  assert.doesNotMatch(await ok(['network', 'ls', '--format', '{{.Name}}']), /nt-/);
});

test('a host port already in use is named in the error and nothing is left behind', async () => {
  const srv = net.createServer();
  const port = await new Promise<number>((resolve) => srv.listen(0, '0.0.0.0', () => resolve((srv.address() as net.AddressInfo).port)));
  try {
    const before = netnsFiles().length;
    const r = await t.berth(['run', '-d', '-p', `${port}:80`, 'busybox', ...HTTPD]);
    assert.equal(r.code, 125);
    assert.match(r.stderr, new RegExp(`0\\.0\\.0\\.0:${port}/tcp failed: address already in use`));
    assert.equal(await ok(['ps', '-aq']), '');
    assert.equal(netnsFiles().length, before);
    // a port another berth container publishes: create succeeds (as docker's), start fails naming it
    const other = await freePort();
    await ok(['run', '-d', '--name', 'holder', '-p', `${other}:80`, 'busybox', ...HTTPD]);
    const c = await ok(['create', '-p', `${other}:80`, 'busybox', 'true']);
    assert.match(c, /^[0-9a-f]{64}$/);
    const s = await t.berth(['start', c]);
    assert.equal(s.code, 1); // docker's CLI: a refused start exits 1 (125 is run's)
    assert.match(s.stderr, new RegExp(`${other}/tcp failed`));
    assert.equal(await ok(['inspect', '--format', '{{.State.Running}}', c]), 'false');
    await ok(['rm', c]);
    await ok(['rm', '-f', 'holder']);
  } finally {
    srv.close();
  }
});

test('a network whose iptables rules do not go in: the container is not started, the user is told, nothing is marked installed', async () => {
  const fake = fs.mkdtempSync('/tmp/berth-fake-ipt-');
  fs.writeFileSync(`${fake}/iptables`, '#!/bin/sh\necho "iptables: injected failure" >&2\nexit 4\n', { mode: 0o755 });
  try {
    // the bridge a network was not given a name for is berth-<the id's first 8 digits>
    const bridge = `berth-${(await ok(['network', 'create', 'nt-noipt'])).slice(0, 8)}`;
    const r = await t.berth(['run', '--rm', '--network', 'nt-noipt', 'busybox', 'echo', 'reached'], { env: { PATH: `${fake}:${process.env['PATH'] ?? ''}` } });
    assert.equal(r.code, 125);
    assert.doesNotMatch(r.stdout, /reached/);
    assert.match(r.stderr, new RegExp(`network "nt-noipt": the iptables rules of bridge "${bridge}" are not in place .*injected failure`));
    assert.equal(fs.existsSync(`/run/berth-net/${bridge}`), false);
    // with iptables working the same command runs, and then the install is remembered
    assert.equal(await ok(['run', '--rm', '--network', 'nt-noipt', 'busybox', 'echo', 'reached']), 'reached');
    assert.equal(fs.existsSync(`/run/berth-net/${bridge}`), true);
    await ok(['network', 'rm', 'nt-noipt']);
    assert.equal(fs.existsSync(`/run/berth-net/${bridge}`), false);
  } finally {
    fs.rmSync(fake, { recursive: true, force: true });
  }
});

function netnsFiles(): string[] {
  try {
    return fs.readdirSync('/run/netns').filter((f) => f.startsWith('berth-'));
  } catch {
    return [];
  }
}

interface Footprint {
  veths: number;
  rules: number;
  leases: number;
  netns: number;
}

/** What a network's containers hold on the host, counted by its bridge and subnet. */
function footprint(bridge: string, subnetPrefix: string, ids: Set<string>): Footprint {
  const veths = execFileSync('ip', ['-o', 'link', 'show', 'master', bridge], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes('veth')).length;
  const rules = execFileSync('iptables-save', { encoding: 'utf8' })
    .split('\n')
    .filter((l) => (l.includes(subnetPrefix) && !l.includes(`${subnetPrefix}0/24`)) || [...ids].some((id) => l.includes(id))).length;
  let leases = 0;
  try {
    leases = fs.readdirSync(`/run/berth-ipam/${bridge}`).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)).length;
  } catch {
    /* no lease ever */
  }
  const netns = netnsFiles().filter((f) => [...ids].some((id) => f === `berth-${id.slice(0, 32)}`)).length;
  return { veths, rules, leases, netns };
}

test('no veth, rule, lease or netns outlives 50 create/start/rm cycles', { timeout: 600_000 }, async () => {
  const netId = await ok(['network', 'create', '--subnet', '10.90.210.0/24', 'nt-leak']);
  const bridge = `berth-${netId.slice(0, 8)}`;
  const ids = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const id = await ok(['create', '--network', 'nt-leak', '-p', '80', 'busybox', 'sleep', '30']);
    ids.add(id);
    await ok(['start', id]);
    if (i === 0) {
      const f = footprint(bridge, '10.90.210.', ids);
      assert.equal(f.veths, 1);
      assert.equal(f.leases, 1);
      assert.equal(f.netns, 1);
      assert.ok(f.rules > 0);
    }
    await ok(['rm', '-f', id]);
  }
  assert.deepEqual(footprint(bridge, '10.90.210.', ids), { veths: 0, rules: 0, leases: 0, netns: 0 });
  await ok(['network', 'rm', 'nt-leak']);
});

test('kill -9 of conmon and the container: the next berth command tears the network down', async () => {
  const netId = await ok(['network', 'create', '--subnet', '10.90.211.0/24', 'nt-kill']);
  const bridge = `berth-${netId.slice(0, 8)}`;
  const id = await ok(['run', '-d', '--network', 'nt-kill', '-p', '80', 'busybox', 'sleep', '300']);
  const conmon = Number(fs.readFileSync(`${t.runRoot}/containers/${id}/conmon.pid`, 'utf8'));
  const pid = Number(await ok(['inspect', '-f', '{{.State.Pid}}', id]));
  assert.ok(conmon > 0 && pid > 0);
  process.kill(conmon, 'SIGKILL');
  process.kill(pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(footprint(bridge, '10.90.211.', new Set([id])).netns, 1, 'still there before any berth command');
  await ok(['run', '--rm', '--network', 'none', 'busybox', 'true']);
  assert.deepEqual(footprint(bridge, '10.90.211.', new Set([id])), { veths: 0, rules: 0, leases: 0, netns: 0 });
  assert.equal(await ok(['port', id]), '');
  await ok(['rm', '-f', id]);
  await ok(['network', 'rm', 'nt-kill']);
});
