import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cleanupTestEnv, conmonOptions, integrationSkipReason, makeBundle, makeTestEnv, newId, type TestEnv } from './bundle-fixture.js';
import { createWithConmon } from './conmon.js';
import { execDetached, type ExecOptions } from './exec.js';

const skip = integrationSkipReason();

interface ChildResult {
  result: { code?: number; kind?: string; message?: string; printed?: boolean };
  stdout: string;
  stderr: string;
}

/**
 * execForeground inherits stdio, so run it in a child node process and capture that process's
 * output; the outcome comes back through a file.
 */
function execInChild(
  opts: ExecOptions,
  io: { input?: string; onStdout?: (text: string, kill: (s: NodeJS.Signals) => void) => void } = {},
): Promise<ChildResult> {
  const resultFile = path.join(opts.tmpDir ?? '/tmp', `result-${Math.random().toString(16).slice(2)}.json`);
  const script = `
    import fs from 'node:fs';
    import { execForeground } from ${JSON.stringify(new URL('./exec.js', import.meta.url).href)};
    const [opts, resultFile] = [JSON.parse(process.argv[1]), process.argv[2]];
    try {
      const code = await execForeground(opts);
      fs.writeFileSync(resultFile, JSON.stringify({ code }));
    } catch (e) {
      fs.writeFileSync(resultFile, JSON.stringify({ kind: e.kind, message: e.message, printed: e.printedByRuntime }));
    }
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(opts), resultFile], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      io.onStdout?.(stdout, (s) => child.kill(s));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(io.input ?? '');
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve({ result: JSON.parse(fs.readFileSync(resultFile, 'utf8')) as ChildResult['result'], stdout, stderr });
      } catch (e) {
        reject(new Error(`child gave no result: ${stderr}`, { cause: e }));
      }
    });
  });
}

describe('exec (real runc)', { skip }, () => {
  let env: TestEnv;
  let id: string;
  let base: Omit<ExecOptions, 'args'>;

  before(async () => {
    env = makeTestEnv();
    id = newId(env);
    const bundle = makeBundle(env, id, ['sleep', '1000']);
    await createWithConmon(conmonOptions(env, id, bundle));
    await env.runtime.start(id);
    base = {
      runtime: { path: env.runtime.path, root: env.runtime.root },
      id,
      env: ['PATH=/bin'],
      tty: false,
      stdin: false,
      tmpDir: path.join(env.dir, 'exec'),
    };
  });
  after(() => cleanupTestEnv(env));

  it('execForeground() passes the exit code and the output through', async () => {
    const r = await execInChild({ ...base, args: ['sh', '-c', 'echo out; echo err >&2; exit 5'] });
    assert.deepEqual(r.result, { code: 5 });
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  it('execForeground() feeds stdin to the process when asked', async () => {
    const r = await execInChild({ ...base, stdin: true, args: ['cat'] }, { input: 'piped input\n' });
    assert.deepEqual(r.result, { code: 0 });
    assert.equal(r.stdout, 'piped input\n');
  });

  it('execForeground() runs the process as the given user in the given directory', async () => {
    const r = await execInChild({ ...base, user: { uid: 65534, gid: 65534 }, cwd: '/tmp', args: ['sh', '-c', 'echo $(id -u):$(id -g) $(pwd)'] });
    assert.equal(r.stdout, '65534:65534 /tmp\n');
  });

  it('execForeground() drops the terminal when stdin is not a terminal', async () => {
    const r = await execInChild({ ...base, tty: true, args: ['sh', '-c', 'test -t 1 && echo tty || echo notty'] });
    assert.deepEqual(r.result, { code: 0 });
    assert.equal(r.stdout, 'notty\n');
  });

  it('execForeground() relays SIGTERM to the process and survives it', async () => {
    let sent = false;
    const r = await execInChild(
      { ...base, args: ['sh', '-c', 'trap "echo trapped; exit 9" TERM; echo ready; while true; do sleep 0.05; done'] },
      {
        onStdout: (text, kill) => {
          if (!sent && text.includes('ready')) {
            sent = true;
            kill('SIGTERM');
          }
        },
      },
    );
    assert.deepEqual(r.result, { code: 9 });
    assert.equal(r.stdout, 'ready\ntrapped\n');
  });

  it('execForeground() reports a missing command as CommandNotFound that runc already printed', async () => {
    const r = await execInChild({ ...base, args: ['no-such-command'] });
    assert.equal(r.result.kind, 'CommandNotFound');
    assert.equal(r.result.printed, true);
    assert.match(r.result.message ?? '', /executable file not found in \$PATH/);
    assert.match(r.stderr, /executable file not found/);
  });

  it('execForeground() reports a file that cannot be executed as CannotInvoke', async () => {
    const r = await execInChild({ ...base, args: ['/not-executable.sh'] });
    assert.equal(r.result.kind, 'CannotInvoke');
  });

  it('execForeground() reports a container runc does not know as Internal', async () => {
    const r = await execInChild({ ...base, id: 'rt-no-such-container', args: ['true'] });
    assert.equal(r.result.kind, 'Internal');
    assert.match(r.result.message ?? '', /container does not exist/);
  });

  it('execDetached() returns the pid of a process that keeps running in the container', async () => {
    const pid = await execDetached({ ...base, args: ['sleep', '1000'] });
    assert.ok((await env.runtime.ps(id)).includes(pid));
    process.kill(pid, 'SIGKILL');
  });

  it('execDetached() classifies a missing command', async () => {
    await assert.rejects(
      execDetached({ ...base, args: ['no-such-command'] }),
      (e: unknown) => e instanceof Error && 'kind' in e && e.kind === 'CommandNotFound',
    );
  });
});
