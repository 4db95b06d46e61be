import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BerthError } from '../errors/index.js';
import { exitWithin, spawnChild, type SpawnedChild } from '../host/spawn.js';
import { classifyStartError, OciRuntimeError, runtimeErrorMessage } from './oci-runtime-error.js';
import { readPidFile } from './process-util.js';

/** What createWithConmon needs; every path comes from the caller's container layout. */
export interface ConmonCreateOptions {
  /** container id: runc's id, conmon's -c and -u, the exit file's and socket link's name */
  id: string;
  /** OCI bundle dir with config.json; conmon also puts attach, ctl and winsz here */
  bundle: string;
  runtime: { path: string; root: string };
  conmonPath: string;
  /** k8s-file log (see logs.ts) */
  logPath: string;
  /** conmon writes `<exitDir>/<id>` with the exit status */
  exitDir: string;
  /** conmon links `<socketDir>/<id>` to the bundle; keep it short (108-byte socket paths) */
  socketDir: string;
  /** runc writes the container's host pid here */
  pidFile: string;
  /** conmon writes its daemon pid here */
  conmonPidFile: string;
  /** conmon -t: must match process.terminal in config.json */
  terminal: boolean;
  /** conmon -i: give the container a stdin that attach clients write to */
  stdin: boolean;
  /**
   * keep the container's stdin open when an attach client disconnects. Default false: the first
   * client to leave closes it, as docker's StdinOnce for `run -i`; set it for `create -i`/`run -d -i`
   * where later clients attach
   */
  leaveStdinOpen?: boolean;
  /** run after the container exits, and also after a failed create (then with no exit file) */
  exitCommand?: string[];
  /** truncate the log when it would grow past this many bytes */
  logSizeMax?: number;
  /** runc's own JSON log; default `runtime.log` beside pidFile */
  runtimeLogPath?: string;
  /** extra environment for conmon, inherited by the exit command */
  env?: Record<string, string>;
  /** give up waiting for `runc create` after this long (default 60 s) */
  timeoutMs?: number;
}

/** The created container's init pid and the conmon daemon that monitors it. */
export interface ConmonCreated {
  pid: number;
  conmonPid: number;
}

const API_VERSION_ARGS = ['--api-version', '1'];

/**
 * Create a container with conmon as its monitor: conmon runs `runc create`, keeps the k8s-file
 * log and the attach socket, and writes the exit file when the container ends. The container is
 * left `created`: the caller runs `OciRuntime.start` (connect an attach client first to see all
 * output, see runAttached). conmon never runs `runc delete`; the exit command or the caller does.
 *
 * How (conmon 2.1.6, memo §1): spawn conmon detached with fd 3 (sync pipe) and fd 4 (start
 * pipe), send one start byte, read one JSON line from fd 3 (`{"data": pid}`, or a negative
 * data with runc's message), then drop the pipes and unref so this process can exit while the
 * container keeps running. A stale exit file for the id is removed first.
 *
 * Errors: OciRuntimeError with runc's message, kind CommandNotFound / CannotInvoke when the
 * command cannot be found / run (classifyStartError); Internal when conmon fails without a word.
 *
 * @example
 * const { pid, conmonPid } = await createWithConmon({ id, bundle, runtime: { path: '/usr/sbin/runc', root },
 *   conmonPath: '/usr/bin/conmon', logPath, exitDir, socketDir, pidFile, conmonPidFile, terminal: false, stdin: false });
 */
