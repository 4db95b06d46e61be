import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { BERTH_BIN, makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';

// dockerode 4 and testcontainers-node 11 (Ryuk disabled) against berth serve, as their users run them

let t: TestEnv;
let sock: string;
let server: ChildProcess;
let log = '';

before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
  sock = path.join(t.runRoot, 'd.sock');
  server = spawn(BERTH_BIN, ['serve', '-H', `unix://${sock}`], { env: t.env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  for (let i = 0; i < 100 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(fs.existsSync(sock), log);
  // testcontainers reads these when it first loads
  process.env['DOCKER_HOST'] = `unix://${sock}`;
  process.env['TESTCONTAINERS_RYUK_DISABLED'] = 'true';
});

after(async () => {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await t.cleanup();
});

test('dockerode: version, create, start, wait, logs demuxed, inspect, remove', async () => {
  const docker = new Docker({ socketPath: sock });
  assert.equal((await docker.version()).ApiVersion, '1.41');
  const c = await docker.createContainer({ Image: 'busybox', Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 2'], Labels: { by: 'dockerode' } });
  await c.start();
  assert.equal((await c.wait()).StatusCode, 2);
  const raw = await c.logs({ stdout: true, stderr: true, follow: false });
  // docker's frames, as dockerode's demuxStream reads them
  const out: string[] = [];
  const err: string[] = [];
  for (let off = 0; off + 8 <= raw.length; ) {
    const len = raw.readUInt32BE(off + 4);
    (raw[off] === 1 ? out : err).push(raw.subarray(off + 8, off + 8 + len).toString());
    off += 8 + len;
  }
  assert.equal(out.join(''), 'out\n');
  assert.equal(err.join(''), 'err\n');
  const info = await c.inspect();
  assert.equal(info.State.Status, 'exited');
  assert.equal(info.Config.Labels['by'], 'dockerode');
  const listed = await docker.listContainers({ all: true, filters: { label: ['by=dockerode'] } });
  assert.deepEqual(
    listed.map((x) => x.Id),
    [c.id],
  );
  await c.remove();
  await assert.rejects(c.inspect(), (x: { statusCode?: number }) => x.statusCode === 404);
});

test('testcontainers: exposed ports, log-message, listening-port and health-check waits, exec, copying in and out', async () => {
  const { GenericContainer, Wait } = await import('testcontainers');
  const web = await new GenericContainer('busybox')
    .withCommand(['sh', '-c', 'echo hello-tc > /www; echo ready; exec httpd -f -p 8080 -h /'])
    .withExposedPorts(8080)
    .withWaitStrategy(Wait.forLogMessage('ready'))
    .start();
  try {
    const port = web.getMappedPort(8080);
    assert.ok(port > 0);
    // "ready" is printed just before httpd binds: give it a moment
    let body = '';
    for (let i = 0; i < 40 && body === ''; i++) {
      body = await fetch(`http://127.0.0.1:${port}/www`).then(
        (r) => r.text(),
        () => new Promise<string>((r) => setTimeout(() => r(''), 50)),
      );
    }
    assert.equal(body, 'hello-tc\n');
    const r = await web.exec(['sh', '-c', 'echo tc-exec; exit 3']);
    assert.equal(r.exitCode, 3);
    assert.equal(r.output, 'tc-exec\n');
    await web.copyContentToContainer([{ content: 'copied-in', target: '/tmp/in.txt' }]);
    assert.equal((await web.exec(['cat', '/tmp/in.txt'])).output, 'copied-in');
    const archive = await web.copyArchiveFromContainer('/tmp/in.txt');
    const chunks: Buffer[] = [];
    for await (const ch of archive) chunks.push(ch as Buffer);
    assert.ok(Buffer.concat(chunks).includes(Buffer.from('copied-in')));
  } finally {
    await web.stop();
  }
  const listening = await new GenericContainer('busybox')
    .withCommand(['httpd', '-f', '-p', '8081'])
    .withExposedPorts(8081)
    .withWaitStrategy(Wait.forListeningPorts())
    .start();
  await listening.stop();
  const healthy = await new GenericContainer('busybox')
    .withCommand(['sleep', '300'])
    .withHealthCheck({ test: ['CMD-SHELL', 'true'], interval: 500, timeout: 1000, retries: 3, startPeriod: 0 })
    .withWaitStrategy(Wait.forHealthCheck())
    .start();
  await healthy.stop();
  const docker = new Docker({ socketPath: sock });
  assert.deepEqual(await docker.listContainers({ all: true }), [], 'stop removed each of them');
});
