import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, it, before, after } from 'node:test';
import { lockFile, tryLockFile } from './lock.js';
import { holdsLock, withObjectLock, withObjectLockIfFree } from '../locks.js';

const addon = createRequire(import.meta.url).resolve('berth-linux');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A separate process that takes the lock and holds it until killed; resolves once it holds it. */
async function holderProcess(file: string): Promise<{ pid: number; kill: (sig: NodeJS.Signals) => Promise<void> }> {
  const script = `const fd = require(${JSON.stringify(addon)}).lockTry(${JSON.stringify(file)}, true); process.stdout.write(fd >= 0 ? 'held\\n' : 'busy\\n'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
  assert.equal(line, 'held\n');
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    pid: child.pid ?? 0,
    kill: async (sig) => {
      child.kill(sig);
      await exited;
    },
  };
}

describe('flock(2) locks', () => {
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-lock-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an exclusive lock excludes every other; shared locks share and exclude an exclusive one', () => {
    const f = path.join(dir, 'a');
    const x = tryLockFile(f);
    assert.ok(x);
    assert.equal(tryLockFile(f), null);
    assert.equal(tryLockFile(f, { shared: true }), null);
    x.release();
    x.release(); // idempotent
    const s1 = tryLockFile(f, { shared: true });
    const s2 = tryLockFile(f, { shared: true });
    assert.ok(s1 && s2);
    assert.equal(tryLockFile(f), null);
    s1.release();
    assert.equal(tryLockFile(f), null);
    s2.release();
    const again = tryLockFile(f);
    assert.ok(again);
    again.release();
  });

  it('lockFile waits, with the event loop free, until the holder releases', async () => {
    const f = path.join(dir, 'b');
    const first = tryLockFile(f);
    assert.ok(first);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    let got = false;
    const waiting = lockFile(f).then((l) => {
      got = true;
      return l;
    });
    await sleep(100);
    assert.equal(got, false);
    assert.ok(ticks >= 5, `event loop turned ${ticks} times while waiting`);
    first.release();
    const second = await waiting;
    clearInterval(ticker);
    assert.equal(got, true);
    second.release();
  });

  it('lockFile gives up with Unavailable after its timeout', async () => {
    const f = path.join(dir, 'c');
    const first = tryLockFile(f);
    assert.ok(first);
    await assert.rejects(lockFile(f, { timeoutMs: 50 }), (e: Error & { kind?: string }) => e.kind === 'Unavailable');
    first.release();
  });

  it('a holder killed with SIGKILL leaves no lock behind', async () => {
    const f = path.join(dir, 'd');
    const holder = await holderProcess(f);
    assert.equal(tryLockFile(f), null);
    const waiting = lockFile(f, { timeoutMs: 5000 });
    await sleep(50);
    await holder.kill('SIGKILL');
    const l = await waiting;
    l.release();
  });

  it('a lock file discarded by its holder is not taken by a waiter that opened the old file', async () => {
    const f = path.join(dir, 'e');
    const first = tryLockFile(f);
    assert.ok(first);
    const waiting = lockFile(f);
    await sleep(20);
    first.discard();
    const second = await waiting;
    // the waiter holds the file now at the path, and nobody else can take it
    assert.ok(fs.existsSync(f));
    assert.equal(tryLockFile(f), null);
    second.release();
  });
});

describe('object locks', () => {
  let paths = { locks: '' };
  before(() => {
    paths = { locks: fs.mkdtempSync(path.join(os.tmpdir(), 'berth-olock-')) };
  });
  after(() => fs.rmSync(paths.locks, { recursive: true, force: true }));

  it('two call chains of one process take turns on one object; a nested call re-enters', async () => {
    const order: string[] = [];
    const a = withObjectLock(paths, 'container', 'x', async () => {
      order.push('a-in');
      assert.equal(holdsLock('container', 'x'), true);
      // the verb calling another verb on the same object does not wait on itself
      await withObjectLock(paths, 'container', 'x', async () => {
        order.push('a-nested');
      });
      await sleep(50);
      order.push('a-out');
    });
    await sleep(5);
    const b = withObjectLock(paths, 'container', 'x', async () => {
      order.push('b');
    });
    await Promise.all([a, b]);
    assert.deepEqual(order, ['a-in', 'a-nested', 'a-out', 'b']);
    assert.equal(holdsLock('container', 'x'), false);
  });

  it('different objects never wait on each other', async () => {
    let inner = false;
    await withObjectLock(paths, 'container', 'p', async () => {
      await withObjectLockIfFree(paths, 'container', 'q', () => {
        inner = true;
      });
    });
    assert.equal(inner, true);
  });

  it('withObjectLockIfFree skips a held object; a nested discard removes the lock file when the outermost releases', async () => {
    const held = tryLockFile(path.join(paths.locks, 'volume-v'));
    assert.ok(held);
    assert.equal(await withObjectLockIfFree(paths, 'volume', 'v', () => 1), undefined);
    held.release();
    await withObjectLock(paths, 'volume', 'v', async () => {
      await withObjectLock(paths, 'volume', 'v', (l) => l.discard());
      assert.ok(fs.existsSync(path.join(paths.locks, 'volume-v')));
    });
    assert.equal(fs.existsSync(path.join(paths.locks, 'volume-v')), false);
  });
});
