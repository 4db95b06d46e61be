import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';

// Smaller differences from docker 20.10 (issue 12, item 10), each as docker shows it.

let t: TestEnv;
let work: string;
before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-compat-'));
});
after(async () => {
  fs.rmSync(work, { recursive: true, force: true });
  await t.cleanup();
});

async function names(): Promise<string> {
  return (await t.berth(['ps', '-a', '--format', '{{.Names}}'])).stdout;
}

test("--env-file then -e KEY with KEY unset on the host keeps the file's value, as docker", async () => {
  const file = path.join(work, 'x.env');
  fs.writeFileSync(file, 'ADVX=fromfile\nOTHER=o\n');
  const env = { ADVX: undefined, OTHER: undefined };
  const r = await t.berth(['run', '--rm', '--env-file', file, '-e', 'ADVX', 'busybox', 'sh', '-c', 'echo "[$ADVX] [$OTHER]"'], { env });
  assert.equal(r.stdout, '[fromfile] [o]\n', r.stderr);
  // set on the host, -e KEY still takes the host's value
  const h = await t.berth(['run', '--rm', '--env-file', file, '-e', 'ADVX', 'busybox', 'sh', '-c', 'echo "[$ADVX]"'], { env: { ADVX: 'host' } });
  assert.equal(h.stdout, '[host]\n');
  // Config.Env as docker records it: the user's entries as given, then the image's
  await t.berth(['create', '--name', 'envs', '--env-file', file, '-e', 'ADVX', 'busybox', 'true'], { env });
  const c = await t.berth(['inspect', '--format', '{{json .Config.Env}}', 'envs']);
  assert.match(c.stdout, /^\["ADVX=fromfile","OTHER=o","ADVX"(,"[A-Z]+=[^"]*")*\]\n$/);
  await t.berth(['rm', 'envs']);
});

test("inspect has docker 20.10's keys with its value types", async () => {
  const r = await t.berth(['run', '-d', '--name', 'shape', '-m', '128m', '-v', 'shapevol:/d', 'busybox', 'sleep', '60']);
  assert.equal(r.code, 0, r.stderr);
  const [c] = JSON.parse((await t.berth(['inspect', 'shape'])).stdout) as Array<Record<string, Record<string, unknown>>>;
  const hc = c?.['HostConfig'] ?? {};
  assert.equal(hc['Memory'], 134217728);
  // docker's default swap with only -m: twice the memory, what the cgroup gets
  assert.equal(hc['MemorySwap'], 268435456);
  const id = (c?.['Id'] as unknown as string) ?? '';
  const memsw = `/sys/fs/cgroup/memory/berth/${id}/memory.memsw.limit_in_bytes`;
  if (fs.existsSync(memsw)) assert.equal(fs.readFileSync(memsw, 'utf8').trim(), '268435456');
  assert.deepEqual(hc['Binds'], ['shapevol:/d']);
  assert.equal(hc['Cgroup'], '');
  assert.deepEqual(hc['ConsoleSize'], [0, 0]);
  assert.equal(hc['DeviceRequests'], null);
  assert.deepEqual(hc['BlkioWeightDevice'], []);
  for (const k of ['BlkioDeviceReadBps', 'BlkioDeviceWriteBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps', 'Ulimits']) assert.equal(hc[k], null, k);
  const ns = c?.['NetworkSettings'] ?? {};
  for (const k of ['GlobalIPv6Address', 'IPv6Gateway', 'LinkLocalIPv6Address']) assert.equal(ns[k], '', k);
  for (const k of ['GlobalIPv6PrefixLen', 'LinkLocalIPv6PrefixLen']) assert.equal(ns[k], 0, k);
  for (const k of ['SecondaryIPAddresses', 'SecondaryIPv6Addresses']) assert.equal(ns[k], null, k);
  const nets = ns['Networks'] as Record<string, Record<string, unknown>>;
  const bridge = nets['bridge'] ?? {};
  assert.equal(bridge['DriverOpts'], null);
  assert.match(String(bridge['EndpointID']), /^[0-9a-f]+$/);
  assert.equal(ns['EndpointID'], bridge['EndpointID']);
  const data = (c?.['GraphDriver']?.['Data'] ?? {}) as Record<string, string>;
  assert.ok(
    data['LowerDir']?.split(':').every((d) => fs.existsSync(d)),
    JSON.stringify(data),
  );
  // without a bind or a limit: Binds null, MemorySwap 0; no network: every key still there
  await t.berth(['create', '--name', 'plain', '--network', 'none', 'busybox', 'true']);
  const [p] = JSON.parse((await t.berth(['inspect', 'plain'])).stdout) as Array<Record<string, Record<string, unknown>>>;
  assert.equal(p?.['HostConfig']?.['Binds'], null);
  assert.equal(p?.['HostConfig']?.['MemorySwap'], 0);
  const none = ((p?.['NetworkSettings']?.['Networks'] ?? {}) as Record<string, Record<string, unknown>>)['none'] ?? {};
  assert.deepEqual(Object.keys(none).sort(), [
    'Aliases',
    'DriverOpts',
    'EndpointID',
    'Gateway',
    'GlobalIPv6Address',
    'GlobalIPv6PrefixLen',
    'IPAMConfig',
    'IPAddress',
    'IPPrefixLen',
    'IPv6Gateway',
    'Links',
    'MacAddress',
    'NetworkID',
  ]);
  await t.berth(['rm', '-f', 'shape', 'plain']);
  await t.berth(['volume', 'rm', 'shapevol']);
});

test("--dns takes IP addresses only, refused as docker's flag parser does", async () => {
  const r = await t.berth(['run', '--rm', '--name', 'dnsbad', '--dns', 'bogus', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /invalid argument "bogus" for "--dns" flag: bogus is not an ip address/);
  assert.equal(await names(), '');
  const ok = await t.berth(['run', '--rm', '--dns', '10.0.0.53', 'busybox', 'cat', '/etc/resolv.conf']);
  assert.match(ok.stdout, /^nameserver 10\.0\.0\.53$/m);
});

test('--platform of another platform never runs the stored image: a clear error', async () => {
  const never = await t.berth(['run', '--rm', '--pull', 'never', '--platform', 'linux/arm64', 'busybox', 'true']);
  assert.equal(never.code, 125);
  assert.match(never.stderr, /image with reference busybox was found but does not match the specified platform: wanted linux\/arm64, actual: linux\/amd64/);
  // the default policy pulls the platform asked for; a registry that is not there (a closed
  // loopback port) fails, and the error says why the stored image was not used
  assert.equal((await t.berth(['tag', 'busybox', '127.0.0.1:1/plat:1'])).code, 0);
  const missing = await t.berth(['create', '--platform', 'linux/arm64', '127.0.0.1:1/plat:1', 'true']);
  assert.equal(missing.code, 125);
  assert.match(missing.stderr, /does not match the specified platform: wanted linux\/arm64, actual: linux\/amd64/);
  assert.equal(await names(), '');
  const same = await t.berth(['run', '--rm', '--platform', 'linux/amd64', '127.0.0.1:1/plat:1', 'echo', 'ran']);
  assert.equal(same.stdout, 'ran\n', same.stderr);
  await t.berth(['rmi', '127.0.0.1:1/plat:1']);
});

test('pull UPPER/x is an invalid reference (upper case repository), not a registry host', async () => {
  const r = await t.berth(['pull', 'UPPER/x']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /invalid reference format: repository name must be lowercase/);
  assert.doesNotMatch(r.stderr, /lookup|UPPER:/);
});

test('a terminal needs a terminal: exec -it, run -it and attach with a piped stdin are refused, exit 1', async () => {
  assert.equal((await t.berth(['run', '-dit', '--name', 'term', 'busybox', 'sh'])).code, 0);
  for (const args of [
    ['exec', '-it', 'term', 'true'],
    ['run', '-it', '--rm', '--name', 'term2', 'busybox', 'true'],
    ['attach', 'term'],
  ]) {
    const r = await t.berth(args, { input: 'echo hi\n' });
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr, 'Error: the input device is not a TTY\n');
  }
  assert.equal(await names(), 'term\n');
  // without a terminal on either side, or detached, piped input is fine
  assert.equal((await t.berth(['exec', '-i', 'term', 'cat'], { input: 'piped\n' })).stdout, 'piped\n');
  assert.equal((await t.berth(['exec', '-dit', 'term', 'true'])).code, 0);
  await t.berth(['rm', '-f', 'term']);
});
