import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BERTH_BIN, makeTestEnv, runProgram, type TestEnv } from '../../src/testkit/berth-cli.js';
import { registryAvailable, startRegistry } from '../../src/testkit/registry.js';

const DOCKER = '/usr/local/bin/docker';

let t: TestEnv;
let sock: string;
let server: ChildProcess;
let serverLog = '';
let dockerConfig: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForSocket(p: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (fs.existsSync(p)) return;
    if (child.exitCode !== null) throw new Error(`berth serve exited: ${serverLog}`);
    await sleep(50);
  }
  throw new Error(`no socket at ${p}: ${serverLog}`);
}

function startServe(args: string[], env: NodeJS.ProcessEnv = t.env): ChildProcess {
  const child = spawn(BERTH_BIN, ['serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (serverLog += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
  return child;
}

before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
  sock = path.join(t.runRoot, 'd.sock');
  dockerConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dockercfg-'));
  // the server's own credentials file is empty: a push authenticates only with what the client sends
  server = startServe(['-H', `unix://${sock}`], { ...t.env, BERTH_AUTH_FILE: path.join(dockerConfig, 'server-auth.json') });
  await waitForSocket(sock, server);
});

after(async () => {
  if (server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  await t.cleanup();
  fs.rmSync(dockerConfig, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real docker CLI against berth serve. */
function docker(args: string[], opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string; bin?: string } = {}): Promise<Run> {
  const bin = opts.bin ?? DOCKER;
  const argv = bin === DOCKER ? ['-H', `unix://${sock}`, ...args] : args;
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dockerConfig, DOCKER_CONFIG: dockerConfig, DOCKER_HOST: `unix://${sock}`, ...opts.env };
  return runProgram(bin, argv, { ...opts, env });
}

async function ok(args: string[], opts: { input?: string } = {}): Promise<string> {
  const r = await docker(args, opts);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\nserver: ${serverLog}`);
  return r.stdout.trim();
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A raw HTTP request on the socket, for the wire details. */
function request(method: string, urlPath: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath: sock, method, path: urlPath, headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function json(r: Reply): unknown {
  return JSON.parse(r.body.toString('utf8'));
}

/** Split docker's multiplexed stream into [stream, text] frames. */
function demux(buf: Buffer): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let off = 0;
  while (off + 8 <= buf.length) {
    assert.deepEqual([...buf.subarray(off + 1, off + 4)], [0, 0, 0], 'frame header bytes 1-3 are zero');
    const len = buf.readUInt32BE(off + 4);
    out.push([buf[off] as number, buf.subarray(off + 8, off + 8 + len).toString('utf8')]);
    off += 8 + len;
  }
  assert.equal(off, buf.length, 'the stream is whole frames');
  return out;
}

async function createRaw(body: Record<string, unknown>, name?: string): Promise<string> {
  const r = await request('POST', `/v1.41/containers/create${name ? `?name=${name}` : ''}`, JSON.stringify(body));
  assert.equal(r.status, 201, r.body.toString());
  return (json(r) as { Id: string }).Id;
}

test("the socket is the API: mode 0660 to the docker group (or 0600), version headers on /_ping, docker's version prefixes", async () => {
  const st = fs.statSync(sock);
  const group = fs
    .readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('docker:') || l.startsWith('berth:'));
  assert.equal(st.mode & 0o777, group ? 0o660 : 0o600);
  if (group) assert.equal(st.gid, Number(group.split(':')[2]));
  for (const method of ['GET', 'HEAD']) {
    const r = await request(method, '/_ping');
    assert.equal(r.status, 200);
    assert.equal(r.headers['api-version'], '1.41');
    assert.equal(r.headers['ostype'], 'linux');
    assert.match(String(r.headers['server']), /berth/);
    assert.equal(r.body.toString(), method === 'GET' ? 'OK' : '');
  }
  const v = json(await request('GET', '/v1.24/version')) as Record<string, string>;
  assert.equal(v['ApiVersion'], '1.41');
  assert.equal(v['MinAPIVersion'], '1.24');
  assert.equal((await request('GET', '/version')).status, 200);
  const tooNew = await request('GET', '/v1.45/version');
  assert.equal(tooNew.status, 400);
  assert.equal(tooNew.headers['content-type'], 'application/json');
  assert.deepEqual(json(tooNew), { message: 'client version 1.45 is too new. Maximum supported API version is 1.41' });
  const info = json(await request('GET', '/info')) as Record<string, unknown>;
  assert.equal(info['OSType'], 'linux');
  assert.equal(typeof info['Containers'], 'number');
  assert.match(await ok(['version', '--format', '{{.Server.APIVersion}}']), /^1\.41$/);
});

test('errors are {"message"} with application/json and docker\'s status codes; malformed requests get 4xx and the server lives on', async () => {
  const missing = await request('GET', '/v1.41/containers/nosuch/json');
  assert.equal(missing.status, 404);
  assert.equal(missing.headers['content-type'], 'application/json');
  assert.deepEqual(json(missing), { message: 'No such container: nosuch' });
  assert.equal((await request('GET', '/v1.41/nothing/here')).status, 404);
  assert.equal((await request('POST', '/v1.41/containers/create', '{not json')).status, 400);
  assert.equal((await request('POST', '/v1.41/containers/create', '[1,2]')).status, 400);
  assert.equal((await request('POST', '/v1.41/containers/create', JSON.stringify({ Image: 'busybox', Cmd: 7 }))).status, 400);
  const noImage = await request('POST', '/v1.41/containers/create', JSON.stringify({ Image: 'nosuchimage:1' }));
  assert.equal(noImage.status, 404);
  assert.match((json(noImage) as { message: string }).message, /No such image: nosuchimage:1/);
  assert.equal((await request('GET', '/v1.41/containers/json?filters=%7Bbad')).status, 400);
  assert.equal((await request('GET', '/v1.41/containers/json?all=maybe')).status, 400);
  assert.equal((await request('GET', `/v1.41/containers/json?filters=${encodeURIComponent('{"bogus":["1"]}')}`)).status, 400);
  assert.equal((await request('GET', '/v1.41/images/%ZZ/json')).status, 400);
  assert.equal((await request('GET', '/v1.41/../../../etc/passwd')).status, 404);
  const huge = await request('POST', '/v1.41/containers/create', Buffer.alloc(5 * 1024 * 1024, 0x20));
  assert.equal(huge.status, 413);
  // a conflict: the same name twice
  const id = await createRaw({ Image: 'busybox', Cmd: ['true'] }, 'dupe');
  const again = await request('POST', '/v1.41/containers/create?name=dupe', JSON.stringify({ Image: 'busybox', Cmd: ['true'] }));
  assert.equal(again.status, 409);
  assert.equal((await request('DELETE', `/v1.41/containers/${id}`)).status, 204);
  assert.equal((await request('GET', '/_ping')).status, 200);
});

test("docker run through the socket: output, the container's exit code, 125/126/127, stdin, a terminal", async () => {
  assert.equal(await ok(['run', '--rm', 'busybox', 'echo', 'hi']), 'hi');
  const r = await docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.equal(r.code, 3);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
  const notFound = await docker(['run', '--rm', 'busybox', 'nosuchcmd']);
  assert.equal(notFound.code, 127, notFound.stderr);
  const cannot = await docker(['run', '--rm', 'busybox', '/etc/passwd']);
  assert.equal(cannot.code, 126, cannot.stderr);
  assert.equal(await ok(['run', '--rm', '-i', 'busybox', 'cat'], { input: 'from stdin\n' }), 'from stdin');
  assert.equal((await ok(['run', '--rm', '-t', 'busybox', 'echo', 'tty'])).replace(/\r/g, ''), 'tty');
  assert.equal((await docker(['run', '--rm', 'nosuchimage-x:1', 'true'])).code, 125);
  // --rm removed each of them
  assert.equal(await ok(['ps', '-aq']), '');
  // without --rm: the exit code from wait's next-exit, the container kept
  const kept = await docker(['run', '--name', 'kept', 'busybox', 'sh', '-c', 'echo kept; exit 6']);
  assert.equal(kept.code, 6);
  assert.equal(kept.stdout, 'kept\n');
  assert.equal(await ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'kept']), 'exited 6');
  assert.equal(await ok(['wait', 'kept']), '6');
  await ok(['rm', 'kept']);
});

test("Debian's docker.io 20.10 CLI too: run with the exit code, exec, cp, logs", { skip: !fs.existsSync('/usr/bin/docker') }, async () => {
  const old = (args: string[], input?: string) =>
    docker(['-H', `unix://${sock}`, ...args], { bin: '/usr/bin/docker', ...(input !== undefined ? { input } : {}) });
  const r = await old(['run', '--rm', 'busybox', 'sh', '-c', 'echo old-cli; exit 4']);
  assert.equal(r.code, 4, r.stderr);
  assert.equal(r.stdout, 'old-cli\n');
  assert.equal((await old(['run', '-d', '--name', 'o1', 'busybox', 'sleep', '300'])).code, 0);
  assert.equal((await old(['exec', '-i', 'o1', 'cat'], 'exec-old\n')).stdout, 'exec-old\n');
  const src = path.join(dockerConfig, 'old.txt');
  fs.writeFileSync(src, 'old-cp\n');
  assert.equal((await old(['cp', src, 'o1:/tmp/'])).code, 0);
  assert.equal((await old(['exec', 'o1', 'cat', '/tmp/old.txt'])).stdout, 'old-cp\n');
  assert.equal((await old(['rm', '-f', 'o1'])).code, 0);
});

test('docker run -d, ps, logs, exec, inspect, top, stats, cp both ways, diff, stop, rm', async () => {
  const id = await ok(['run', '-d', '--name', 'web', '--label', 'tier=front', 'busybox', 'sh', '-c', 'echo started; echo oops >&2; exec sleep 300']);
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.match(await ok(['ps', '--format', '{{.Names}} {{.Status}}']), /^web Up /);
  assert.equal(await ok(['ps', '-q', '--filter', 'label=tier=front', '--filter', 'name=web']), id.slice(0, 12));
  assert.equal(await ok(['ps', '-q', '--filter', 'label=tier=back']), '');
  for (let i = 0; i < 50 && !(await docker(['logs', 'web'])).stdout.includes('started'); i++) await sleep(100);
  const logs = await docker(['logs', 'web']);
  assert.equal(logs.stdout, 'started\n');
  assert.equal(logs.stderr, 'oops\n');
  assert.match(await ok(['logs', '-t', '--tail', '1', 'web']), /^$|^\d{4}-\d\d-\d\dT/);
  const ex = await docker(['exec', 'web', 'sh', '-c', 'echo in-exec; echo e2 >&2; exit 4']);
  assert.equal(ex.code, 4);
  assert.equal(ex.stdout, 'in-exec\n');
  assert.equal(ex.stderr, 'e2\n');
  assert.equal(await ok(['exec', '-i', 'web', 'cat'], { input: 'piped\n' }), 'piped');
  assert.equal(await ok(['exec', '-e', 'X=1', '-w', '/tmp', 'web', 'sh', '-c', 'echo $X $(pwd)']), '1 /tmp');
  assert.equal((await docker(['exec', 'web', 'nosuchcmd'])).code, 127);
  assert.equal(await ok(['exec', '-d', 'web', 'touch', '/tmp/detached']), '');
  assert.equal(
    await ok(['inspect', '-f', '{{.State.Status}} {{.Name}} {{.Config.Labels.tier}} {{.Image}}', 'web']),
    `running /web front ${await ok(['image', 'inspect', '-f', '{{.Id}}', 'busybox'])}`,
  );
  assert.match(await ok(['top', 'web']), /sleep 300/);
  assert.match(await ok(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'web']), /^web \d+$/);
  const src = path.join(dockerConfig, 'in.txt');
  fs.writeFileSync(src, 'copied in\n');
  await ok(['cp', src, 'web:/tmp/']);
  assert.equal(await ok(['exec', 'web', 'cat', '/tmp/in.txt']), 'copied in');
  const dest = path.join(dockerConfig, 'out');
  await ok(['cp', 'web:/tmp/in.txt', dest]);
  assert.equal(fs.readFileSync(dest, 'utf8'), 'copied in\n');
  assert.match(await ok(['diff', 'web']), /^A \/tmp\/in\.txt$/m);
  await ok(['rename', 'web', 'web2']);
  await ok(['pause', 'web2']);
  assert.equal(await ok(['inspect', '-f', '{{.State.Status}}', 'web2']), 'paused');
  await ok(['unpause', 'web2']);
  assert.equal(await ok(['stop', '-t', '1', 'web2']), 'web2');
  assert.equal(await ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'web2']), 'exited 137');
  // stop of a stopped container is docker's 304: the CLI still succeeds
  const again = await request('POST', `/v1.41/containers/${id}/stop`);
  assert.equal(again.status, 304);
  await ok(['start', 'web2']);
  const started = await request('POST', `/v1.41/containers/${id}/start`);
  assert.equal(started.status, 304);
  const conflict = await request('DELETE', `/v1.41/containers/${id}`);
  assert.equal(conflict.status, 409);
  await ok(['rm', '-f', 'web2']);
  assert.equal((await request('GET', `/v1.41/containers/${id}/json`)).status, 404);
});

