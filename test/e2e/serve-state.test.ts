import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import { BERTH_BIN, makeTestEnv, runProgram, type TestEnv } from '../../src/testkit/berth-cli.js';
import { freePort, makeTlsFiles, startRegistry } from '../../src/testkit/registry.js';

// berth serve through real clients (dockerode 4, the docker CLI 28): what outlives a restart of
// the server, what the client's stdin closes, ownership of files copied in, TCP with mutual TLS,
// the registry-facing endpoints

const DOCKER_CLI = '/usr/local/bin/docker';

let t: TestEnv;
let sock: string;
let server: ChildProcess;
let log = '';
let dockerConfig: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startServer(): Promise<void> {
  server = spawn(BERTH_BIN, ['serve', '-H', `unix://${sock}`], { env: t.env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const child = server;
  for (let i = 0; i < 200; i++) {
    if (fs.existsSync(sock)) return;
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  assert.fail(`berth serve did not start: ${log}`);
}

async function stopServer(): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await exited;
}

before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
  sock = path.join(t.runRoot, 'd.sock');
  dockerConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dockercfg-'));
  await startServer();
});

after(async () => {
  await stopServer();
  await t.cleanup();
  fs.rmSync(dockerConfig, { recursive: true, force: true });
});

function cli(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dockerConfig, DOCKER_CONFIG: dockerConfig, ...opts.env };
  return runProgram(DOCKER_CLI, ['-H', `unix://${sock}`, ...args], { ...(opts.input !== undefined ? { input: opts.input } : {}), env });
}

