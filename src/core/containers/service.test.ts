import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Engine } from '../engine.js';
import type { RuntimeDriver, RuntimeState } from '../runtime/oci-runtime.js';
import { signalNumber } from '../runtime/signals.js';
import { startTimeOf } from '../runtime/process-util.js';
import { emptyContainerSpec } from '../spec/container-spec.js';
import { initialState, type ContainerRecord } from './container-record.js';
import { killContainer, stopContainer } from './stop.js';
import { removeContainer } from './remove.js';
import { pauseContainer, unpauseContainer } from './pause.js';
import { restartContainer, renameContainer } from './restart.js';
import { waitContainer } from './wait.js';
import { repairContainers } from './repair.js';
import { exitFileIds, refreshContainer } from './exit.js';
import { lockFilePath } from '../locks.js';

/**
 * A fake OCI runtime with conmon's part played too: each container is a real child process
 * (so pids, start times and signals are real); when it ends, its "monitor" writes the exit file
 * as conmon does, unless the monitor was killed (then nobody writes it, as after kill -9 of conmon).
 */
class FakeRuntime implements RuntimeDriver {
  readonly calls: string[] = [];
  readonly procs = new Map<string, { child: ChildProcess; monitor: ChildProcess; monitorAlive: boolean; ended: Promise<void> }>();
  constructor(private readonly exits: string) {}

  run(id: string, script: string): { pid: number; conmonPid: number } {
    const child = spawn('sh', ['-c', script], { stdio: 'ignore' });
    const monitor = spawn('sleep', ['600'], { stdio: 'ignore' });
    const entry = { child, monitor, monitorAlive: true, ended: Promise.resolve() };
    entry.ended = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (entry.monitorAlive && fs.existsSync(this.exits)) {
          fs.writeFileSync(path.join(this.exits, id), String(code ?? 128 + signalNumber(signal ?? 'SIGKILL')));
          monitor.kill('SIGKILL');
        }
        resolve();
      }),
    );
    this.procs.set(id, entry);
    return { pid: child.pid ?? 0, conmonPid: monitor.pid ?? 0 };
  }

  killMonitor(id: string): void {
    const p = this.procs.get(id);
    if (!p) return;
    p.monitorAlive = false;
    p.monitor.kill('SIGKILL');
  }

  private live(id: string) {
    const p = this.procs.get(id);
    return p && p.child.exitCode === null && p.child.signalCode === null ? p : undefined;
  }

  async state(id: string): Promise<RuntimeState | null> {
    const p = this.procs.get(id);
    return p ? { id, status: this.live(id) ? 'running' : 'stopped', pid: p.child.pid ?? 0, bundle: '', created: '' } : null;
  }
  async start(id: string): Promise<void> {
    this.calls.push(`start ${id}`);
  }
  async kill(id: string, signal: number | string, all = false): Promise<void> {
    this.calls.push(`kill ${signalNumber(signal)}`);
    const p = this.live(id);
    if (!p) {
      if (all) return;
      throw new Error('container not running');
    }
    process.kill(p.child.pid ?? 0, signalNumber(signal));
  }
  async delete(id: string): Promise<void> {
    this.calls.push('delete');
    const p = this.live(id);
    if (p) process.kill(p.child.pid ?? 0, 'SIGKILL');
    await p?.ended;
  }
  hasState(id: string): boolean {
    return this.procs.has(id);
  }
  async update(): Promise<void> {}
  async pause(): Promise<void> {
    this.calls.push('pause');
  }
  resumeSync(): void {
    this.calls.push('resume');
  }

  async resume(): Promise<void> {
    this.calls.push('resume');
  }
  async ps(id: string): Promise<number[]> {
    const p = this.live(id);
    return p ? [p.child.pid ?? 0] : [];
  }
  async list(): Promise<RuntimeState[]> {
    return [];
  }
}

class TestEngine extends Engine {
  fake!: FakeRuntime;
  override runtime(): RuntimeDriver {
    return this.fake;
  }
}