test('wait sends its headers before the start and never misses a fast exit; logs are framed without a TTY, raw with one', async () => {
  const id = await createRaw({ Image: 'busybox', Cmd: ['sh', '-c', 'echo one; echo two >&2; exit 7'] });
  const waited = new Promise<{ status: number; headersAt: number; body: string }>((resolve, reject) => {
    const req = http.request({ socketPath: sock, method: 'POST', path: `/v1.41/containers/${id}/wait?condition=next-exit` }, (res) => {
      const headersAt = Date.now();
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headersAt, body }));
    });
    req.on('error', reject);
    req.end();
  });
  await sleep(300);
  const startAt = Date.now();
  assert.equal((await request('POST', `/v1.41/containers/${id}/start`)).status, 204);
  const w = await waited;
  assert.equal(w.status, 200);
  assert.ok(w.headersAt < startAt, 'headers came before the start');
  assert.deepEqual(JSON.parse(w.body), { Error: null, StatusCode: 7 });
  const logs = await request('GET', `/v1.41/containers/${id}/logs?stdout=1&stderr=1`);
  assert.equal(logs.status, 200);
  assert.deepEqual(demux(logs.body), [
    [1, 'one\n'],
    [2, 'two\n'],
  ]);
  const onlyErr = await request('GET', `/v1.41/containers/${id}/logs?stderr=1`);
  assert.deepEqual(demux(onlyErr.body), [[2, 'two\n']]);
  assert.equal((await request('GET', `/v1.41/containers/${id}/logs`)).status, 400);
  // not-running on an exited container answers at once
  assert.deepEqual(json(await request('POST', `/v1.41/containers/${id}/wait`)), { Error: null, StatusCode: 7 });
  const tty = await createRaw({ Image: 'busybox', Cmd: ['echo', 'raw'], Tty: true });
  await request('POST', `/v1.41/containers/${tty}/start`);
  assert.equal((json(await request('POST', `/v1.41/containers/${tty}/wait`)) as { StatusCode: number }).StatusCode, 0);
  const raw = await request('GET', `/v1.41/containers/${tty}/logs?stdout=1`);
  assert.equal(raw.body.toString().replace(/\r/g, ''), 'raw\n');
  // condition=removed answers once an AutoRemove container is gone, with its exit code
  const gone = await createRaw({ Image: 'busybox', Cmd: ['sh', '-c', 'exit 5'], HostConfig: { AutoRemove: true } });
  const removed = request('POST', `/v1.41/containers/${gone}/wait?condition=removed`);
  await sleep(200);
  await request('POST', `/v1.41/containers/${gone}/start`);
  assert.deepEqual(json(await removed), { Error: null, StatusCode: 5 });
  assert.equal((await request('GET', `/v1.41/containers/${gone}/json`)).status, 404);
  for (const c of [id, tty]) await request('DELETE', `/v1.41/containers/${c}?force=1`);
});

