import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';

// Divergences from docker's CLI reference (run, exec, ps, stop, kill, rm, …) found by a sweep of
// its documented options and examples, each checked through bin/berth.

let t: TestEnv;
before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
  const up = await t.berth(['run', '-d', '--name', 'cd-up', 'busybox', 'sleep', '600']);
  assert.equal(up.code, 0, up.stderr);
});
after(async () => {
  await t.cleanup();
});

test('run --add-host takes host=ip and a bracketed IPv6 address, and refuses an address that is not one', async () => {
  const r = await t.berth(['run', '--rm', '--add-host', 'my-hostname=8.8.8.8', '--add-host', 'v6=[2001:db8::33]', 'busybox', 'cat', '/etc/hosts']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^8\.8\.8\.8\tmy-hostname$/m);
  assert.match(r.stdout, /^2001:db8::33\tv6$/m);
  const bad = await t.berth(['run', '--rm', '--add-host', 'foo:notanip', 'busybox', 'true']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /invalid IP address in add-host: "notanip"/);
});

test('exec --privileged gives the command every capability, as a --privileged container has', async () => {
  const plain = await t.berth(['exec', 'cd-up', 'grep', 'CapEff', '/proc/self/status']);
  const priv = await t.berth(['exec', '--privileged', 'cd-up', 'grep', 'CapEff', '/proc/self/status']);
  const full = await t.berth(['run', '--rm', '--privileged', 'busybox', 'grep', 'CapEff', '/proc/self/status']);
  assert.equal(priv.code, 0, priv.stderr);
  assert.notEqual(priv.stdout, plain.stdout);
  assert.equal(priv.stdout, full.stdout);
});

