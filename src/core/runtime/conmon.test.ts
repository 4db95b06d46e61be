import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { BerthError } from '../errors/index.js';
import { cleanupTestEnv, conmonOptions, integrationSkipReason, makeBundle, makeTestEnv, newId, type TestEnv } from './bundle-fixture.js';
import { createWithConmon } from './conmon.js';
import { readExitCode, waitForExit } from './exit-file.js';
import { readLogs } from './logs.js';
import { OciRuntimeError } from './oci-runtime-error.js';
import { isProcessAlive } from './process-util.js';

const skip = integrationSkipReason();

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (d: Buffer) => chunks.push(d));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('createWithConmon (real conmon and runc)', { skip }, () => {
  let env: TestEnv;
  before(() => {
    env = makeTestEnv();
  });
  after(() => cleanupTestEnv(env));

  it('creates a container that stays created until start, then records its exit code 7', async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['sh', '-c', 'exit 7']);
    const created = await createWithConmon(conmonOptions(env, id, bundle));
    assert.ok(created.pid > 0 && created.conmonPid > 0);
    assert.equal((await env.runtime.state(id))?.status, 'created');
    assert.equal(readExitCode(env.exitDir, id), null);
    await env.runtime.start(id);
    assert.equal(await waitForExit(env.exitDir, id, { timeoutMs: 10_000 }), 7);
    assert.equal((await env.runtime.state(id))?.status, 'stopped');
    await env.runtime.delete(id);
    assert.equal(await env.runtime.state(id), null);
  });

  it("starts through runc's exec FIFO as `runc start` does: running, FIFO gone, output and exit code kept", async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['sh', '-c', 'echo started; sleep 0.3; exit 3']);
    const opts = conmonOptions(env, id, bundle);
    const created = await createWithConmon(opts);
    const fifo = path.join(env.runtime.root, id, 'exec.fifo');
    assert.ok(fs.statSync(fifo).isFIFO());
    await env.runtime.start(id, { initPid: created.pid });
    assert.equal(fs.existsSync(fifo), false);
    assert.equal((await env.runtime.state(id))?.status, 'running');
    assert.equal(await waitForExit(env.exitDir, id, { timeoutMs: 10_000 }), 3);
    const out = collect();
    await readLogs(opts.logPath, { timestamps: false, follow: false, isRunning: () => false }, { stdout: out.stream, stderr: new PassThrough() });
    assert.equal(out.text(), 'started\n');
    await env.runtime.delete(id);
  });

  it('a start whose init is gone falls back to runc, which says why', async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['true']);
    const created = await createWithConmon(conmonOptions(env, id, bundle));
    process.kill(created.pid, 'SIGKILL');
    await waitForExit(env.exitDir, id, { timeoutMs: 10_000 });
    await assert.rejects(
      env.runtime.start(id, { initPid: created.pid }),
      (e: unknown) => e instanceof OciRuntimeError && /stopped|not running|cannot start/i.test(e.message),
    );
    await env.runtime.delete(id, true);
  });

  it('keeps stdout and stderr apart in the k8s-file log', async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['sh', '-c', 'echo out1; echo err1 >&2; printf "no newline"']);
    const opts = conmonOptions(env, id, bundle);
    await createWithConmon(opts);
    await env.runtime.start(id);
    await waitForExit(env.exitDir, id, { timeoutMs: 10_000 });
    const out = collect();
    const err = collect();
    await readLogs(opts.logPath, { timestamps: false, follow: false, isRunning: () => false }, { stdout: out.stream, stderr: err.stream });
    assert.equal(out.text(), 'out1\nno newline');
    assert.equal(err.text(), 'err1\n');
    const sOut = collect();
    const sErr = collect();
    await readLogs(opts.logPath, { timestamps: true, follow: false, isRunning: () => false }, { stdout: sOut.stream, stderr: sErr.stream });
    const ts = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z';
    assert.match(sOut.text(), new RegExp(`^${ts} out1\n${ts} no newline$`));
    assert.match(sErr.text(), new RegExp(`^${ts} err1\n$`));
  });

  it('follows the log of a running container until it stops', async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.2; done']);
    const opts = conmonOptions(env, id, bundle);
    await createWithConmon(opts);
    await env.runtime.start(id);
    const out = collect();
    const isRunning = (): boolean => readExitCode(env.exitDir, id) === null;
    await readLogs(opts.logPath, { timestamps: false, follow: true, isRunning, pollMs: 50 }, { stdout: out.stream, stderr: new PassThrough() });
    assert.equal(out.text(), 'line1\nline2\nline3\n');
  });

  it('follows a log that conmon keeps truncating at --log-size-max without losing lines', async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['sh', '-c', 'i=0; while [ $i -lt 30 ]; do i=$((i+1)); echo line$i; sleep 0.03; done']);
    const opts = { ...conmonOptions(env, id, bundle), logSizeMax: 300 };
    await createWithConmon(opts);
    await env.runtime.start(id);
    const out = collect();
    const isRunning = (): boolean => readExitCode(env.exitDir, id) === null;
    await readLogs(opts.logPath, { timestamps: false, follow: true, isRunning, pollMs: 20 }, { stdout: out.stream, stderr: new PassThrough() });
    const expected = Array.from({ length: 30 }, (_, i) => `line${i + 1}\n`).join('');
    assert.equal(out.text(), expected);
    assert.ok(fs.statSync(opts.logPath).size <= 300, 'conmon kept the file under the limit');
  });

  it('runs the exit command after the container exits', async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['sh', '-c', 'exit 6']);
    const marker = path.join(env.dir, `${id}.exited`);
    const exitCommand = ['/bin/sh', '-c', `cat ${env.exitDir}/${id} > ${marker}`];
    await createWithConmon({ ...conmonOptions(env, id, bundle), exitCommand });
    await env.runtime.start(id);
    await waitForExit(env.exitDir, id, { timeoutMs: 10_000 });
    // the shell creates the marker before cat fills it: wait for the content, not the file
    const filled = () => fs.existsSync(marker) && fs.statSync(marker).size > 0;
    for (let i = 0; i < 100 && !filled(); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(fs.readFileSync(marker, 'utf8'), '6');
  });

  it("reports a command that is not in PATH as CommandNotFound with runc's message", async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['no-such-command']);
    await assert.rejects(createWithConmon(conmonOptions(env, id, bundle)), (e: unknown) => {
      assert.ok(e instanceof OciRuntimeError);
      assert.equal(e.kind, 'CommandNotFound');
      assert.match(e.message, /executable file not found in \$PATH/);
      return true;
    });
    assert.equal(await env.runtime.state(id), null);
  });

  it('reports a file that is not executable as CannotInvoke', async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['/not-executable.sh']);
    await assert.rejects(createWithConmon(conmonOptions(env, id, bundle)), (e: unknown) => {
      assert.ok(e instanceof BerthError);
      assert.equal(e.kind, 'CannotInvoke');
      assert.match(e.message, /permission denied/);
      return true;
    });
  });

  it('reports a conmon that cannot run as Unavailable', async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['true']);
    const opts = { ...conmonOptions(env, id, bundle), conmonPath: path.join(env.dir, 'no-conmon') };
    await assert.rejects(createWithConmon(opts), (e: unknown) => e instanceof BerthError && e.kind === 'Unavailable');
  });

  it("surfaces conmon's own complaint when it refuses its arguments", async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['true']);
    const opts = conmonOptions(env, id, bundle);
    await assert.rejects(createWithConmon({ ...opts, runtime: { ...opts.runtime, path: '/nonexistent/runc' } }), (e: unknown) => {
      assert.ok(e instanceof BerthError);
      assert.equal(e.kind, 'Internal');
      assert.match(e.message, /^creating container "rt\w+": Runtime path \/nonexistent\/runc is not valid/);
      return true;
    });
  });

  it('removes a stale exit file so a second run of the same id is waited for properly', async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['sh', '-c', 'sleep 0.3; exit 4']);
    fs.mkdirSync(env.exitDir, { recursive: true });
    fs.writeFileSync(path.join(env.exitDir, id), '99');
    await createWithConmon(conmonOptions(env, id, bundle));
    assert.equal(readExitCode(env.exitDir, id), null);
    await env.runtime.start(id);
    assert.equal(await waitForExit(env.exitDir, id, { timeoutMs: 10_000 }), 4);
  });

  it('leaves the container running after the node process that created and started it exits', async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['sh', '-c', 'sleep 2; exit 3']);
    const opts = conmonOptions(env, id, bundle);
    const script = `
      import { createWithConmon } from ${JSON.stringify(new URL('./conmon.js', import.meta.url).href)};
      import { OciRuntime } from ${JSON.stringify(new URL('./oci-runtime.js', import.meta.url).href)};
      const opts = JSON.parse(process.argv[1]);
      const created = await createWithConmon(opts);
      await new OciRuntime(opts.runtime).start(opts.id);
      process.stdout.write(JSON.stringify(created));
    `;
    const started = Date.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    assert.equal(code, 0);
    assert.ok(Date.now() - started < 1800, 'the creating process did not wait for the container');
    const created = JSON.parse(out) as { pid: number; conmonPid: number };
    assert.equal((await env.runtime.state(id))?.status, 'running');
    assert.ok(isProcessAlive(created.conmonPid));
    assert.equal(await waitForExit(env.exitDir, id, { timeoutMs: 10_000 }), 3);
  });
});