/** An upgraded (hijacked) request: the status head, then everything the server sends until it closes. */
function hijack(urlPath: string, input?: string, jsonBody?: string): Promise<{ head: string; stream: Buffer }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(sock);
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', reject);
    s.on('end', () => {
      const all = Buffer.concat(chunks);
      const i = all.indexOf('\r\n\r\n');
      resolve({ head: all.subarray(0, i).toString(), stream: all.subarray(i + 4) });
      s.end();
    });
    const body = jsonBody ?? '';
    const type = jsonBody === undefined ? '' : 'Content-Type: application/json\r\n';
    s.write(`POST ${urlPath} HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n${type}Content-Length: ${body.length}\r\n\r\n${body}`);
    if (input !== undefined) {
      s.write(input);
      // the client half-closes: no more input, but all the output must still come
      s.end();
    }
  });
}

test("attach is hijacked: 101 UPGRADED with docker's headers, frames without a TTY, all output after the client half-closes", async () => {
  const id = await createRaw({
    Image: 'busybox',
    Cmd: ['sh', '-c', 'read line; echo got $line; echo bye >&2'],
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
  });
  const attached = hijack(`/v1.41/containers/${id}/attach?stream=1&stdin=1&stdout=1&stderr=1`, 'hello\n');
  await sleep(300);
  assert.equal((await request('POST', `/v1.41/containers/${id}/start`)).status, 204);
  const { head, stream } = await attached;
  assert.match(head, /^HTTP\/1\.1 101 UPGRADED\r\n/);
  assert.match(head, /\r\nContent-Type: application\/vnd\.docker\.raw-stream\r\n/);
  assert.match(head, /\r\nConnection: Upgrade\r\n/);
  assert.match(head, /\r\nUpgrade: tcp(\r\n|$)/);
  assert.deepEqual(demux(stream), [
    [1, 'got hello\n'],
    [2, 'bye\n'],
  ]);
  await request('DELETE', `/v1.41/containers/${id}?force=1`);
  // docker start -a: attached to an exited container, which then starts again
  const sa = await ok(['create', '--name', 'starta', 'busybox', 'echo', 'start-a']);
  assert.equal(await ok(['start', '-a', 'starta']), 'start-a');
  assert.equal(await ok(['start', '-a', 'starta']), 'start-a');
  // ctrl-p ctrl-q on a terminal's input detaches: the stream ends, the container runs on
  const shell = await createRaw({ Image: 'busybox', Cmd: ['sh'], Tty: true, OpenStdin: true });
  await request('POST', `/v1.41/containers/${shell}/start`);
  const detached = await new Promise<string>((resolve, reject) => {
    const c = net.connect(sock);
    let seen = '';
    let sentKeys = false;
    c.on('data', (d: Buffer) => {
      seen += d.toString();
      if (!sentKeys && /still-here\r?\n/.test(seen.slice(seen.indexOf('\r\n\r\n')))) {
        sentKeys = true;
        c.write('\x10\x11');
      }
    });
    c.on('error', reject);
    c.on('end', () => resolve(seen));
    c.write(
      `POST /v1.41/containers/${shell}/attach?stream=1&stdin=1&stdout=1 HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n`,
    );
    setTimeout(() => c.write('echo still-here\n'), 300);
  });
  assert.match(detached, /^HTTP\/1\.1 101 /);
  assert.equal(await ok(['inspect', '-f', '{{.State.Status}}', shell]), 'running');
  await ok(['rm', '-f', shell]);
  const paused = await ok(['run', '-d', 'busybox', 'sleep', '300']);
  await ok(['pause', paused]);
  const refused = await hijack(`/v1.41/containers/${paused}/attach?stream=1&stdout=1`);
  assert.match(refused.head, /^HTTP\/1\.1 409 /);
  await ok(['rm', '-f', sa, paused]);
});

