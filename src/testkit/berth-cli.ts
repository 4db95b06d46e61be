import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBusyboxTar } from './busybox-rootfs.js';
import { mountPoints } from '../core/host/mountinfo.js';

/**
 * The berth executable under test: the checkout's bin/berth (found from this compiled file,
 * dist/src/testkit/…), or $BERTH_TEST_BIN to test another build.
 */
export const BERTH_BIN = process.env['BERTH_TEST_BIN'] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/berth');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A throw-away berth installation for one test file: its own storage root and run root, so tests
 * never touch /var/lib/berth and can run side by side. `berth()` runs the real binary.
 */
export interface TestEnv {
  root: string;
  runRoot: string;
  env: NodeJS.ProcessEnv;
  berth(args: string[], opts?: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<RunResult>;
  berthSync(args: string[], opts?: { input?: string | Buffer }): RunResult;
  /** import the busybox image as `busybox:latest` */
  importBusybox(tag?: string): Promise<void>;
  cleanup(): Promise<void>;
}

let busyboxTar: string | undefined;

/** PIDs of processes whose command line names dir (conmon, exit hooks, berth itself). */
export function processesUsing(dir: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(dir)) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * Run a program to its end with `input` on its stdin, its output collected; killed with SIGKILL
 * after `timeoutMs` (a client that proxies SIGTERM, as docker run does, ends only so). A signal's
 * end is 128 + its number, as a shell reports it.
 */
export function runProgram(
  file: string,
  args: readonly string[],
  opts: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], ...(opts.cwd ? { cwd: opts.cwd } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? 128 + (signal ? os.constants.signals[signal] : 0), stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** One busybox rootfs tar per test process, from Debian's busybox-static. */
export function busyboxTarPath(): string {
  if (!busyboxTar) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bb-'));
    busyboxTar = path.join(dir, 'busybox.tar');
    makeBusyboxTar(busyboxTar);
  }
  return busyboxTar;
}

export function makeTestEnv(): TestEnv {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-root-'));
  // short: conmon's attach socket path must fit in 108 bytes
  const runRoot = fs.mkdtempSync('/run/bt-');
  const env: NodeJS.ProcessEnv = { ...process.env, BERTH_ROOT: root, BERTH_RUNROOT: runRoot };
  const berth: TestEnv['berth'] = (args, opts = {}) => runProgram(BERTH_BIN, args, { ...opts, env: { ...env, ...opts.env } });
  const berthSync: TestEnv['berthSync'] = (args, opts = {}) => {
    const r = spawnSync(BERTH_BIN, args, { env, input: opts.input ?? '', encoding: 'utf8' });
    return { code: r.status ?? 255, stdout: r.stdout, stderr: r.stderr };
  };
  return {
    root,
    runRoot,
    env,
    berth,
    berthSync,
    async importBusybox(tag = 'busybox:latest') {
      const r = await berth(['import', busyboxTarPath(), tag]);
      if (r.code !== 0) throw new Error(`import failed: ${r.stderr}`);
    },
    async cleanup() {
      const ids = (await berth(['ps', '-aq', '--no-trunc'])).stdout.split('\n').filter(Boolean);
      if (ids.length) await berth(['rm', '-f', ...ids]);
      // and what a test that killed berth left: half-created rows, their network namespaces
      await berth(['container', 'prune', '-f']);
      // the test's networks (bridges, isolation rules) go before the root does
      await berth(['network', 'prune', '-f']);
      // conmons and their exit hooks (`berth container cleanup`) of the containers just removed
      // may still run and would write into the root while it is deleted: wait for them to end
      for (let i = 0; i < 100 && processesUsing(root).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      // anything still mounted under the root (a test that failed half-way) goes before the files
      const mounts = [...mountPoints()]
        .filter((m) => m.startsWith(root))
        .sort()
        .reverse();
      for (const m of mounts) spawnSync('umount', ['-l', m]);
      // an exit hook of a container removed a moment ago may still be writing: retry
      fs.rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      fs.rmSync(runRoot, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}
