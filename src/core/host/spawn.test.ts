import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type net from 'node:net';
import { describe, test } from 'node:test';
import { runChild, spawnChild } from './spawn.js';

function text(s: net.Socket | null | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!s) return resolve('');
    let out = '';
    s.on('data', (d: Buffer) => (out += d.toString()));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

describe('spawnChild (posix_spawn, no fork)', () => {
  test('output, input, exit code and extra fds come through', async () => {
    const c = spawnChild('/bin/sh', ['-c', 'read x; echo "got $x"; echo err >&2; echo three >&3; exit 7'], { fds: ['in', 'out', 'out', 'out'] });
    c.stdio[0]?.end('hello\n');
    const [out, err, three, exit] = await Promise.all([text(c.stdio[1]), text(c.stdio[2]), text(c.stdio[3]), c.exited]);
    assert.equal(out, 'got hello\n');
    assert.equal(err, 'err\n');
    assert.equal(three, 'three\n');
    assert.deepEqual(exit, { code: 7, signal: null });
  });

  test('environment, working directory, a session of its own', async () => {
    const c = spawnChild('/bin/sh', ['-c', 'echo "$FOO $(pwd) $(cut -d" " -f6 /proc/$$/stat) $$"'], {
      fds: ['ignore', 'out', 'ignore'],
      env: { FOO: 'bar', PATH: '/usr/bin:/bin' },
      cwd: '/usr',
      detached: true,
    });
    const [out, exit] = await Promise.all([text(c.stdio[1]), c.exited]);
    const [foo, cwd, sid, pid] = out.trim().split(' ');
    assert.equal(foo, 'bar');
    assert.equal(cwd, '/usr');
    assert.equal(sid, pid, 'setsid: its own session');
    assert.equal(exit.code, 0);
  });

  test('signals: none blocked, none ignored (node ignores SIGPIPE and SIGXFSZ)', async () => {
    // grep reads its own status (a shell blocks signals while it waits for its children)
    const c = spawnChild('/bin/grep', ['-E', '^Sig(Ign|Blk)', '/proc/self/status'], { fds: ['ignore', 'out', 'ignore'] });
    const [out, exit] = await Promise.all([text(c.stdio[1]), c.exited]);
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 2);
    // glibc's posix_spawn leaves its two internal signals (32, 33) ignored; glibc programs take
    // them back at start
    for (const l of lines) assert.equal(BigInt(`0x${l.split(/\s+/)[1]}`) & ~0x180000000n, 0n, l);
    assert.equal(exit.code, 0);
  });

  test('a signal is reported by name; a missing program throws ENOENT and leaks no fd', async () => {
    const c = spawnChild('/bin/sh', ['-c', 'kill -TERM $$'], { fds: ['ignore', 'ignore', 'ignore'] });
    assert.deepEqual(await c.exited, { code: null, signal: 'SIGTERM' });
    const before = fs.readdirSync('/proc/self/fd').length;
    assert.throws(
      () => spawnChild('/nonexistent/program', []),
      (e: NodeJS.ErrnoException) => e.code === 'ENOENT',
    );
    assert.throws(
      () => spawnChild('no-such-program-anywhere', []),
      (e: NodeJS.ErrnoException) => e.code === 'ENOENT',
    );
    assert.deepEqual(await spawnChild('true', [], { fds: ['ignore', 'ignore', 'ignore'] }).exited, { code: 0, signal: null }, 'found in PATH');
    assert.equal(fs.readdirSync('/proc/self/fd').length, before);
  });

  test('reap later: nothing waits, and the next spawn reaps it', async () => {
    const c = spawnChild('/bin/true', [], { fds: ['ignore', 'ignore', 'ignore'], reap: 'later' });
    await new Promise((r) => setTimeout(r, 200));
    assert.match(fs.readFileSync(`/proc/${c.pid}/stat`, 'utf8'), /\) Z /, 'a zombie until reaped');
    await spawnChild('/bin/true', [], { fds: ['ignore', 'ignore', 'ignore'] }).exited;
    assert.equal(fs.existsSync(`/proc/${c.pid}`), false);
  });

  test('a process that fails while a child it waits for still runs exits at once (no waitpid blocks node)', () => {
    const mod = fileURLToPath(new URL('./spawn.js', import.meta.url));
    const script = `
      import { spawnChild } from ${JSON.stringify(mod)};
      const c = spawnChild('/bin/sleep', ['30'], { fds: ['ignore', 'ignore', 'ignore'] });
      process.stdout.write(String(c.pid));
      void c.exited;
      setTimeout(() => { throw new Error('boom'); }, 50);`;
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 });
    const pid = Number(r.stdout);
    try {
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /boom/);
      assert.ok(Date.now() - t0 < 5000, 'exited while sleep still ran');
    } finally {
      if (pid > 0) process.kill(pid, 'SIGKILL');
    }
  });

  test('runChild feeds input and collects both outputs and the exit status', async () => {
    const r = await runChild('/bin/sh', ['-c', 'read x; echo "out $x"; echo "err $x" >&2; exit 4'], { input: 'in\n', env: { PATH: '/bin' } });
    assert.deepEqual(
      { code: r.code, signal: r.signal, out: r.stdout.toString(), err: r.stderr.toString() },
      { code: 4, signal: null, out: 'out in\n', err: 'err in\n' },
    );
    const big = await runChild('/bin/sh', ['-c', 'head -c 300000 /dev/zero']);
    assert.equal(big.stdout.length, 300000);
  });
});