test("attach without Upgrade streams in the body; resize sizes a container's terminal; events since/until replay history", async () => {
  const since = (Date.now() / 1000 - 1).toFixed(3);
  const id = await createRaw({ Image: 'busybox', Cmd: ['sh', '-c', 'sleep 1; echo plain'] });
  await request('POST', `/v1.41/containers/${id}/start`);
  const plain = await request('POST', `/v1.41/containers/${id}/attach?stream=1&stdout=1&stderr=1`);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['content-type'], 'application/vnd.docker.raw-stream');
  assert.deepEqual(demux(plain.body), [[1, 'plain\n']]);
  const tty = await createRaw({ Image: 'busybox', Cmd: ['sh', '-c', 'sleep 1; stty size'], Tty: true });
  await request('POST', `/v1.41/containers/${tty}/start`);
  assert.equal((await request('POST', `/v1.41/containers/${tty}/resize?h=33&w=101`)).status, 200);
  await request('POST', `/v1.41/containers/${tty}/wait`);
  assert.equal((await request('GET', `/v1.41/containers/${tty}/logs?stdout=1`)).body.toString().trim(), '33 101');
  const until = (Date.now() / 1000 + 0.5).toFixed(3);
  const ev = await request(
    'GET',
    `/v1.41/events?since=${since}&until=${until}&filters=${encodeURIComponent(JSON.stringify({ container: [id], event: ['start', 'die'] }))}`,
  );
  assert.equal(ev.status, 200);
  const actions = ev.body
    .toString()
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { Action: string; Actor: { ID: string } }).Action);
  assert.deepEqual(actions, ['start', 'die']);
  for (const c of [id, tty]) await request('DELETE', `/v1.41/containers/${c}`);
});

