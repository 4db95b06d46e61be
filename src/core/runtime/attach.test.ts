import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { attach, attachSocketPath, resizeTerminal } from './attach.js';
import { cleanupTestEnv, conmonOptions, integrationSkipReason, makeBundle, makeTestEnv, newId, type TestEnv } from './bundle-fixture.js';
import { createWithConmon } from './conmon.js';
import { parseDetachKeys } from './detach-keys.js';
import { waitForExit } from './exit-file.js';
import { isProcessAlive } from './process-util.js';
import { runAttached } from './run-attached.js';

const skip = integrationSkipReason();

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (d: Buffer) => chunks.push(d));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('attach (real conmon)', { skip }, () => {
  let env: TestEnv;
  before(() => {
    env = makeTestEnv();
  });
  after(() => cleanupTestEnv(env));

  it('captures all output when connected between create and start', async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['sh', '-c', 'echo hi; echo err >&2']);
    await createWithConmon(conmonOptions(env, id, bundle));
    const out = collect();
    const err = collect();
    const session = await attach({ socketPath: attachSocketPath(env.socketDir, id), stdout: out.stream, stderr: err.stream, tty: false });
    await env.runtime.start(id);
    assert.equal(await session.done, 'eof');
    assert.equal(out.text(), 'hi\n');
    assert.equal(err.text(), 'err\n');
    assert.equal(await waitForExit(env.exitDir, id, { timeoutMs: 10_000 }), 0);
  });

  it('sends stdin to the container and closes it at the end of input', async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['sh', '-c', 'cat; echo done']);
    await createWithConmon(conmonOptions(env, id, bundle, { stdin: true }));
    const stdin = new PassThrough();
    const out = collect();
    const session = await attach({ socketPath: attachSocketPath(env.socketDir, id), stdin, stdout: out.stream, stderr: new PassThrough(), tty: false });
    await env.runtime.start(id);
    const big = 'x'.repeat(70_000); // more than one 32 KiB packet
    stdin.write('hello\n');
    stdin.end(`${big}\n`);
    assert.equal(await session.done, 'eof');
    assert.equal(out.text(), `hello\n${big}\ndone\n`);
  });

  it('runAttached() returns the exit code and relays output of a container', async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['sh', '-c', 'echo start; read line; echo "got $line" >&2; exit 5']);
    const created = await createWithConmon(conmonOptions(env, id, bundle, { stdin: true }));
    const stdin = new PassThrough();
    stdin.end('abc\n');
    const out = collect();
    const err = collect();
    const result = await runAttached({
      created,
      runtime: env.runtime,
      id,
      socketDir: env.socketDir,
      exitDir: env.exitDir,
      bundle,
      stdin,
      stdout: out.stream,
      stderr: err.stream,
      tty: false,
      signalsToForward: false,
    });
    assert.deepEqual(result, { detached: false, exitCode: 5 });
    assert.equal(out.text(), 'start\n');
    assert.equal(err.text(), 'got abc\n');
  });

  it('runAttached() forwards SIGTERM sent to this process to the container', async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['sh', '-c', 'trap "echo term; exit 9" TERM; echo ready; while true; do sleep 0.05; done']);
    const created = await createWithConmon(conmonOptions(env, id, bundle));
    const out = new PassThrough();
    out.once('data', () => process.kill(process.pid, 'SIGTERM'));
    const chunks: Buffer[] = [];
    out.on('data', (d: Buffer) => chunks.push(d));
    const result = await runAttached({
      created,
      runtime: env.runtime,
      id,
      socketDir: env.socketDir,
      exitDir: env.exitDir,
      bundle,
      stdin: null,
      stdout: out,
      stderr: new PassThrough(),
      tty: false,
    });
    assert.deepEqual(result, { detached: false, exitCode: 9 });
    assert.equal(Buffer.concat(chunks).toString(), 'ready\nterm\n');
    assert.equal(process.listenerCount('SIGTERM'), 0);
  });

  it('detaches on the detach keys and leaves the container running with its stdin open', async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['sh', '-c', 'cat']);
    const created = await createWithConmon(conmonOptions(env, id, bundle, { stdin: true, leaveStdinOpen: true }));
    const stdin = new PassThrough();
    const out = collect();
    const pending = runAttached({
      created,
      runtime: env.runtime,
      id,
      socketDir: env.socketDir,
      exitDir: env.exitDir,
      bundle,
      stdin,
      stdout: out.stream,
      stderr: new PassThrough(),
      tty: false,
      signalsToForward: false,
      detachKeys: parseDetachKeys('ctrl-p,ctrl-q'),
    });
    stdin.write('one\n');
    await new Promise((r) => setTimeout(r, 300));
    stdin.write('\x10\x11');
    assert.deepEqual(await pending, { detached: true });
    assert.equal(out.text(), 'one\n');
    assert.equal((await env.runtime.state(id))?.status, 'running');
    await env.runtime.kill(id, 'KILL');
    assert.equal(await waitForExit(env.exitDir, id, { timeoutMs: 10_000 }), 137);
  });

  it('sizes a terminal container through the ctl fifo before start', async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['sh', '-c', 'stty size; exit 2'], { terminal: true });
    const created = await createWithConmon(conmonOptions(env, id, bundle, { terminal: true }));
    const out = collect();
    const session = await attach({ socketPath: attachSocketPath(env.socketDir, id), stdout: out.stream, stderr: out.stream, tty: true });
    assert.equal(session.resize(33, 77), true);
    // conmon reads its ctl fifo on its own loop and acknowledges nothing: on a loaded host the
    // process could ask for its size before conmon applied it (0 0, which busybox's stty refuses)
    await new Promise((r) => setTimeout(r, 200));
    await env.runtime.start(id);
    assert.equal(await session.done, 'eof');
    assert.equal(out.text(), '33 77\r\n');
    assert.equal(await waitForExit(env.exitDir, id, { timeoutMs: 10_000 }), 2);
    for (let i = 0; i < 100 && isProcessAlive(created.conmonPid); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(resizeTerminal(bundle, 10, 10), false, 'no conmon reads the fifo any more');
  });

  it('connects through a socket path longer than sun_path allows', async () => {
    const id = newId(env);
    const bundle = path.join(env.dir, 'b', 'a-long-directory-name-'.repeat(5), id);
    fs.mkdirSync(bundle, { recursive: true });
    makeBundle(env, id, ['echo', 'long'], { bundleDir: bundle });
    await createWithConmon(conmonOptions(env, id, bundle));
    const socketPath = path.join(bundle, 'attach');
    assert.ok(Buffer.byteLength(socketPath) > 107);
    const out = collect();
    const session = await attach({ socketPath, stdout: out.stream, stderr: new PassThrough(), tty: false });
    await env.runtime.start(id);
    assert.equal(await session.done, 'eof');
    assert.equal(out.text(), 'long\n');
  });

  it('rejects with Unavailable when there is no attach socket', async () => {
    await assert.rejects(
      attach({ socketPath: attachSocketPath(env.socketDir, 'rt-none'), stdout: new PassThrough(), stderr: new PassThrough(), tty: false }),
      (e: unknown) => e instanceof Error && 'kind' in e && e.kind === 'Unavailable',
    );
  });
});