test('ps --filter ancestor= matches name:tag and the full name; is-task=false keeps every container', async () => {
  for (const v of ['busybox', 'busybox:latest', 'docker.io/library/busybox:latest']) {
    const r = await t.berth(['ps', '--format', '{{.Names}}', '--filter', `ancestor=${v}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^cd-up$/m, v);
  }
  assert.match((await t.berth(['ps', '--format', '{{.Names}}', '--filter', 'is-task=false'])).stdout, /^cd-up$/m);
  assert.equal((await t.berth(['ps', '--format', '{{.Names}}', '--filter', 'is-task=true'])).stdout, '');
});

test("--name follows docker's pattern: two characters at least, a leading slash taken off", async () => {
  const one = await t.berth(['create', '--name', 'a', 'busybox', 'true']);
  assert.equal(one.code, 125);
  assert.match(one.stderr, /invalid container name \("a"\), only \[a-zA-Z0-9\]\[a-zA-Z0-9_.-\] are allowed/);
  const slashed = await t.berth(['create', '--name', '/cd-slashed', 'busybox', 'true']);
  assert.equal(slashed.code, 0, slashed.stderr);
  assert.equal((await t.berth(['inspect', '-f', '{{.Name}}', 'cd-slashed'])).stdout, '/cd-slashed\n');
  await t.berth(['rm', 'cd-slashed']);
});

test('ps -n above 0 lists the last N in every state; -n 0 and -n -1 are no limit (running ones only)', async () => {
  const ex = await t.berth(['run', '--name', 'cd-ended', 'busybox', 'true']);
  assert.equal(ex.code, 0, ex.stderr);
  const names = async (...args: string[]) => (await t.berth(['ps', '--format', '{{.Names}}', ...args])).stdout.split('\n').filter(Boolean);
  assert.deepEqual(await names('-n', '1'), ['cd-ended']);
  for (const n of ['0', '-1']) {
    const got = await names('-n', n);
    assert.ok(got.includes('cd-up') && !got.includes('cd-ended'), `-n ${n}: ${got.join(',')}`);
  }
  assert.deepEqual(await names('-l'), ['cd-ended']);
  await t.berth(['rm', 'cd-ended']);
});

test("--network container:NAME takes that container's hostname, and refuses -h, --dns, --add-host, -p and --mac-address", async () => {
  const own = (await t.berth(['inspect', '-f', '{{.Config.Hostname}}', 'cd-up'])).stdout;
  const r = await t.berth(['run', '--rm', '--network', 'container:cd-up', 'busybox', 'hostname']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, own);
  const refused: Array<[string[], RegExp]> = [
    [['-h', 'foo'], /conflicting options: hostname and the network mode/],
    [['--dns', '1.1.1.1'], /conflicting options: dns and the network mode/],
    [['--add-host', 'a:1.1.1.1'], /conflicting options: custom host-to-IP mapping and the network mode/],
    [['-p', '80'], /conflicting options: port publishing and the container type network mode/],
    [['--mac-address', '92:d0:c6:0a:29:33'], /conflicting options: mac-address and the network mode/],
  ];
  for (const [flags, msg] of refused) {
    const bad = await t.berth(['run', '--rm', '--network', 'container:cd-up', ...flags, 'busybox', 'true']);
    assert.equal(bad.code, 125, flags.join(' '));
    assert.match(bad.stderr, msg);
  }
});

test('ps PORTS lists the ports a running container only exposes (80/tcp, ranges grouped) beside its published ones', async () => {
  const e = await t.berth(['run', '-d', '--name', 'cd-exposed', '--expose', '7000-7002', '--expose', '7010/udp', 'busybox', 'sleep', '60']);
  assert.equal(e.code, 0, e.stderr);
  assert.equal((await t.berth(['ps', '--filter', 'name=cd-exposed', '--format', '{{.Ports}}'])).stdout, '7000-7002/tcp, 7010/udp\n');
  await t.berth(['stop', '-t', '0', 'cd-exposed']);
  assert.equal((await t.berth(['ps', '-a', '--filter', 'name=cd-exposed', '--format', '[{{.Ports}}]'])).stdout, '[]\n');
  await t.berth(['rm', 'cd-exposed']);
});

test('stop -t -1 waits for the container to end after the stop signal, however long (no SIGKILL)', async () => {
  const r = await t.berth(['run', '-d', '--name', 'cd-slow', 'busybox', 'sh', '-c', 'trap "echo term; sleep 1; exit 0" TERM; while true; do sleep 0.1; done']);
  assert.equal(r.code, 0, r.stderr);
  await new Promise((res) => setTimeout(res, 500));
  const s = await t.berth(['stop', '-t', '-1', 'cd-slow']);
  assert.equal(s.code, 0, s.stderr);
  assert.equal((await t.berth(['inspect', '-f', '{{.State.ExitCode}}', 'cd-slow'])).stdout, '0\n');
  assert.equal((await t.berth(['logs', 'cd-slow'])).stdout, 'term\n');
  await t.berth(['rm', 'cd-slow']);
});

test('a negative --health-* duration is a Go duration that docker refuses as negative, not a parse error', async () => {
  const r = await t.berth(['run', '--rm', '--health-cmd', 'true', '--health-interval', '-1s', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /--health-interval cannot be negative/);
  const bad = await t.berth(['run', '--rm', '--health-cmd', 'true', '--health-timeout', '10', 'busybox', 'true']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /time: invalid duration "10"/);
});

test('a paused container: start is refused (try unpause instead), attach names the pause', async () => {
  assert.equal((await t.berth(['pause', 'cd-up'])).code, 0);
  try {
    const s = await t.berth(['start', 'cd-up']);
    assert.equal(s.code, 1);
    assert.match(s.stderr, /cannot start a paused container, try unpause instead/);
    const a = await t.berth(['attach', 'cd-up']);
    assert.equal(a.code, 1);
    assert.match(a.stderr, /you cannot attach to a paused container, unpause it first/);
  } finally {
    await t.berth(['unpause', 'cd-up']);
  }
});

test('ps {{.Mounts}} cuts each volume name or bind source to 15 columns (…), whole with --no-trunc', async () => {
  const r = await t.berth(['create', '--name', 'cd-mounts', '-v', '/tmp:/x', '-v', 'cd-long-volume-name:/n', 'busybox', 'true']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await t.berth(['ps', '-a', '--filter', 'name=cd-mounts', '--format', '{{.Mounts}}'])).stdout, '/tmp,cd-long-volume…\n');
  assert.equal((await t.berth(['ps', '-a', '--no-trunc', '--filter', 'name=cd-mounts', '--format', '{{.Mounts}}'])).stdout, '/tmp,cd-long-volume-name\n');
  await t.berth(['rm', '-v', 'cd-mounts']);
  await t.berth(['volume', 'rm', 'cd-long-volume-name']);
});

test('--security-opt systempaths=unconfined: no read-only /proc/sys mount and nothing masked (a documented docker option)', async () => {
  const paths = ['sh', '-c', 'grep -E " /proc/(sys|bus|keys|timer_list) " /proc/mounts || true'];
  const confined = await t.berth(['run', '--rm', 'busybox', ...paths]);
  assert.match(confined.stdout, / \/proc\/sys proc ro,/);
  const open = await t.berth(['run', '--rm', '--security-opt', 'systempaths=unconfined', 'busybox', ...paths]);
  assert.equal(open.code, 0, open.stderr);
  assert.equal(open.stdout, '');
  // inspect names it among the security options, as docker's HostConfig.SecurityOpt does
  const c = await t.berth(['create', '--security-opt', 'systempaths=unconfined', '--security-opt', 'no-new-privileges', 'busybox', 'true']);
  assert.equal(c.code, 0, c.stderr);
  const id = c.stdout.trim();
  const so = await t.berth(['inspect', '-f', '{{json .HostConfig.SecurityOpt}}', id]);
  assert.equal(so.stdout.trim(), '["no-new-privileges","systempaths=unconfined"]');
  assert.equal((await t.berth(['rm', id])).code, 0);
});

test('exec of a missing or non-executable command: 127 / 126 with one line of error, as docker prints it', async () => {
  const c = await t.berth(['run', '-d', 'busybox', 'sleep', '300']);
  assert.equal(c.code, 0, c.stderr);
  const id = c.stdout.trim();
  try {
    const missing = await t.berth(['exec', id, 'nosuch']);
    assert.equal(missing.code, 127);
    assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
    assert.match(missing.stderr, /"nosuch": executable file not found in \$PATH/);
    const dir = await t.berth(['exec', id, '/etc']);
    assert.equal(dir.code, 126);
    assert.equal(dir.stderr.trim().split('\n').length, 1, dir.stderr);
    assert.match(dir.stderr, /permission denied/);
  } finally {
    await t.berth(['rm', '-f', id]);
  }
});