test('exec over the API: create, start hijacked with frames, inspect with the exit code; a terminal sized by resize', async () => {
  const id = await createRaw({ Image: 'busybox', Cmd: ['sleep', '300'] });
  await request('POST', `/v1.41/containers/${id}/start`);
  const ex = await request(
    'POST',
    `/v1.41/containers/${id}/exec`,
    JSON.stringify({ Cmd: ['sh', '-c', 'echo a; echo b >&2; exit 9'], AttachStdout: true, AttachStderr: true }),
  );
  assert.equal(ex.status, 201);
  const execId = (json(ex) as { Id: string }).Id;
  const body = JSON.stringify({ Detach: false, Tty: false });
  // no input: the client half-closes at once, and all the output must still come
  const got = await hijack(`/v1.41/exec/${execId}/start`, '', body);
  assert.match(got.head, /^HTTP\/1\.1 101 UPGRADED/);
  assert.deepEqual(demux(got.stream).sort(), [
    [1, 'a\n'],
    [2, 'b\n'],
  ]);
  const insp = json(await request('GET', `/v1.41/exec/${execId}/json`)) as { Running: boolean; ExitCode: number; ContainerID: string };
  assert.equal(insp.Running, false);
  assert.equal(insp.ExitCode, 9);
  assert.equal(insp.ContainerID, id);
  assert.equal((await request('GET', '/v1.41/exec/nosuch/json')).status, 404);
  // with a terminal: raw output, and the terminal takes the size the client sets
  const tex = await request(
    'POST',
    `/v1.41/containers/${id}/exec`,
    JSON.stringify({ Cmd: ['sh', '-c', 'sleep 1; stty size; tty'], Tty: true, AttachStdout: true, AttachStderr: true }),
  );
  const ttyId = (json(tex) as { Id: string }).Id;
  const ttyBody = JSON.stringify({ Detach: false, Tty: true });
  const ttyOut = new Promise<string>((resolve, reject) => {
    const s = net.connect(sock);
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', reject);
    s.on('end', () => {
      const all = Buffer.concat(chunks).toString();
      resolve(all.slice(all.indexOf('\r\n\r\n') + 4));
      s.end();
    });
    s.write(
      `POST /v1.41/exec/${ttyId}/start HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${ttyBody.length}\r\n\r\n${ttyBody}`,
    );
  });
  let resized = 0;
  for (let i = 0; i < 20 && resized !== 200; i++) {
    await sleep(50);
    resized = (await request('POST', `/v1.41/exec/${ttyId}/resize?h=40&w=120`)).status;
  }
  assert.equal(resized, 200);
  assert.match(await ttyOut, /^40 120\r?\n\/dev\/pts\/\d+\r?\n$/);
  assert.equal((await request('POST', `/v1.41/exec/${execId}/resize?h=40&w=120`)).status, 409, 'no terminal to resize');
  await request('DELETE', `/v1.41/containers/${id}?force=1`);
});

test('archive: HEAD/GET carry X-Docker-Container-Path-Stat; paths stay inside the container, a hostile tar too', async () => {
  const id = await createRaw({ Image: 'busybox', Cmd: ['sleep', '300'] });
  await request('POST', `/v1.41/containers/${id}/start`);
  const head = await request('HEAD', `/v1.41/containers/${id}/archive?path=/etc/hostname`);
  assert.equal(head.status, 200);
  const stat = JSON.parse(Buffer.from(String(head.headers['x-docker-container-path-stat']), 'base64').toString()) as {
    name: string;
    mode: number;
    size: number;
  };
  assert.equal(stat.name, 'hostname');
  assert.equal(stat.size, 13);
  const dir = JSON.parse(
    Buffer.from(String((await request('HEAD', `/v1.41/containers/${id}/archive?path=/etc`)).headers['x-docker-container-path-stat']), 'base64').toString(),
  ) as { mode: number };
  assert.equal(dir.mode >>> 31, 1, "a directory has Go's ModeDir bit");
  assert.equal((await request('HEAD', `/v1.41/containers/${id}/archive?path=/nosuch`)).status, 404);
  assert.equal((await request('GET', `/v1.41/containers/${id}/archive`)).status, 400);
  // .. cannot climb out of the container's root: this is the container's /etc/hostname
  const climb = await request('GET', `/v1.41/containers/${id}/archive?path=${encodeURIComponent('/../../../../etc/hostname')}`);
  assert.equal(climb.status, 200);
  assert.ok(climb.body.includes(Buffer.from(`${id.slice(0, 12)}\n`)), "the container's own file");
  // a tar whose entries climb with .. or are absolute lands inside the container or is refused
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-evil-'));
  const marker = `berth-evil-${process.pid}`;
  fs.writeFileSync(path.join(work, 'f'), 'x');
  const tar = spawnSync('tar', ['-C', work, '-P', '-cf', '-', '--transform', `s|^f$|../../../../../../tmp/${marker}|`, 'f'], { maxBuffer: 1 << 20 });
  const put = await request('PUT', `/v1.41/containers/${id}/archive?path=/tmp`, tar.stdout, { 'Content-Type': 'application/x-tar' });
  assert.ok(put.status === 200 || (put.status >= 400 && put.status < 500), `status ${put.status}`);
  assert.ok(!fs.existsSync(`/tmp/${marker}`), 'nothing written outside the container');
  fs.rmSync(work, { recursive: true, force: true });
  assert.equal(
    (await request('PUT', `/v1.41/containers/${id}/archive?path=/tmp`, Buffer.from('not a tar at all, not at all'), { 'Content-Type': 'application/x-tar' }))
      .status >= 400,
    true,
  );
  assert.equal((await request('GET', '/_ping')).status, 200);
  const exp = await request('GET', `/v1.41/containers/${id}/export`);
  assert.equal(exp.status, 200);
  assert.ok(exp.body.includes(Buffer.from('bin/busybox')));
  await request('DELETE', `/v1.41/containers/${id}?force=1`);
});

