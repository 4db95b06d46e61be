import { spawn, type StdioOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tty from 'node:tty';
import { BerthError } from '../errors/index.js';
import type { SpecProcess } from '../oci/types.js';
import { classifyStartError, OciRuntimeError, runtimeErrorMessage } from './oci-runtime-error.js';
import { readPidFile } from './process-util.js';
import { PROXIED_SIGNALS, relaySignals, signalNumber } from './signals.js';
import { makeOwnedTempDir } from '../host/owned-temp.js';
import { ociJson } from '../oci/json.js';

/** A process to run in a running container (`docker exec`). */
export interface ExecOptions {
  runtime: { path: string; root: string };
  id: string;
  args: string[];
  /** the full environment of the process (the caller merges the container's) */
  env: string[];
  /** default / */
  cwd?: string;
  /** default root (0:0) */
  user?: { uid: number; gid: number; additionalGids?: number[] };
  /** a terminal; foreground exec drops it when our stdin is not a terminal */
  tty: boolean;
  /** keep stdin: inherited in the foreground; otherwise /dev/null */
  stdin: boolean;
  /** default: the container's own set (runc falls back to it when the process has none) */
  capabilities?: SpecProcess['capabilities'];
  /**
   * default false: runc does NOT inherit the container's no_new_privs for exec (checked with
   * runc 1.1.5), so pass the container's setting as docker does
   */
  noNewPrivileges?: boolean;
  /** where the process.json and runc's log go for the call (default the OS temp dir) */
  tmpDir?: string;
  /**
   * execPiped and execBackground: a file that receives the exit status (decimal, written
   * atomically) when the process ends, by a shell around runc, so it is recorded even when the
   * caller is gone by then (an API server restarted)
   */
  statusFile?: string;
}

/** `sh -c` around runc: run it, then write its status to $1 through a temp file and a rename. */
const STATUS_WRAPPER = 'f=$1; shift; "$@"; c=$?; printf %s "$c" > "$f.tmp" && mv -f "$f.tmp" "$f"; exit $c';

function withStatusFile(argv: string[], statusFile: string | undefined): string[] {
  return statusFile === undefined ? argv : ['/bin/sh', '-c', STATUS_WRAPPER, 'sh', statusFile, ...argv];
}

/**
 * Run a process in a running container with `runc exec --process <json>`, with this process's
 * stdio inherited (fast, and runc handles a terminal: raw mode, size, SIGWINCH). Resolves with
 * the process's exit status (128+N when killed by signal N).
 *
 * While it runs, SIGTERM/SIGHUP/SIGUSR1/SIGUSR2/SIGALRM sent to this process are relayed to
 * runc, which passes them on; SIGINT/SIGQUIT too unless they come from our terminal (then runc,
 * in the same foreground process group, already got them and a second copy would arrive).
 *
 * When runc itself fails (no such container, command not found, ...) throws OciRuntimeError
 * with `printedByRuntime` (runc has written its message to our stderr), kind CommandNotFound
 * (127) / CannotInvoke (126) as docker exec does, else Internal.
 *
 * @example
 * const code = await execForeground({ runtime, id, args: ['sh'], env: ['PATH=/bin'], tty: true, stdin: true });
 */
export async function execForeground(opts: ExecOptions): Promise<number> {
  const useTty = opts.tty && tty.isatty(0);
  const work = makeWorkDir(opts.tmpDir);
  try {
    const processFile = writeProcessFile(work, opts, useTty);
    const logFile = path.join(work, 'runtime.log');
    const stdio: StdioOptions = [opts.stdin || useTty ? 'inherit' : 'ignore', 'inherit', 'inherit'];
    const child = spawn(opts.runtime.path, [...globalArgs(opts, logFile), 'exec', '--process', processFile, opts.id], { stdio });
    // Ctrl-C / Ctrl-\ on our terminal reach runc directly (same foreground process group):
    // only keep Node alive then, a relayed copy would arrive twice
    const fromTerminal = !useTty && (tty.isatty(0) || tty.isatty(1) || tty.isatty(2));
    const stopRelay = relaySignals(PROXIED_SIGNALS, (s) => {
      if (fromTerminal && (s === 'SIGINT' || s === 'SIGQUIT')) return;
      if (child.exitCode === null && child.signalCode === null) child.kill(s);
    });
    let code: number;
    try {
      code = await exitOf(child, opts.runtime.path);
    } finally {
      stopRelay();
    }
    throwIfRuntimeFailed(logFile, code, opts.id, true);
    return code;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Start a process in a running container and return its host pid without waiting for it
 * (`runc exec --detach --pid-file`), like `docker exec -d`. Its output is discarded. Errors are
 * classified as in execForeground.
 *
 * @example
 * const pid = await execDetached({ runtime, id, args: ['sleep', '60'], env: ['PATH=/bin'], tty: false, stdin: false });
 */
export async function execDetached(opts: ExecOptions): Promise<number> {
  const work = makeWorkDir(opts.tmpDir);
  try {
    const processFile = writeProcessFile(work, opts, false);
    const logFile = path.join(work, 'runtime.log');
    const pidFile = path.join(work, 'pid');
    // all 'ignore': the detached process would hold any pipe open for its whole life
    const child = spawn(opts.runtime.path, [...globalArgs(opts, logFile), 'exec', '--detach', '--pid-file', pidFile, '--process', processFile, opts.id], {
      stdio: 'ignore',
    });
    const code = await exitOf(child, opts.runtime.path);
    throwIfRuntimeFailed(logFile, code, opts.id, false);
    const pid = readPidFile(pidFile);
    if (code !== 0 || pid === null) {
      throw new OciRuntimeError(`exec in container ${JSON.stringify(opts.id)}`, `runtime exited with status ${code} and no pid`);
    }
    return pid;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Start a process in a running container without waiting for it, in a session of its own and
 * with its output discarded (`docker exec -d` through the API), and return its host pid once
 * runc has started it. Unlike execDetached, runc stays its parent and waits for it, and a shell
 * around runc writes the exit status to `statusFile`: the status is known after the caller is gone.
 */
export async function execBackground(opts: ExecOptions & { statusFile: string }): Promise<number> {
  const work = makeWorkDir(opts.tmpDir);
  const processFile = writeProcessFile(work, opts, false);
  const logFile = path.join(work, 'runtime.log');
  const pidFile = path.join(work, 'pid');
  // the work dir goes once runc is done with it; after a failure it stays for the error message
  const script = `${STATUS_WRAPPER.replace('exit $c', '')} [ -s "$w/pid" ] && rm -rf "$w"; exit $c`;
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      `w=$1; shift; ${script}`,
      'sh',
      work,
      opts.statusFile,
      opts.runtime.path,
      ...globalArgs(opts, logFile),
      'exec',
      '--pid-file',
      pidFile,
      '--process',
      processFile,
      opts.id,
    ],
    { stdio: 'ignore', detached: true },
  );
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (e) => reject(new BerthError('Unavailable', `running /bin/sh: ${e.message}`, { cause: e })));
  });
  await spawned;
  child.unref();
  for (let i = 0; ; i++) {
    const pid = readPidFile(pidFile);
    if (pid !== null) return pid;
    let status: string | undefined;
    try {
      status = fs.readFileSync(opts.statusFile, 'utf8');
    } catch {
      /* still starting */
    }
    if (status !== undefined) {
      try {
        const code = Number(status);
        throwIfRuntimeFailed(logFile, code, opts.id, false);
        // it ran and ended before its pid was read (the wrapper removed the work dir)
        return 0;
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
    }
    if (i > 3000) throw new OciRuntimeError(`exec in container ${JSON.stringify(opts.id)}`, 'the runtime started no process in 30 seconds');
    await new Promise((r) => setTimeout(r, i < 50 ? 2 : 10));
  }
}

/** A process started by execPiped: its stdio as pipes, its host pid once known, its exit. */
export interface PipedExec {
  stdin: NodeJS.WritableStream;
  stdout: NodeJS.ReadableStream;
  stderr: NodeJS.ReadableStream;
  /** the process's host pid (read from runc's pid file), 0 when it never started */
  pid(): number;
  /** the exit status (128+N after signal N); rejects as execForeground when runc itself failed */
  done: Promise<number>;
  /** set the size of its terminal (tty only); false when there is none to size */
  resize(rows: number, cols: number): Promise<boolean>;
}

/**
 * Run a process in a running container with its stdin, stdout and stderr as pipes (an API
 * server relays them). With a terminal, runc allocates the container's and copies between it
 * and a pty of script(1)'s, whose ends are the pipes: everything arrives on stdout.
 */
export function execPiped(opts: ExecOptions): PipedExec {
  const work = makeWorkDir(opts.tmpDir);
  const processFile = writeProcessFile(work, opts, opts.tty);
  const logFile = path.join(work, 'runtime.log');
  const pidFile = path.join(work, 'pid');
  const argv = withStatusFile(
    [opts.runtime.path, ...globalArgs(opts, logFile), 'exec', '--pid-file', pidFile, '--process', processFile, opts.id],
    opts.statusFile,
  );
  // a terminal: runc needs one of its own stdio to be a terminal to copy the container's to and
  // from (else it opens /dev/tty); util-linux's script(1) gives it a pty whose size stty sets
  const child = opts.tty
    ? spawn('script', ['-q', '-e', '-c', argv.map(shellQuote).join(' '), '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(argv[0] as string, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  let pid = 0;
  const done = exitOf(child, opts.runtime.path)
    .then((code) => {
      throwIfRuntimeFailed(logFile, code, opts.id, false);
      return code;
    })
    .finally(() => {
      // kept for pid() after the end: a short process ends before anyone asked
      if (pid === 0) pid = readPidFile(pidFile) ?? 0;
      fs.rmSync(work, { recursive: true, force: true });
    });
  child.stdin.on('error', () => undefined);
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    pid: () => {
      if (pid === 0) pid = readPidFile(pidFile) ?? 0;
      return pid;
    },
    resize: (rows, cols) => {
      if (!opts.tty || child.pid === undefined || !(rows > 0 && cols > 0)) return Promise.resolve(false);
      // the pty script gave runc: runc's stdin; the new size makes the kernel send runc a SIGWINCH,
      // and runc sizes the container's terminal from it
      let pts: string;
      try {
        const runc = fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0];
        pts = fs.readlinkSync(`/proc/${runc}/fd/0`);
      } catch {
        return Promise.resolve(false);
      }
      if (!/^\/dev\/pts\/\d+$/.test(pts)) return Promise.resolve(false);
      return new Promise((resolve) => {
        const stty = spawn('stty', ['-F', pts, 'rows', String(Math.floor(rows)), 'cols', String(Math.floor(cols))], { stdio: 'ignore' });
        stty.on('error', () => resolve(false));
        stty.on('exit', (code) => resolve(code === 0));
      });
    },
    done,
  };
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Run a process in a running container and collect its output (stdout and stderr together, the
 * first `maxOutput` bytes): a healthcheck probe. Past `timeoutMs` the process is killed (its pid
 * from runc's pid file: runc cannot pass SIGKILL on) and the result says so.
 */
export async function execCaptured(opts: ExecOptions, timeoutMs: number, maxOutput: number): Promise<{ exitCode: number; output: string; timedOut: boolean }> {
  const work = makeWorkDir(opts.tmpDir);
  try {
    const processFile = writeProcessFile(work, opts, false);
    const logFile = path.join(work, 'runtime.log');
    const pidFile = path.join(work, 'pid');
    const child = spawn(opts.runtime.path, [...globalArgs(opts, logFile), 'exec', '--pid-file', pidFile, '--process', processFile, opts.id], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let size = 0;
    const keep = (b: Buffer) => {
      if (size >= maxOutput) return;
      chunks.push(b.subarray(0, maxOutput - size));
      size += Math.min(b.length, maxOutput - size);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      const pid = readPidFile(pidFile);
      if (pid !== null) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* it ended just now */
        }
      }
      child.kill('SIGKILL');
    }, timeoutMs);
    let code: number;
    try {
      code = await exitOf(child, opts.runtime.path);
    } finally {
      clearTimeout(timer);
    }
    if (!timedOut) throwIfRuntimeFailed(logFile, code, opts.id, false);
    return { exitCode: code, output: Buffer.concat(chunks).toString('utf8'), timedOut };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function globalArgs(opts: ExecOptions, logFile: string): string[] {
  return ['--root', opts.runtime.root, '--log-format', 'json', '--log', logFile];
}

function makeWorkDir(tmpDir: string | undefined): string {
  const base = tmpDir ?? os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  return makeOwnedTempDir(base, 'berth-exec-');
}

function writeProcessFile(dir: string, opts: ExecOptions, terminal: boolean): string {
  const user = opts.user ?? { uid: 0, gid: 0 };
  const proc: SpecProcess = {
    terminal,
    user: { uid: user.uid, gid: user.gid, ...(user.additionalGids?.length ? { additionalGids: user.additionalGids } : {}) },
    args: opts.args,
    env: opts.env,
    cwd: opts.cwd ?? '/',
    ...(opts.capabilities ? { capabilities: opts.capabilities } : {}),
    ...(opts.noNewPrivileges !== undefined ? { noNewPrivileges: opts.noNewPrivileges } : {}),
  };
  const file = path.join(dir, 'process.json');
  fs.writeFileSync(file, ociJson(proc));
  return file;
}

function exitOf(child: ReturnType<typeof spawn>, binary: string): Promise<number> {
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new BerthError('Unavailable', `running ${JSON.stringify(binary)}: ${e.message}`, { cause: e })));
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : signalNumber(signal))));
  });
}

/**
 * runc exec exits 255 (crun 1) when it fails itself and logs why at error level; a process
 * that exits non-zero leaves no such entry.
 */
function throwIfRuntimeFailed(logFile: string, code: number, id: string, printed: boolean): void {
  if (code === 0) return;
  let log: string;
  try {
    log = fs.readFileSync(logFile, 'utf8');
  } catch {
    return;
  }
  if (!/"level":"(error|fatal|panic)"/.test(log)) return;
  const message = runtimeErrorMessage(log);
  throw new OciRuntimeError(`exec in container ${JSON.stringify(id)}`, message, {
    kind: classifyStartError(message),
    printedByRuntime: printed,
  });
}