export async function createWithConmon(opts: ConmonCreateOptions): Promise<ConmonCreated> {
  const runtimeLog = opts.runtimeLogPath ?? path.join(path.dirname(opts.pidFile), 'runtime.log');
  for (const d of [
    opts.exitDir,
    opts.socketDir,
    path.dirname(opts.pidFile),
    path.dirname(opts.conmonPidFile),
    path.dirname(opts.logPath),
    path.dirname(runtimeLog),
  ]) {
    fs.mkdirSync(d, { recursive: true });
  }
  // A leftover exit file from an earlier run of this id would look like an instant exit.
  for (const f of [path.join(opts.exitDir, opts.id), opts.pidFile, opts.conmonPidFile, runtimeLog]) fs.rmSync(f, { force: true });

  const args = conmonArgs(opts, runtimeLog);
  const context = `creating container ${JSON.stringify(opts.id)}`;
  let child: SpawnedChild;
  try {
    // conmon forks its daemon and exits: nobody waits for it (reap 'later'), so `run -d` ends
    // without waiting for that first process to go
    child = spawnChild(opts.conmonPath, args, {
      fds: ['ignore', 'out', 'out', 'out', 'in'],
      detached: true,
      cwd: path.dirname(opts.conmonPidFile),
      reap: 'later',
      env: {
        PATH: process.env['PATH'] ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        // conmon -t puts its console socket in TMPDIR; the socket dir is short and ours
        TMPDIR: opts.socketDir,
        ...opts.env,
        _OCI_SYNCPIPE: '3',
        _OCI_STARTPIPE: '4',
      },
    });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new BerthError('Unavailable', `${context}: running conmon ${JSON.stringify(opts.conmonPath)}: ${msg}`, { cause: e, hint: 'apt-get install conmon' });
  }
  const streams = child.stdio;
  // ECONNRESET / EPIPE show up when conmon dies early; the sync line decides the outcome.
  for (const s of streams) s?.on('error', () => {});
  let stderr = '';
  streams[2]?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const stderrClosed = new Promise<void>((resolve) => {
    if (streams[2]) streams[2].on('close', () => resolve());
    else resolve();
  });

  try {
    const startPipe = streams[4] as NodeJS.WritableStream | null;
    startPipe?.end(Buffer.of(0));
    const timeoutMs = opts.timeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([readLine(streams[3] as Readable), timeout]).finally(() => clearTimeout(timer));
    if (outcome === 'timeout') {
      const conmonPid = readPidFile(opts.conmonPidFile);
      if (conmonPid !== null) tryKill(conmonPid);
      throw new BerthError('Internal', `${context}: conmon gave no answer in ${timeoutMs} ms`);
    }
    if (outcome === null) {
      // No sync line: conmon refused its arguments (reason on stderr) or died before runc ran.
      const [exit] = await Promise.all([exitWithin(child.pid, 1000), Promise.race([stderrClosed, unrefDelay(1000)])]);
      const code = exit?.code ?? null;
      const reason =
        stderr.trim() || runtimeErrorMessage(readText(runtimeLog)) || (code ? `conmon exited with status ${code}` : 'conmon exited without a word');
      throw new BerthError('Internal', `${context}: ${reason.replace(/^\[conmon:\w\]: /, '')}`);
    }
    const pid = parseSyncLine(outcome, context, runtimeLog);
    const conmonPid = await waitForPidFile(opts.conmonPidFile, 1000);
    if (conmonPid === null) throw new BerthError('Internal', `${context}: conmon wrote no pid file ${JSON.stringify(opts.conmonPidFile)}`);
    return { pid, conmonPid };
  } finally {
    for (const s of streams) s?.destroy();
  }
}

function conmonArgs(opts: ConmonCreateOptions, runtimeLog: string): string[] {
  const runtimeArgs = ['--root', opts.runtime.root, '--log-format=json', `--log=${runtimeLog}`];
  const args = [
    ...API_VERSION_ARGS,
    '-c',
    opts.id,
    '-u',
    opts.id,
    '-n',
    opts.id,
    '-r',
    opts.runtime.path,
    ...runtimeArgs.flatMap((a) => ['--runtime-arg', a]),
    '-b',
    opts.bundle,
    '-p',
    opts.pidFile,
    '--conmon-pidfile',
    opts.conmonPidFile,
    '--exit-dir',
    opts.exitDir,
    '-l',
    `k8s-file:${opts.logPath}`,
    '--socket-dir-path',
    opts.socketDir,
  ];
  if (opts.terminal) args.push('-t');
  if (opts.stdin) args.push('-i');
  if (opts.stdin && opts.leaveStdinOpen) args.push('--leave-stdin-open');
  if (opts.logSizeMax !== undefined && opts.logSizeMax > 0) args.push('--log-size-max', String(opts.logSizeMax));
  const [cmd, ...cmdArgs] = opts.exitCommand ?? [];
  if (cmd !== undefined) {
    args.push('--exit-command', cmd);
    for (const a of cmdArgs) args.push('--exit-command-arg', a);
  }
  return args;
}

/** `{"data": pid}` → pid; `{"data": -1, "message": "..."}` → the classified runtime error. */
function parseSyncLine(line: string, context: string, runtimeLog: string): number {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new BerthError('Internal', `${context}: unexpected line from conmon: ${JSON.stringify(line.slice(0, 200))}`);
  }
  const o = (typeof v === 'object' && v !== null ? v : {}) as { data?: unknown; message?: unknown };
  if (typeof o.data === 'number' && o.data > 0) return o.data;
  const raw = typeof o.message === 'string' ? o.message : '';
  const message = runtimeErrorMessage(raw) || runtimeErrorMessage(readText(runtimeLog)) || 'the OCI runtime failed without a message';
  throw new OciRuntimeError(context, message, { kind: classifyStartError(message) });
}

/** Resolve with the first line (without its newline), or null at EOF. Never reads to EOF. */
export function readLine(stream: Readable): Promise<string | null> {
  return new Promise((resolve) => {
    let buf = '';
    const done = (v: string | null): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      resolve(v);
    };
    const onData = (d: Buffer): void => {
      buf += d.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl >= 0) done(buf.slice(0, nl));
    };
    const onEnd = (): void => done(buf.trim() === '' ? null : buf);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('close', onEnd);
  });
}

async function waitForPidFile(file: string, ms: number): Promise<number | null> {
  const deadline = Date.now() + ms;
  for (;;) {
    const pid = readPidFile(file);
    if (pid !== null || Date.now() > deadline) return pid;
    await delay(10);
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** A wait that does not keep Node alive on its own. */
function unrefDelay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