test('container list filters in both encodings; events stream what the CLI and the server do', async () => {
  const events: string[] = [];
  const req = http.request(
    { socketPath: sock, method: 'GET', path: `/v1.41/events?filters=${encodeURIComponent('{"type":["container"],"event":["create","destroy"]}')}` },
    (res) => {
      assert.equal(res.headers['content-type'], 'application/json');
      res.on('data', (c: Buffer) => events.push(...c.toString().split('\n').filter(Boolean)));
    },
  );
  req.end();
  await sleep(300);
  const a = await createRaw({ Image: 'busybox', Cmd: ['true'], Labels: { k: 'v1' } }, 'fa');
  // berth's own CLI on the same store: its events reach the server's stream
  const b = (await t.berth(['create', '--name', 'fb', '--label', 'k=v2', 'busybox', 'true'])).stdout.trim();
  const list = async (filters: string) =>
    (
      json(await request('GET', `/v1.41/containers/json?all=1&filters=${encodeURIComponent(filters)}`)) as Array<{
        Id: string;
        Names: string[];
        Ports: unknown[];
        Labels: Record<string, string>;
      }>
    ).map((c) => c.Names[0]);
  assert.deepEqual(await list('{"label":["k=v1"]}'), ['/fa']);
  assert.deepEqual(await list('{"label":{"k=v2":true}}'), ['/fb']);
  assert.deepEqual((await list('{"name":["^f[ab]$"]}')).sort(), ['/fa', '/fb']);
  const one = (
    json(await request('GET', `/v1.41/containers/json?all=1&filters=${encodeURIComponent(`{"id":["${a}"]}`)}`)) as Array<Record<string, unknown>>
  )[0] as Record<string, unknown>;
  assert.deepEqual(one['Ports'], []);
  assert.equal(one['State'], 'created');
  assert.equal(one['Image'], 'busybox');
  await t.berth(['rm', b]);
  await request('DELETE', `/v1.41/containers/${a}`);
  for (let i = 0; i < 30 && events.length < 4; i++) await sleep(100);
  req.destroy();
  const seen = events
    .map((l) => JSON.parse(l) as { Action: string; Actor: { Attributes: { name: string } } })
    .map((e) => `${e.Action} ${e.Actor.Attributes.name}`);
  assert.deepEqual(seen, ['create fa', 'create fb', 'destroy fb', 'destroy fa']);
});

test("the container list shows at once what berth's CLI did and a monitor that died, however often it was asked before", async () => {
  type Summary = { Names: string[]; State: string; Status: string };
  const list = async (all: boolean) => json(await request('GET', `/v1.41/containers/json${all ? '?all=1' : ''}`)) as Summary[];
  const find = async (name: string, all = false) => (await list(all)).find((c) => c.Names[0] === `/${name}`);
  // the server has answered (and kept) lists of this store before each change
  for (let i = 0; i < 3; i++) await list(true);
  const id = (await t.berth(['run', '-d', '--name', 'lc1', '--network', 'none', 'busybox', 'sleep', '60'])).stdout.trim();
  assert.equal((await find('lc1'))?.State, 'running');
  assert.match((await find('lc1'))?.Status ?? '', /^Up /);
  await t.berth(['rename', 'lc1', 'lc2']);
  assert.equal(await find('lc1', true), undefined);
  assert.equal((await find('lc2'))?.State, 'running');
  await t.berth(['stop', '-t', '0', 'lc2']);
  assert.equal(await find('lc2'), undefined);
  assert.match((await find('lc2', true))?.Status ?? '', /^Exited \(137\)/);
  await t.berth(['rm', id]);
  assert.equal(await find('lc2', true), undefined);
  // conmon killed, then the container's process: nobody writes an exit file, /proc tells
  await t.berth(['run', '-d', '--name', 'lc3', '--network', 'none', 'busybox', 'sleep', '60']);
  assert.equal((await find('lc3'))?.State, 'running');
  const pid = Number((await t.berth(['inspect', '--format', '{{.State.Pid}}', 'lc3'])).stdout.trim());
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const conmon = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  process.kill(conmon, 'SIGKILL');
  process.kill(pid, 'SIGKILL');
  let state: string | undefined = 'running';
  for (let i = 0; i < 50 && state === 'running'; i++) {
    await sleep(100);
    state = (await find('lc3', true))?.State;
  }
  assert.equal(state, 'exited');
  assert.match((await find('lc3', true))?.Status ?? '', /^Exited \(255\)/);
  await t.berth(['rm', 'lc3']);
});

