import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cleanupTestEnv, conmonOptions, integrationSkipReason, makeBundle, makeTestEnv, newId, type TestEnv } from './bundle-fixture.js';
import { createWithConmon } from './conmon.js';
import { waitForExit } from './exit-file.js';
import { OciRuntimeError } from './oci-runtime-error.js';

const skip = integrationSkipReason();

describe('OciRuntime (real runc)', { skip }, () => {
  let env: TestEnv;
  before(() => {
    env = makeTestEnv();
  });
  after(() => cleanupTestEnv(env));

  async function startSleeper(): Promise<{ id: string; pid: number }> {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['sleep', '100']);
    const created = await createWithConmon(conmonOptions(env, id, bundle));
    await env.runtime.start(id);
    return { id, pid: created.pid };
  }

  it('state() is null for an id runc does not know', async () => {
    assert.equal(await env.runtime.state('rt-never-created'), null);
  });

  it('kill() with SIGKILL ends the container with status 137', async () => {
    const { id, pid } = await startSleeper();
    const st = await env.runtime.state(id);
    assert.equal(st?.status, 'running');
    assert.equal(st?.pid, pid);
    await env.runtime.kill(id, 'KILL');
    assert.equal(await waitForExit(env.exitDir, id, { timeoutMs: 10_000 }), 137);
    await assert.rejects(env.runtime.kill(id, 'TERM'), (e: unknown) => e instanceof OciRuntimeError && /not running/.test(e.runtimeMessage));
    await env.runtime.delete(id);
  });

  it('pause() and resume() move the container between paused and running', async () => {
    const { id } = await startSleeper();
    await env.runtime.pause(id);
    assert.equal((await env.runtime.state(id))?.status, 'paused');
    await assert.rejects(env.runtime.pause(id), OciRuntimeError);
    await env.runtime.resume(id);
    assert.equal((await env.runtime.state(id))?.status, 'running');
    await env.runtime.delete(id, true);
  });

  it('ps() lists the container processes and list() the containers', async () => {
    const { id, pid } = await startSleeper();
    assert.deepEqual(await env.runtime.ps(id), [pid]);
    const all = await env.runtime.list();
    assert.ok(all.some((c) => c.id === id && c.status === 'running' && c.pid === pid));
    await env.runtime.delete(id, true);
  });

  it('delete() refuses a running container without force, and is idempotent', async () => {
    const { id } = await startSleeper();
    await assert.rejects(env.runtime.delete(id), OciRuntimeError);
    await env.runtime.delete(id, true);
    assert.equal(await env.runtime.state(id), null);
    await env.runtime.delete(id);
    await env.runtime.delete(id, true);
    assert.ok(!(await env.runtime.list()).some((c) => c.id === id));
  });

  it("start() of a stopped container fails with runc's message", async () => {
    const id = newId(env);
    const bundle = makeBundle(env, id, ['true']);
    await createWithConmon(conmonOptions(env, id, bundle));
    await env.runtime.start(id);
    await waitForExit(env.exitDir, id, { timeoutMs: 10_000 });
    await assert.rejects(env.runtime.start(id), (e: unknown) => {
      assert.ok(e instanceof OciRuntimeError);
      assert.equal(e.message, `starting container "${id}": cannot start a container that has stopped`);
      return true;
    });
  });
});
