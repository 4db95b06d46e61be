import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isLive, isProcessAlive, isSameProcessAlive, LiveProcessMemo, readPidFile, readProcStartTime, startTimeOf } from './process-util.js';

describe('process utilities', () => {
  it('isProcessAlive() is true for this process and false for nonsense pids', () => {
    assert.equal(isProcessAlive(process.pid), true);
    assert.equal(isProcessAlive(0), false);
    assert.equal(isProcessAlive(-5), false);
    assert.equal(isProcessAlive(4_194_304 + 1), false);
  });

  it('isProcessAlive() counts an unreaped child (a zombie) as dead', async () => {
    // sh forks `true`, then becomes `sleep`, which never reaps it: a zombie child of sleep
    const child = spawn('sh', ['-c', 'true & exec sleep 1'], { stdio: ['ignore', 'ignore', 'ignore'] });
    await new Promise((r) => setTimeout(r, 200));
    const zombies = fs
      .readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
          return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === String(child.pid);
        } catch {
          return false;
        }
      });
    assert.equal(zombies.length, 1, 'sleep left its exited child unreaped');
    assert.equal(isProcessAlive(Number(zombies[0])), false);
    assert.equal(isProcessAlive(child.pid ?? 0), true);
    child.kill('SIGKILL');
  });

  it('LiveProcessMemo: an ended process is dead at the next ask, another start time is another process, a zombie is dead after maxAgeMs', async () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const memo = new LiveProcessMemo(300);
    const child = spawn('sleep', ['10'], { stdio: 'ignore' });
    const pid = child.pid ?? 0;
    const ct = startTimeOf(pid);
    assert.equal(memo.isLive(pid, ct), true);
    assert.equal(memo.isLive(pid, ct), true);
    assert.equal(memo.isLive(pid, ct + 1), false);
    assert.equal(memo.isLive(0), false);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    assert.equal(memo.isLive(pid, ct), false);
    // the inner sleep's parent (the outer one) never reaps it: killed, it stays a zombie
    const parent = spawn('sh', ['-c', 'sleep 30 & exec sleep 30'], { stdio: 'ignore' });
    await sleep(200);
    const inner = Number(
      fs
        .readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .find((p) => {
          try {
            const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
            return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === String(parent.pid);
          } catch {
            return false;
          }
        }),
    );
    const it0 = startTimeOf(inner);
    assert.equal(memo.isLive(inner, it0), true);
    process.kill(inner, 'SIGKILL');
    await sleep(50);
    assert.equal(isLive(inner, it0), false, 'a zombie now');
    await sleep(300);
    assert.equal(memo.isLive(inner, it0), false);
    parent.kill('SIGKILL');
  });

  it('readProcStartTime() is stable for a process and null when there is none', () => {
    const t = readProcStartTime(process.pid);
    assert.ok(t !== null && t > 0);
    assert.equal(readProcStartTime(process.pid), t);
    assert.equal(isSameProcessAlive(process.pid, t), true);
    assert.equal(isSameProcessAlive(process.pid, (t ?? 0) + 1), false);
    assert.equal(readProcStartTime(4_194_305), null);
  });

  it('isLive() is false for a reused pid (another start time) and for a pid that ended', async () => {
    const t = startTimeOf(process.pid);
    assert.equal(isLive(process.pid, t), true);
    assert.equal(isLive(process.pid, t + 1), false);
    assert.equal(isLive(process.pid, 0), true, 'no recorded start time: the pid alone');
    const child = spawn('sleep', ['10'], { stdio: 'ignore' });
    const pid = child.pid ?? 0;
    const ct = startTimeOf(pid);
    assert.equal(isLive(pid, ct), true);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    assert.equal(isLive(pid, ct), false);
    assert.equal(startTimeOf(pid), 0);
  });

  it('readPidFile() reads a pid without newline and rejects junk', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-pid-'));
    try {
      fs.writeFileSync(path.join(dir, 'ok'), '1234');
      fs.writeFileSync(path.join(dir, 'bad'), 'x1');
      assert.equal(readPidFile(path.join(dir, 'ok')), 1234);
      assert.equal(readPidFile(path.join(dir, 'bad')), null);
      assert.equal(readPidFile(path.join(dir, 'none')), null);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