test('images through the CLI: images, tag, history, inspect, save, load, rmi, pull errors as docker shows them', async () => {
  assert.match(await ok(['images', '--format', '{{.Repository}}:{{.Tag}}']), /^busybox:latest$/m);
  await ok(['tag', 'busybox', 'srvtag:1']);
  assert.match(await ok(['images', '--format', '{{.Repository}}:{{.Tag}}']), /^srvtag:1$/m);
  assert.match(await ok(['history', 'srvtag:1']), /IMAGE/);
  assert.equal(await ok(['image', 'inspect', '-f', '{{.Id}}', 'srvtag:1']), await ok(['image', 'inspect', '-f', '{{.Id}}', 'busybox']));
  const tar = path.join(dockerConfig, 'save.tar');
  await ok(['save', '-o', tar, 'srvtag:1']);
  assert.ok(fs.statSync(tar).size > 1000);
  assert.match(await ok(['rmi', 'srvtag:1']), /Untagged: srvtag:1/);
  assert.match(await ok(['load', '-i', tar]), /Loaded image: srvtag:1/);
  await ok(['rmi', 'srvtag:1']);
  const imgs = json(await request('GET', '/v1.41/images/json')) as Array<{ RepoTags: string[]; Id: string }>;
  assert.ok(imgs.some((i) => i.RepoTags.includes('busybox:latest')));
  assert.equal((await request('GET', '/v1.41/images/nosuch:1/json')).status, 404);
  const pull = await docker(['pull', '127.0.0.1:1/nothing:1']);
  assert.equal(pull.code, 1);
  assert.match(pull.stderr, /Error response from daemon/);
});

test('networks and volumes: create, connect by name, inspect, rm, prune; system df', async () => {
  await ok(['network', 'create', 'srvnet']);
  await ok(['volume', 'create', 'srvvol']);
  await ok(['run', '-d', '--name', 'peer', '--network', 'srvnet', '-v', 'srvvol:/data', 'busybox', 'sleep', '300']);
  assert.match(await ok(['run', '--rm', '--network', 'srvnet', 'busybox', 'ping', '-c', '1', 'peer']), /1 packets received/);
  assert.equal(await ok(['network', 'inspect', '-f', '{{len .Containers}}', 'srvnet']), '1');
  assert.match(await ok(['volume', 'inspect', '-f', '{{.Name}} {{.Driver}}', 'srvvol']), /^srvvol local$/);
  assert.match(await ok(['volume', 'ls', '-q']), /^srvvol$/m);
  const inUse = await docker(['volume', 'rm', 'srvvol']);
  assert.notEqual(inUse.code, 0);
  await ok(['network', 'disconnect', 'srvnet', 'peer']);
  await ok(['network', 'connect', 'srvnet', 'peer']);
  await ok(['rm', '-f', 'peer']);
  await ok(['network', 'rm', 'srvnet']);
  await ok(['volume', 'rm', 'srvvol']);
  assert.equal((await request('GET', '/v1.41/networks/srvnet')).status, 404);
  assert.match(await ok(['system', 'df']), /Images/);
});

test('build (classic builder), commit, update, import and export through the CLI', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bctx-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\nARG WHO=nobody\nRUN echo "built by $WHO" > /built\nCOPY f /f\nCMD ["cat", "/built", "/f"]\n');
  fs.writeFileSync(path.join(dir, 'f'), 'from the context\n');
  const b = await docker(['build', '--build-arg', 'WHO=api', '-t', 'srvbuilt:1', dir], { env: { DOCKER_BUILDKIT: '0' } });
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout, /^Step 1\/5 : FROM busybox$/m);
  assert.match(b.stdout, /^Successfully tagged srvbuilt:1$/m);
  assert.equal(await ok(['run', '--rm', 'srvbuilt:1']), 'built by api\nfrom the context');
  const q = await docker(['build', '-q', dir], { env: { DOCKER_BUILDKIT: '0' } });
  assert.match(q.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\nRUN exit 3\n');
  const bad = await docker(['build', dir], { env: { DOCKER_BUILDKIT: '0' } });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /exit/);
  fs.rmSync(dir, { recursive: true, force: true });

  await ok(['run', '-d', '--name', 'cm', 'busybox', 'sleep', '300']);
  await ok(['exec', 'cm', 'sh', '-c', 'echo changed > /x']);
  assert.match(await ok(['commit', '-c', 'CMD ["cat", "/x"]', 'cm', 'srvcommitted:1']), /^sha256:/);
  assert.equal(await ok(['run', '--rm', 'srvcommitted:1']), 'changed');
  assert.equal(await ok(['update', '--memory', '64m', '--restart', 'on-failure:2', 'cm']), 'cm');
  assert.equal(await ok(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.RestartPolicy.Name}}', 'cm']), '67108864 on-failure');
  const tar = path.join(dockerConfig, 'export.tar');
  await ok(['export', '-o', tar, 'cm']);
  await ok(['rm', '-f', 'cm']);
  const imported = await docker(['import', '-c', 'CMD ["cat", "/x"]', tar, 'srvimported:1']);
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(await ok(['run', '--rm', 'srvimported:1']), 'changed');
  await ok(['rmi', 'srvbuilt:1', 'srvcommitted:1', 'srvimported:1']);
});

test('login checks the credential; push sends it (X-Registry-Auth), pull gets the image back', { skip: !registryAvailable() }, async () => {
  const reg = await startRegistry({ auth: 'htpasswd', users: { alice: 'api-secret' } });
  try {
    await ok(['tag', 'busybox', `${reg.host}/apitest:1`]);
    const anon = await docker(['push', `${reg.host}/apitest:1`]);
    assert.notEqual(anon.code, 0);
    const wrong = await docker(['login', '-u', 'alice', '--password-stdin', reg.host], { input: 'nope\n' });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /unauthorized|401/i);
    const login = await docker(['login', '-u', 'alice', '--password-stdin', reg.host], { input: 'api-secret\n' });
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /Login Succeeded/);
    const push = await docker(['push', `${reg.host}/apitest:1`]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, /1: digest: sha256:[0-9a-f]{64} size: \d+/);
    await ok(['rmi', `${reg.host}/apitest:1`]);
    const pull = await docker(['pull', `${reg.host}/apitest:1`]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, /Status: Downloaded newer image for 127\.0\.0\.1:\d+\/apitest:1/);
    assert.equal(await ok(['run', '--rm', `${reg.host}/apitest:1`, 'echo', 'pulled']), 'pulled');
    await ok(['rmi', `${reg.host}/apitest:1`]);
  } finally {
    await reg.stop();
  }
});

