import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = {
  interrupt: path.join(here, 'interrupt.js'),
  teardown: path.join(here, '../core/host/teardown.js'),
  crash: path.join(here, 'crash.js'),
};

/** Run an ES module script in a fresh node; resolves with how it ended and what it printed. */
function runScript(
  source: string,
  opts: { signalAfterMs?: number; timeoutMs?: number } = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'interrupt-script-')), 'script.mjs');
    fs.writeFileSync(file, source);
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const kill = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 10_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(kill);
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

test('an interrupted operation stuck in a system call (a FIFO nobody writes) dies of SIGINT at once, its held mounts and temporaries undone', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interrupt-'));
  try {
    const fifo = path.join(dir, 'fifo');
    spawnSync('mkfifo', [fifo]);
    const marker = path.join(dir, 'undone');
    const r = await runScript(`
      import fs from 'node:fs';
      const { onInterrupt } = await import(${JSON.stringify(modules.interrupt)});
      const { holdTeardown } = await import(${JSON.stringify(modules.teardown)});
      holdTeardown(() => fs.writeFileSync(${JSON.stringify(marker)}, 'yes'));
      onInterrupt();
      // a thread of the pool blocks in open(2): process.exit() would wait for it for ever
      void fs.promises.open(${JSON.stringify(fifo)}, 'r');
      setTimeout(() => process.kill(process.pid, 'SIGINT'), 200);
    `);
    assert.equal(r.signal, 'SIGINT', `ended with ${r.code}/${r.signal}: ${r.stderr}`);
    assert.ok(r.ms < 5000, `took ${r.ms} ms`);
    assert.equal(fs.readFileSync(marker, 'utf8'), 'yes');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('with an abort controller the first SIGTERM cancels; the process dies only when the operation has not ended within the grace time', async () => {
  const r = await runScript(`
    const { onInterrupt } = await import(${JSON.stringify(modules.interrupt)});
    const abort = new AbortController();
    abort.signal.addEventListener('abort', () => process.stdout.write('aborted\\n'));
    onInterrupt({ abort, graceMs: 300 });
    setInterval(() => undefined, 1000); // an operation that ignores the cancellation
    setTimeout(() => process.kill(process.pid, 'SIGTERM'), 100);
  `);
  assert.equal(r.stdout, 'aborted\n');
  assert.equal(r.signal, 'SIGTERM');
  assert.ok(r.ms >= 350 && r.ms < 5000, `took ${r.ms} ms`);

  const ok = await runScript(`
    const { onInterrupt } = await import(${JSON.stringify(modules.interrupt)});
    const abort = new AbortController();
    const stop = onInterrupt({ abort, graceMs: 5000 });
    const t = setInterval(() => undefined, 1000);
    abort.signal.addEventListener('abort', () => { clearInterval(t); stop(); process.stdout.write('stopped cleanly\\n'); process.exitCode = 130; });
    setTimeout(() => process.kill(process.pid, 'SIGINT'), 100);
  `);
  assert.equal(ok.stdout, 'stopped cleanly\n');
  assert.equal(ok.code, 130);
});

test('an uncaught exception or unhandled rejection is reported in one line, not with the source line that threw', async () => {
  // a one-line program of 200 KB, as the bundle is: Node alone would print all of it
  const filler = `/*${'x'.repeat(200_000)}*/`;
  for (const fault of [`setTimeout(() => { ${filler} throw new Error('boom'); }, 0);`, `void Promise.reject(new Error('boom')); ${filler}`]) {
    const bare = await runScript(fault);
    assert.ok(bare.stderr.length > 200_000, 'without the handler Node prints the source line');
    const r = await runScript(`
      const { reportUncaught } = await import(${JSON.stringify(modules.crash)});
      reportUncaught((e) => { process.stderr.write('Error: ' + e.message + '\\n'); process.exit(1); });
      ${fault}
    `);
    assert.equal(r.stderr, 'Error: boom\n');
    assert.equal(r.code, 1);
  }
});