async function ok(args: string[], opts: { input?: string } = {}): Promise<string> {
  const r = await cli(args, opts);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\nserver: ${log}`);
  return r.stdout.trim();
}

/** Everything a hijacked stream sends until it ends, demultiplexed into stdout text. */
function readAll(stream: Duplex): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', reject);
    stream.on('end', () => {
      const all = Buffer.concat(chunks);
      let out = '';
      for (let off = 0; off + 8 <= all.length; ) {
        const len = all.readUInt32BE(off + 4);
        if (all[off] === 1) out += all.subarray(off + 8, off + 8 + len).toString();
        off += 8 + len;
      }
      resolve(out);
    });
  });
}

async function until<T>(what: string, f: () => Promise<T>, good: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (good(v)) return v;
    if (Date.now() > end) assert.fail(`${what}: last ${JSON.stringify(v)}`);
    await sleep(100);
  }
}

test('exec instances outlive a restart of the server: started, inspected (ExitCode, Pid) after it, gone with their container', async () => {
  const docker = new Docker({ socketPath: sock });
  const c = await docker.createContainer({ Image: 'busybox', Cmd: ['sleep', '300'] });
  await c.start();
  const later = await c.exec({ Cmd: ['sh', '-c', 'echo hi; exit 3'], AttachStdout: true, AttachStderr: true });
  const bg = await c.exec({ Cmd: ['sh', '-c', 'sleep 2; exit 4'] });
  await bg.start({ Detach: true });
  const bgBefore = await bg.inspect();
  assert.equal(bgBefore.Running, true);
  assert.ok(bgBefore.Pid > 0, `a pid while it runs: ${bgBefore.Pid}`);
  assert.equal(bgBefore.ExitCode, null);

  await stopServer();
  await startServer();

  const d2 = new Docker({ socketPath: sock });
  // created before the restart, started after it
  const ex = d2.getExec(later.id);
  assert.equal((await ex.inspect()).Running, false);
  const stream = (await ex.start({ hijack: true, stdin: false })) as Duplex;
  assert.equal(await readAll(stream), 'hi\n');
  const done = await until(
    'the exec ends',
    () => ex.inspect(),
    (i) => !i.Running,
  );
  assert.equal(done.ExitCode, 3);
  assert.ok(done.Pid > 0, 'docker keeps the pid in the inspect after the end');
  await assert.rejects(ex.start({ hijack: true, stdin: false }), (e: { statusCode?: number }) => e.statusCode === 409);
  // detached, running across the restart: its exit status was recorded without a server
  const bgAfter = await until(
    'the detached exec ends',
    () => d2.getExec(bg.id).inspect(),
    (i) => !i.Running,
  );
  assert.equal(bgAfter.ExitCode, 4);
  assert.equal(bgAfter.Pid, bgBefore.Pid);
  // the CLI's exec goes through the same instances
  const r = await cli(['exec', c.id, 'sh', '-c', 'exit 6']);
  assert.equal(r.code, 6, r.stderr);
  await d2.getContainer(c.id).remove({ force: true });
  await assert.rejects(ex.inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
  await assert.rejects(d2.getExec(bg.id).inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
});

test("attach honours StdinOnce: false keeps the container's stdin open for the next client, true closes it at the client's end", async () => {
  const docker = new Docker({ socketPath: sock });
  const script = 'while read l; do echo got $l; done; echo eof';
  const keep = await docker.createContainer({
    Image: 'busybox',
    Cmd: ['sh', '-c', script],
    OpenStdin: true,
    StdinOnce: false,
    AttachStdin: true,
    AttachStdout: true,
  });
  assert.equal((await keep.inspect()).Config.StdinOnce, false);
  const first = (await keep.attach({ stream: true, stdin: true, stdout: true, hijack: true })) as Duplex;
  const firstOut = readAll(first);
  await keep.start();
  first.write('a\n');
  await until(
    'the first line is read',
    () => keep.logs({ stdout: true }),
    (b) => b.toString().includes('got a'),
  );
  first.end();
  // dockerd ends this attach at the client's end of input, and the container's stdin stays open
  assert.equal(await firstOut, 'got a\n');
  await sleep(500);
  assert.equal((await keep.inspect()).State.Status, 'running', 'stdin still open: the loop goes on');
  const second = (await keep.attach({ stream: true, stdin: true, stdout: true, hijack: true })) as Duplex;
  const secondOut = readAll(second);
  second.write('b\n');
  await until(
    'the second client reaches the same stdin',
    () => keep.logs({ stdout: true }),
    (b) => b.toString().includes('got b'),
  );
  second.end();
  assert.equal(await secondOut, 'got b\n');
  await sleep(300);
  assert.equal((await keep.inspect()).State.Status, 'running');
  await keep.remove({ force: true });

  const once = await docker.createContainer({
    Image: 'busybox',
    Cmd: ['sh', '-c', script],
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
  });
  assert.equal((await once.inspect()).Config.StdinOnce, true);
  const s = (await once.attach({ stream: true, stdin: true, stdout: true, hijack: true })) as Duplex;
  const out = readAll(s);
  await once.start();
  s.write('a\n');
  s.end();
  // the container's stdin is closed: the loop ends, and the stream carries everything to the exit
  assert.equal(await out, 'got a\neof\n');
  assert.equal((await once.wait()).StatusCode, 0);
  await once.remove({ force: true });
  // what the docker CLI sends: run -i is StdinOnce, the end of its input ends the container
  assert.equal(await ok(['run', '-i', '--rm', 'busybox', 'sh', '-c', script], { input: 'x\n' }), 'got x\neof');
});

test("docker cp into a container: files take the container's root owner, with -a (copyUIDGID) the container user's, or the source's without one", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cp-owner-'));
  try {
    fs.writeFileSync(path.join(dir, 'f.txt'), 'x\n');
    fs.mkdirSync(path.join(dir, 'd'));
    fs.writeFileSync(path.join(dir, 'd', 'in.txt'), 'y\n');
    for (const p of ['f.txt', 'd', 'd/in.txt']) fs.chownSync(path.join(dir, p), 1234, 5678);
    const plain = await ok(['run', '-d', 'busybox', 'sleep', '300']);
    const withUser = await ok(['run', '-d', '--user', 'nobody', 'busybox', 'sleep', '300']);
    const owner = (c: string, p: string) => ok(['exec', c, 'stat', '-c', '%u:%g', p]);
    await ok(['cp', path.join(dir, 'f.txt'), `${plain}:/tmp/a.txt`]);
    assert.equal(await owner(plain, '/tmp/a.txt'), '0:0');
    await ok(['cp', '-a', path.join(dir, 'f.txt'), `${plain}:/tmp/b.txt`]);
    assert.equal(await owner(plain, '/tmp/b.txt'), '1234:5678', 'no container user: the source owner');
    await ok(['cp', path.join(dir, 'd'), `${withUser}:/tmp/`]);
    assert.equal(await owner(withUser, '/tmp/d/in.txt'), '0:0');
    await ok(['cp', '-a', path.join(dir, 'd'), `${withUser}:/tmp/e`]);
    const nobody = await ok(['exec', withUser, 'sh', '-c', 'echo $(id -u):$(id -g)']);
    assert.equal(await owner(withUser, '/tmp/e'), nobody);
    assert.equal(await owner(withUser, '/tmp/e/in.txt'), nobody);
    // a tar from an SDK: its owners are replaced as well
    const docker = new Docker({ socketPath: sock });
    const tarFile = path.join(dir, 'x.tar');
    fs.writeFileSync(path.join(dir, 'sdk.txt'), 'z\n');
    fs.chownSync(path.join(dir, 'sdk.txt'), 42, 43);
    const tar = spawnSyncTar(dir, tarFile, 'sdk.txt');
    assert.equal(tar, 0);
    await docker.getContainer(plain).putArchive(tarFile, { path: '/tmp' });
    assert.equal(await owner(plain, '/tmp/sdk.txt'), '0:0');
    await docker.getContainer(withUser).putArchive(tarFile, { path: '/tmp', copyUIDGID: true });
    assert.equal(await owner(withUser, '/tmp/sdk.txt'), nobody);
    await ok(['rm', '-f', plain, withUser]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function spawnSyncTar(dir: string, out: string, name: string): number | null {
  return spawnSync('tar', ['-C', dir, '--numeric-owner', '-cf', out, name]).status;
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made by openssl. */
function makeMutualTls(dir: string): { ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string } {
  const f = makeTlsFiles(dir, { client: true });
  return { ca: f.caCert, serverCert: f.cert, serverKey: f.key, clientCert: f.clientCert, clientKey: f.clientKey };
}

test('tcp with mutual TLS: the docker CLI with --tlsverify and a client certificate works (run, exec); without one it is refused; no tcp without TLS', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tls-'));
  const tls = makeMutualTls(dir);
  const port = await freePort();
  const host = `tcp://127.0.0.1:${port}`;
  let tlsLog = '';
  const tlsServer = spawn(BERTH_BIN, ['serve', '-H', host, '--tlsverify', '--tlscacert', tls.ca, '--tlscert', tls.serverCert, '--tlskey', tls.serverKey], {
    env: t.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  tlsServer.stderr?.on('data', (d: Buffer) => (tlsLog += d.toString()));
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dockerConfig, DOCKER_CONFIG: dockerConfig };
  const tcpCli = (args: string[]) => runProgram(DOCKER_CLI, args, { env });
  try {
    for (let i = 0; i < 100 && !tlsLog.includes('API listening'); i++) await sleep(50);
    assert.match(tlsLog, new RegExp(`API listening on ${host}`));
    const verified = ['-H', host, '--tlsverify', '--tlscacert', tls.ca, '--tlscert', tls.clientCert, '--tlskey', tls.clientKey];
    const v = await tcpCli([...verified, 'version', '--format', '{{.Server.APIVersion}}']);
    assert.equal(v.code, 0, `${v.stderr}\n${tlsLog}`);
    assert.equal(v.stdout.trim(), '1.41');
    const r = await tcpCli([...verified, 'run', '--rm', 'busybox', 'sh', '-c', 'echo over-tls; exit 3']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'over-tls\n');
    const bg = await tcpCli([...verified, 'run', '-d', 'busybox', 'sleep', '300']);
    assert.equal(bg.code, 0, bg.stderr);
    const ex = await runProgram(DOCKER_CLI, [...verified, 'exec', '-i', bg.stdout.trim(), 'cat'], { env, input: 'piped over tls\n' });
    assert.equal(ex.code, 0, ex.stderr);
    assert.equal(ex.stdout, 'piped over tls\n');
    assert.equal((await tcpCli([...verified, 'rm', '-f', bg.stdout.trim()])).code, 0);
    // no client certificate: the handshake is refused
    const anon = await tcpCli(['-H', host, '--tls', '--tlscacert', tls.ca, 'version', '--format', '{{.Server.APIVersion}}']);
    assert.notEqual(anon.code, 0);
    assert.equal(anon.stdout.trim(), '');
    assert.match(anon.stderr, /certificate|tls|handshake|connection reset|EOF/i);
    // a certificate the CA did not sign is refused too
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tls-other-'));
    try {
      const rogue = makeMutualTls(other);
      const bad = await tcpCli(['-H', host, '--tlsverify', '--tlscacert', tls.ca, '--tlscert', rogue.clientCert, '--tlskey', rogue.clientKey, 'version']);
      assert.notEqual(bad.code, 0);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
    // plain HTTP on the TLS port gets no API
    const plain = await tcpCli(['-H', host, 'version', '--format', '{{.Server.APIVersion}}']);
    assert.notEqual(plain.code, 0);
    // tcp without mutual TLS is refused at start
    const noTls = await t.berth(['serve', '-H', `tcp://127.0.0.1:${await freePort()}`]);
    assert.equal(noTls.code, 1);
    assert.match(noTls.stderr, /refusing to listen on tcp without --tlsverify/);
    const half = await t.berth(['serve', '-H', `tcp://127.0.0.1:${await freePort()}`, '--tlsverify', '--tlscacert', tls.ca]);
    assert.notEqual(half.code, 0);
    assert.match(half.stderr, /--tlsverify needs --tlscacert, --tlscert and --tlskey/);
  } finally {
    tlsServer.kill('SIGTERM');
    await new Promise((r) => tlsServer.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A raw request on the unix socket: for the endpoints no CLI command shows as they are. */
function request(
  method: string,
  urlPath: string,
  opts: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath: sock, method, path: urlPath, headers: { ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...opts.headers } },
      (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b, type: String(res.headers['content-type']) }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const registryAuthHeader = (o: Record<string, string>) => ({ 'X-Registry-Auth': Buffer.from(JSON.stringify(o)).toString('base64url') });

test("GET /distribution/{name}/json: the registry's descriptor and platforms (an image, an index), auth from X-Registry-Auth, docker's errors", async () => {
  const reg = await startRegistry();
  const locked = await startRegistry({ auth: 'htpasswd', users: { bob: 'dist-secret' } });
  try {
    await ok(['tag', 'busybox', `${reg.host}/dist:1`]);
    const pushed = await ok(['push', `${reg.host}/dist:1`]);
    const digest = /digest: (sha256:[0-9a-f]{64}) size: (\d+)/.exec(pushed);
    assert.ok(digest, pushed);
    const [arch, osName] = (await ok(['image', 'inspect', '-f', '{{.Architecture}} {{.Os}}', 'busybox'])).split(' ');
    const r = await request('GET', `/v1.41/distribution/${reg.host}/dist:1/json`);
    assert.equal(r.status, 200, r.body);
    const info = JSON.parse(r.body) as {
      Descriptor: { mediaType: string; digest: string; size: number };
      Platforms: Array<{ architecture: string; os: string }>;
    };
    assert.equal(info.Descriptor.digest, digest[1]);
    assert.equal(info.Descriptor.size, Number(digest[2]));
    assert.match(info.Descriptor.mediaType, /^application\/vnd\.(oci\.image|docker\.distribution)\.manifest\.v[12]\+json$/);
    assert.deepEqual(info.Platforms, [{ architecture: arch, os: osName }]);
    // by digest too
    const byDigest = JSON.parse((await request('GET', `/v1.41/distribution/${reg.host}/dist@${digest[1]}/json`)).body) as typeof info;
    assert.equal(byDigest.Descriptor.digest, digest[1]);
    // an index: the platforms of its entries
    const list = await t.berth(['manifest', 'create', `${reg.host}/dist:list`, `${reg.host}/dist:1`]);
    assert.equal(list.code, 0, list.stderr);
    const lp = await t.berth(['manifest', 'push', `${reg.host}/dist:list`]);
    assert.equal(lp.code, 0, lp.stderr);
    const idx = JSON.parse((await request('GET', `/v1.41/distribution/${reg.host}/dist:list/json`)).body) as typeof info;
    assert.match(idx.Descriptor.mediaType, /index|manifest\.list/);
    assert.deepEqual(idx.Platforms, [{ architecture: arch, os: osName }]);
    // docker's errors: no such tag 404, a bad name 400
    const missing = await request('GET', `/v1.41/distribution/${reg.host}/dist:nope/json`);
    assert.equal(missing.status, 404);
    assert.equal(missing.type, 'application/json');
    assert.equal((await request('GET', `/v1.41/distribution/${reg.host}/BAD/json`)).status, 400);
    // a registry that wants credentials: refused without, served with X-Registry-Auth
    const lr = await cli(['login', '-u', 'bob', '--password-stdin', locked.host], { input: 'dist-secret\n' });
    assert.equal(lr.code, 0, lr.stderr);
    await ok(['tag', 'busybox', `${locked.host}/dist:1`]);
    await ok(['push', `${locked.host}/dist:1`]);
    await ok(['logout', locked.host]);
    const anon = await request('GET', `/v1.41/distribution/${locked.host}/dist:1/json`);
    assert.ok(anon.status >= 400 && anon.status < 500, `${anon.status} ${anon.body}`);
    const authed = await request('GET', `/v1.41/distribution/${locked.host}/dist:1/json`, {
      headers: registryAuthHeader({ username: 'bob', password: 'dist-secret', serveraddress: locked.host }),
    });
    assert.equal(authed.status, 200, authed.body);
    await ok(['rmi', `${reg.host}/dist:1`, `${locked.host}/dist:1`]);
  } finally {
    await reg.stop();
    await locked.stop();
  }
});

test("GET /images/search: the index's v1 search with limit and filters; an index that cannot be reached is dockerd's 500 with the failed GET", async () => {
  const seen: string[] = [];
  const index = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    const results = [
      { name: 'library/busybox', description: 'Busybox base image.', star_count: 3000, is_official: true, is_automated: false },
      { name: 'someone/busybox-tools', description: 'tools', star_count: 12, is_official: false, is_automated: true },
      { name: 'other/busybox-tiny', description: 'tiny', star_count: 1, is_official: false, is_automated: false },
    ];
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ num_results: results.length, query: 'busybox', results }));
  });
  await new Promise<void>((r) => index.listen(0, '127.0.0.1', r));
  const port = (index.address() as import('node:net').AddressInfo).port;
  try {
    const all = await ok(['search', '--format', '{{.Name}} {{.StarCount}} {{.IsOfficial}}', `127.0.0.1:${port}/busybox`]);
    assert.deepEqual(
      all.split('\n').map((l) => l.trim()),
      ['library/busybox 3000 [OK]', 'someone/busybox-tools 12', 'other/busybox-tiny 1'],
    );
    assert.equal(seen[0], '/v1/search?q=busybox&n=25');
    const filtered = await ok([
      'search',
      '--limit',
      '5',
      '--filter',
      'stars=10',
      '--filter',
      'is-official=false',
      '--format',
      '{{.Name}}',
      `127.0.0.1:${port}/busybox`,
    ]);
    assert.equal(filtered, 'someone/busybox-tools');
    assert.equal(seen[1], '/v1/search?q=busybox&n=5');
    const badLimit = await request('GET', `/v1.41/images/search?term=127.0.0.1:${port}/busybox&limit=101`);
    assert.equal(badLimit.status, 400);
  } finally {
    await new Promise((r) => index.close(r));
  }
  // nothing listens there now: dockerd's answer when its index cannot be reached
  const down = await request('GET', `/v1.41/images/search?term=127.0.0.1:${port}/busybox&limit=5`);
  assert.equal(down.status, 500);
  assert.equal(down.type, 'application/json');
  assert.equal((JSON.parse(down.body) as { message: string }).message, `Get "http://127.0.0.1:${port}/v1/search?q=busybox&n=5": connect: connection refused`);
  const viaCli = await cli(['search', `127.0.0.1:${port}/busybox`]);
  assert.equal(viaCli.code, 1);
  assert.match(viaCli.stderr, /^Error response from daemon: Get "http:\/\/127\.0\.0\.1:\d+\/v1\/search\?q=busybox&n=25": connect: connection refused/);
});