test('docker-compose 1.29: up -d, ps, logs, exec, a second up -d up to date, down', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-compose-'));
  fs.writeFileSync(
    path.join(dir, 'docker-compose.yml'),
    [
      'version: "2.4"',
      'services:',
      '  db:',
      '    image: busybox',
      '    command: sh -c "echo hello > /data/index.html; echo db-up; exec httpd -f -p 8080 -h /data"',
      '    stop_grace_period: 1s',
      '    ports:',
      '      - "127.0.0.1::8080"',
      '    volumes:',
      '      - data:/data',
      '  web:',
      '    image: busybox',
      '    command: sh -c "echo web-up; while true; do wget -q -O- http://db:8080/ && sleep 30; sleep 0.2; done"',
      '    stop_grace_period: 1s',
      '    depends_on:',
      '      - db',
      'volumes:',
      '  data:',
      '',
    ].join('\n'),
  );
  const compose = (args: string[]) => docker(['-p', 'srvc', ...args], { bin: '/usr/bin/docker-compose', cwd: dir, timeoutMs: 120_000 });
  try {
    const up = await compose(['up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    const ps = await compose(['ps']);
    assert.match(ps.stdout, /srvc_db_1 .* Up/);
    assert.match(ps.stdout, /srvc_web_1 .* Up/);
    let logs = '';
    for (let i = 0; i < 50 && !logs.includes('hello'); i++) {
      logs = (await compose(['logs', '--no-color', 'web'])).stdout;
      await sleep(200);
    }
    assert.match(logs, /web_1 +\| hello/, 'web reached db by its service name');
    // the published port answers on the host
    const port = (await compose(['port', 'db', '8080'])).stdout.trim();
    assert.match(port, /^127\.0\.0\.1:\d+$/);
    let body = '';
    for (let i = 0; i < 40 && body === ''; i++) {
      body = await fetch(`http://${port}/index.html`).then(
        (r) => r.text(),
        () => new Promise<string>((r) => setTimeout(() => r(''), 100)),
      );
    }
    assert.equal(body, 'hello\n');
    const ex = await compose(['exec', '-T', 'db', 'cat', '/data/index.html']);
    assert.equal(ex.code, 0, ex.stderr);
    assert.equal(ex.stdout, 'hello\n');
    const again = await compose(['up', '-d']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /srvc_db_1 is up-to-date/);
    assert.match(again.stderr, /srvc_web_1 is up-to-date/);
  } finally {
    const down = await compose(['down', '-v']);
    assert.equal(down.code, 0, down.stderr);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(await ok(['ps', '-aq']), '');
  assert.doesNotMatch(await ok(['network', 'ls', '--format', '{{.Name}}']), /srvc_default/);
  assert.doesNotMatch(await ok(['volume', 'ls', '-q']), /srvc_data/);
});

test('serve refuses tcp without TLS, exits after --timeout idle seconds, takes a socket from systemd (LISTEN_FDS), stops on SIGTERM', async () => {
  const tcp = await t.berth(['serve', '-H', 'tcp://127.0.0.1:0']);
  assert.equal(tcp.code, 1);
  assert.match(tcp.stderr, /refusing to listen on tcp without --tlsverify/);
  const idleSock = path.join(t.runRoot, 'idle.sock');
  const t0 = Date.now();
  const idle = await t.berth(['serve', '-H', `unix://${idleSock}`, '--timeout', '1'], { timeoutMs: 20_000 });
  assert.equal(idle.code, 0, idle.stderr);
  assert.ok(Date.now() - t0 < 15_000);
  assert.ok(!fs.existsSync(idleSock), 'the socket goes with the server');
  // socket activation: systemd-socket-activate holds the socket and passes it as fd 3
  const actSock = path.join(t.runRoot, 'act.sock');
  const act = spawn(
    'systemd-socket-activate',
    ['-l', actSock, '-E', `BERTH_ROOT=${t.root}`, '-E', `BERTH_RUNROOT=${t.runRoot}`, '-E', `PATH=${process.env['PATH'] ?? ''}`, BERTH_BIN, 'serve'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let actLog = '';
  act.stderr.on('data', (d: Buffer) => (actLog += d.toString()));
  try {
    await waitForSocket(actSock, act);
    const r = await new Promise<string>((resolve, reject) => {
      const req = http.request({ socketPath: actSock, path: '/_ping' }, (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c.toString()));
        res.on('end', () => resolve(`${res.headers['api-version']} ${b}`));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(r, '1.41 OK', actLog);
    for (let i = 0; i < 50 && !actLog.includes('listening on fd://3'); i++) await sleep(100);
    assert.match(actLog, /API listening on fd:\/\/3/);
  } finally {
    act.kill('SIGTERM');
    await new Promise((r) => act.once('exit', r));
  }
  const child = startServe(['-H', `unix://${path.join(t.runRoot, 'term.sock')}`]);
  await waitForSocket(path.join(t.runRoot, 'term.sock'), child);
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  assert.equal(code, 0);
  assert.ok(!fs.existsSync(path.join(t.runRoot, 'term.sock')));
});