describe('container verbs under locks, with a fake OCI runtime', () => {
  let dir = '';
  let engine: TestEngine;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-svc-'));
    engine = new TestEngine({ root: path.join(dir, 'lib'), runRoot: path.join(dir, 'run'), executable: '/nonexistent/berth' });
    engine.fake = new FakeRuntime(engine.paths.exits);
  });
  after(async () => {
    for (const p of engine.fake.procs.values()) {
      p.child.kill('SIGKILL');
      p.monitor.kill('SIGKILL');
      await p.ended;
    }
    engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A running container whose process is `script` (sh -c). */
  function running(script = 'exec sleep 60'): ContainerRecord {
    const id = randomBytes(32).toString('hex');
    const name = `c${id.slice(0, 8)}`;
    const { pid, conmonPid } = engine.fake.run(id, script);
    const rec: ContainerRecord = {
      id,
      name,
      imageId: 'sha256:0',
      created: new Date().toISOString(),
      spec: { ...emptyContainerSpec('busybox', 'sha256:0'), name, network: 'none' },
      path: 'sh',
      args: [],
      state: {
        ...initialState(),
        status: 'running',
        pid,
        pidStartTime: startTimeOf(pid),
        conmonPid,
        conmonStartTime: startTimeOf(conmonPid),
        startedAt: new Date().toISOString(),
        runId: 'r1',
      },
      image: { chainIds: [], config: {}, size: 0 },
      pendingPid: 0,
    };
    engine.containers.insert(rec);
    return rec;
  }

  const status = (id: string) => engine.containers.get(id)?.state;

  it('stop: the stop signal, the exit recorded from the exit file, the run torn down', async () => {
    const c = running();
    const done = await stopContainer(engine, c.id, { timeout: 5 });
    assert.equal(done.state.status, 'exited');
    assert.equal(status(c.id)?.exitCode, 143);
    assert.equal(status(c.id)?.stoppedByUser, true);
    assert.ok(engine.fake.calls.includes('delete'));
  });

  it('stop escalates to SIGKILL after the timeout when the stop signal is ignored', async () => {
    const c = running('trap "" TERM; exec sleep 60');
    const began = Date.now();
    await stopContainer(engine, c.id, { timeout: 0.3 });
    assert.equal(status(c.id)?.exitCode, 137);
    assert.ok(Date.now() - began < 3000);
  });

  it('stop after the monitor died: noticed at once, the exit recorded as the signal that ended it', async () => {
    const c = running();
    engine.fake.killMonitor(c.id);
    await new Promise((r) => setTimeout(r, 100));
    const began = Date.now();
    const done = await stopContainer(engine, c.id, { timeout: 10 });
    assert.ok(Date.now() - began < 2000, `took ${Date.now() - began} ms`);
    assert.equal(done.state.status, 'exited');
    assert.equal(status(c.id)?.exitCode, 143);
    assert.equal(fs.existsSync(path.join(engine.paths.exits, c.id)), false, 'nobody wrote an exit file');
  });

  it('wait on a container whose monitor died returns when its process ends', async () => {
    const c = running('sleep 0.3; exit 3');
    engine.fake.killMonitor(c.id);
    const code = await waitContainer(engine, c.id);
    assert.equal(code, 255);
    assert.equal(status(c.id)?.status, 'exited');
  });

  it('a refresh given a listing of exit files made before the container ended reads its code, not a lost exit', async () => {
    const c = running('sleep 0.2; exit 7');
    const listed = exitFileIds(engine);
    assert.equal(listed?.has(c.id), false);
    await engine.fake.procs.get(c.id)?.ended;
    // the monitor wrote the file and was killed after: gone by now
    await new Promise((r) => setTimeout(r, 100));
    const after = refreshContainer(engine, c, { exitFiles: listed });
    assert.equal(after.state.status, 'exited');
    assert.equal(after.state.exitCode, 7);
    assert.equal(status(c.id)?.exitCode, 7);
  });

  it('concurrent stops and kills of one container all succeed', async () => {
    const c = running();
    const results = await Promise.allSettled([
      stopContainer(engine, c.id, { timeout: 1 }),
      killContainer(engine, c.id),
      stopContainer(engine, c.id, { timeout: 1 }),
      killContainer(engine, c.id, 'SIGTERM'),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'],
      JSON.stringify(results),
    );
    assert.equal(status(c.id)?.status, 'exited');
  });

  it('kill refuses a container that is not running (and was not when asked)', async () => {
    const c = running();
    await stopContainer(engine, c.id);
    await assert.rejects(killContainer(engine, c.id, 'SIGKILL', { issuedAt: Date.now() + 1000 }), {
      message: `cannot kill container: ${c.name}: container ${c.id} is not running`,
    });
  });

  it("pause and unpause follow the state machine and refuse with docker's words", async () => {
    const c = running();
    await pauseContainer(engine, c.id);
    assert.equal(status(c.id)?.status, 'paused');
    await assert.rejects(pauseContainer(engine, c.id), { message: `container ${c.id} is already paused` });
    await unpauseContainer(engine, c.id);
    assert.equal(status(c.id)?.status, 'running');
    await assert.rejects(unpauseContainer(engine, c.id), { message: `container ${c.id} is not paused` });
    await stopContainer(engine, c.id);
    await assert.rejects(pauseContainer(engine, c.id), { message: `container ${c.id} is not running` });
  });

  it('rm refuses a running container; rm -f kills it, and leaves neither record nor lock file', async () => {
    const c = running();
    await assert.rejects(removeContainer(engine, c.id), {
      message: `cannot remove container "/${c.name}": container is running: stop the container before removing or force remove`,
    });
    await removeContainer(engine, c.id, { force: true });
    assert.equal(engine.containers.get(c.id), undefined);
    assert.equal(fs.existsSync(lockFilePath(engine.paths, 'container', c.id)), false);
    await assert.rejects(stopContainer(engine, c.id), { message: `No such container: ${c.id}` });
  });

  it('a verb that waited for the lock of a container removed meanwhile finds it gone', async () => {
    const c = running('trap "" TERM; exec sleep 60');
    const stopping = stopContainer(engine, c.id, { timeout: 0.5 });
    await new Promise((r) => setTimeout(r, 50));
    const [rm, pause] = await Promise.allSettled([
      removeContainer(engine, c.id, { force: true }),
      (async () => {
        await new Promise((r) => setTimeout(r, 20));
        return pauseContainer(engine, c.id);
      })(),
    ]);
    await stopping;
    assert.equal(rm.status, 'fulfilled');
    assert.equal(pause.status, 'rejected');
    assert.equal(engine.containers.get(c.id), undefined);
  });

  it('rename takes the container; restart holds it through stop and start', async () => {
    const c = running();
    await renameContainer(engine, c.id, 'renamed-one');
    assert.equal(engine.containers.get(c.id)?.name, 'renamed-one');
    // the fake cannot create (no conmon): restart gets as far as the start, after a full stop
    await restartContainer(engine, c.id, { timeout: 1 }).catch(() => undefined);
    assert.equal(status(c.id)?.stoppedByUser, true);
    assert.notEqual(status(c.id)?.status, 'running');
  });

  it('a removal killed part-way leaves removing: other verbs refuse, rm and repair finish it', async () => {
    const a = running();
    await stopContainer(engine, a.id);
    engine.containers.updateState(a.id, (s) => ({ ...s, status: 'removing' }));
    await assert.rejects(pauseContainer(engine, a.id), { message: `container "${a.name}" is being removed` });
    await removeContainer(engine, a.id);
    assert.equal(engine.containers.get(a.id), undefined);
    const b = running();
    await stopContainer(engine, b.id);
    engine.containers.updateState(b.id, (s) => ({ ...s, status: 'removing' }));
    await repairContainers(engine);
    assert.equal(engine.containers.get(b.id), undefined);
  });

  it('the store refuses a status change the state machine does not have', () => {
    const c = running();
    assert.throws(() => engine.containers.updateState(c.id, (s) => ({ ...s, status: 'removing' })), {
      message: `container "${c.name}" cannot go from running to removing`,
    });
    assert.throws(() => engine.containers.updateState(c.id, (s) => ({ ...s, status: 'created' })), /cannot go from running to created/);
    assert.equal(status(c.id)?.status, 'running');
  });
});
