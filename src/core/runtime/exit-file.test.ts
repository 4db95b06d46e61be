import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BerthError } from '../errors/index.js';
import { readExitCode, waitForExit } from './exit-file.js';

describe('exit files', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-exits-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("readExitCode() reads conmon's decimal status and null when absent", () => {
    fs.writeFileSync(path.join(dir, 'a'), '137');
    fs.writeFileSync(path.join(dir, 'b'), '-1');
    assert.equal(readExitCode(dir, 'a'), 137);
    assert.equal(readExitCode(dir, 'b'), -1);
    assert.equal(readExitCode(dir, 'none'), null);
  });

  it('waitForExit() ignores the temp file and resolves on the rename into place', async () => {
    const wait = waitForExit(dir, 'c', { pollMs: 10_000 });
    setTimeout(() => {
      fs.writeFileSync(path.join(dir, 'c.Xa1b2c'), '7');
      setTimeout(() => fs.renameSync(path.join(dir, 'c.Xa1b2c'), path.join(dir, 'c')), 30);
    }, 30);
    assert.equal(await wait, 7);
  });

  it('waitForExit() finds the file by polling too', async () => {
    const wait = waitForExit(path.join(dir), 'd', { pollMs: 20 });
    fs.writeFileSync(path.join(dir, 'd'), '3');
    assert.equal(await wait, 3);
  });

  it('waitForExit() times out and can be aborted', async () => {
    await assert.rejects(waitForExit(dir, 'never', { timeoutMs: 50 }), (e: unknown) => e instanceof BerthError && e.kind === 'Unavailable');
    const ac = new AbortController();
    const wait = waitForExit(dir, 'never', { signal: ac.signal });
    ac.abort(new Error('stop'));
    await assert.rejects(wait, /stop/);
  });

  it('waitForExit() gives up when the monitor is gone without writing the file', async () => {
    const child = spawn('true');
    const pid = child.pid ?? 0;
    await new Promise((r) => child.on('exit', r));
    await assert.rejects(waitForExit(dir, 'orphan', { conmonPid: pid, pollMs: 20 }), /exited without writing an exit code/);
  });
});
