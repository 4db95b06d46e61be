import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it, test } from 'node:test';
import { logAttributes, readLogs } from './logs.js';

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (d: Buffer) => chunks.push(d));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const rec = (stream: string, tag: string, data: string): string => `2026-11-29T10:00:36.000000000+00:00 ${stream} ${tag} ${data}\n`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('readLogs()', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-logs-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints nothing for a log that does not exist yet', async () => {
    const out = collect();
    await readLogs(path.join(dir, 'none.log'), { timestamps: false, follow: false, isRunning: () => false }, { stdout: out.stream, stderr: out.stream });
    assert.equal(out.text(), '');
  });

  it('prints the last lines with tail', async () => {
    const file = path.join(dir, 'tail.log');
    fs.writeFileSync(file, rec('stdout', 'F', 'a') + rec('stdout', 'F', 'b') + rec('stderr', 'F', 'c'));
    const out = collect();
    const err = collect();
    await readLogs(file, { tail: 2, timestamps: false, follow: false, isRunning: () => false }, { stdout: out.stream, stderr: err.stream });
    assert.equal(out.text(), 'b\n');
    assert.equal(err.text(), 'c\n');
  });

  it('follows appended output, a partial line completed later, and a replaced file until not running', async () => {
    const file = path.join(dir, 'follow.log');
    fs.writeFileSync(file, rec('stdout', 'F', 'first'));
    let running = true;
    const out = collect();
    const done = readLogs(file, { timestamps: false, follow: true, isRunning: () => running, pollMs: 30 }, { stdout: out.stream, stderr: new PassThrough() });
    await sleep(80);
    fs.appendFileSync(file, rec('stdout', 'P', 'half-'));
    await sleep(80);
    assert.equal(out.text(), 'first\nhalf-');
    fs.appendFileSync(file, rec('stdout', 'F', 'done'));
    await sleep(80);
    // conmon's --log-size-max: a new file renamed over the old one
    fs.writeFileSync(`${file}.tmp`, rec('stdout', 'F', 'after-rotate'));
    fs.renameSync(`${file}.tmp`, file);
    await sleep(80);
    fs.appendFileSync(file, rec('stdout', 'F', 'last'));
    running = false;
    await done;
    assert.equal(out.text(), 'first\nhalf-done\nafter-rotate\nlast\n');
  });

  it('starts over when the file is truncated in place', async () => {
    const file = path.join(dir, 'trunc.log');
    fs.writeFileSync(file, rec('stdout', 'F', 'old-old-old-old'));
    let running = true;
    const out = collect();
    const done = readLogs(file, { timestamps: false, follow: true, isRunning: () => running, pollMs: 30 }, { stdout: out.stream, stderr: new PassThrough() });
    await sleep(80);
    fs.writeFileSync(file, rec('stdout', 'F', 'new'));
    await sleep(80);
    running = false;
    await done;
    assert.equal(out.text(), 'old-old-old-old\nnew\n');
  });

  it('stops following when aborted', async () => {
    const file = path.join(dir, 'abort.log');
    fs.writeFileSync(file, rec('stdout', 'F', 'x'));
    const ac = new AbortController();
    const out = collect();
    const done = readLogs(
      file,
      { timestamps: false, follow: true, isRunning: () => true, signal: ac.signal },
      { stdout: out.stream, stderr: new PassThrough() },
    );
    await sleep(50);
    ac.abort();
    await done;
    assert.equal(out.text(), 'x\n');
  });
});

test("logAttributes: the --log-opt labels/env values as docker's --details prints them (sorted, query-escaped)", () => {
  const labels = { app: 'web', 'com.example.tier': 'a b', other: 'x' };
  const env = ['E1=v', 'ZED=z~', 'PATH=/bin'];
  assert.equal(logAttributes({}, labels, env), '');
  assert.equal(logAttributes({ labels: 'app,missing', env: 'E1' }, labels, env), 'E1=v,app=web');
  assert.equal(logAttributes({ 'labels-regex': '^com\\.', 'env-regex': '^Z' }, labels, env), 'ZED=z%7E,com.example.tier=a+b');
});