test("identity tokens: POST /auth gives a token server's refresh token as IdentityToken, the docker CLI keeps it instead of the password and pushes with it; Basic-auth registries give none, as dockerd", async () => {
  const reg = await startRegistry({ auth: 'token', users: { carol: 'token-secret' } });
  const basicReg = await startRegistry({ auth: 'htpasswd', users: { dave: 'basic-secret' } });
  try {
    const auth = await request('POST', '/v1.41/auth', { body: JSON.stringify({ username: 'carol', password: 'token-secret', serveraddress: reg.host }) });
    assert.equal(auth.status, 200, auth.body);
    const token = (JSON.parse(auth.body) as { IdentityToken: string; Status: string }).IdentityToken;
    assert.notEqual(token, '');
    const wrong = await request('POST', '/v1.41/auth', { body: JSON.stringify({ username: 'carol', password: 'nope', serveraddress: reg.host }) });
    assert.equal(wrong.status, 401);
    // the identity token alone logs in and pushes
    const again = await request('POST', '/v1.41/auth', { body: JSON.stringify({ identitytoken: token, serveraddress: reg.host }) });
    assert.equal(again.status, 200, again.body);
    const bogus = await request('POST', '/v1.41/auth', { body: JSON.stringify({ identitytoken: 'not-a-token', serveraddress: reg.host }) });
    assert.equal(bogus.status, 401);
    // through the docker CLI: it stores the identity token, not the password, and push sends it
    const login = await cli(['login', '-u', 'carol', '--password-stdin', reg.host], { input: 'token-secret\n' });
    assert.equal(login.code, 0, login.stderr);
    const saved = JSON.parse(fs.readFileSync(path.join(dockerConfig, 'config.json'), 'utf8')) as {
      auths: Record<string, { identitytoken?: string; auth?: string }>;
    };
    const entry = saved.auths[reg.host];
    assert.ok(entry?.identitytoken, JSON.stringify(saved));
    assert.ok(
      !Buffer.from(entry.auth ?? '', 'base64')
        .toString()
        .includes('token-secret'),
      'the password is not kept',
    );
    await ok(['tag', 'busybox', `${reg.host}/idt:1`]);
    const push = await cli(['push', `${reg.host}/idt:1`]);
    assert.equal(push.code, 0, push.stderr);
    await ok(['rmi', `${reg.host}/idt:1`]);
    assert.equal((await cli(['pull', `${reg.host}/idt:1`])).code, 0);
    // a refused identity token fails the push with docker's unauthorized
    const refused = await request('POST', `/v1.41/images/${reg.host}/idt/push?tag=1`, { headers: registryAuthHeader({ identitytoken: 'not-a-token' }) });
    assert.match(refused.body, /"errorDetail".*unauthorized/);
    await ok(['logout', reg.host]);
    await ok(['rmi', `${reg.host}/idt:1`]);
    // htpasswd: the credential is checked, and there is no identity token (dockerd gives '' too)
    const basic = await request('POST', '/v1.41/auth', { body: JSON.stringify({ username: 'dave', password: 'basic-secret', serveraddress: basicReg.host }) });
    assert.equal(basic.status, 200, basic.body);
    assert.deepEqual(JSON.parse(basic.body), { IdentityToken: '', Status: 'Login Succeeded' });
    const basicWrong = await request('POST', '/v1.41/auth', { body: JSON.stringify({ username: 'dave', password: 'x', serveraddress: basicReg.host }) });
    assert.equal(basicWrong.status, 401);
    assert.match((JSON.parse(basicWrong.body) as { message: string }).message, /unauthorized/);
  } finally {
    await reg.stop();
    await basicReg.stop();
  }
});

test("the container list as dockerd's: a running container's exposed ports without a binding, the image's id once its name is gone", async () => {
  await ok(['tag', 'busybox', 'listed:1']);
  const id = await ok(['run', '-d', '--expose', '7000', '-p', '127.0.0.1::80', 'listed:1', 'sleep', '300']);
  try {
    const ports = JSON.parse(await ok(['ps', '--filter', `id=${id}`, '--format', '{{json .Ports}}'])) as string;
    assert.match(ports, /127\.0\.0\.1:\d+->80\/tcp/);
    assert.match(ports, /7000\/tcp/);
    assert.equal(await ok(['ps', '--filter', `id=${id}`, '--format', '{{.Image}}']), 'listed:1');
    await ok(['rmi', 'listed:1']);
    const imageId = await ok(['inspect', '-f', '{{.Image}}', id]);
    assert.equal(await ok(['ps', '--filter', `id=${id}`, '--format', '{{.Image}}']), imageId.replace(/^sha256:/, '').slice(0, 12));
    // berth's own ps says the same
    assert.equal((await t.berth(['ps', '--filter', `id=${id}`, '--format', '{{.Image}}'])).stdout.trim(), imageId.replace(/^sha256:/, '').slice(0, 12));
  } finally {
    await ok(['rm', '-f', id]);
  }
});
