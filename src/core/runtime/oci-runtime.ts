import { rootlessMode } from '../rootless/mode.js';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/index.js';
import { OciRuntimeError, runtimeErrorMessage } from './oci-runtime-error.js';
import { runRuntime } from './runtime-command.js';
import { signalNumber } from './signals.js';
import { isProcessAlive, readProcStartTime } from './process-util.js';
import { deleteStoppedRuncContainer } from './runc-delete.js';

/** Status as the OCI runtime reports it (`runc state`). */
export type RuntimeStatus = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

/** The parts of `runc state <id>` berth uses. */
export interface RuntimeState {
  id: string;
  status: RuntimeStatus;
  /** host pid of the container's init; 0 once stopped */
  pid: number;
  bundle: string;
  /** RFC 3339 creation time as the runtime recorded it */
  created: string;
}

const NOT_EXIST = /does not exist|not found|no such file or directory/i;

/**
 * What the engine service asks of an OCI runtime: OciRuntime drives runc or crun; the state
 * machine's unit tests drive a fake.
 */
export interface RuntimeDriver {
  state(id: string): Promise<RuntimeState | null>;
  start(id: string, opts?: { initPid?: number }): Promise<void>;
  kill(id: string, signal: number | string, all?: boolean): Promise<void>;
  delete(id: string, force?: boolean): Promise<void>;
  hasState(id: string): boolean;
  update(id: string, resources: object): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** resume, blocking: for a teardown that runs while the process is being interrupted */
  resumeSync(id: string): void;
  ps(id: string): Promise<number[]>;
  list(): Promise<RuntimeState[]>;
}

/**
 * One OCI runtime binary (runc or crun) with one state dir (`--root`). Stateless: every call
 * runs the binary. Container ids and bundles come from the caller; nothing here knows berth's
 * metadata. Errors are OciRuntimeError carrying the runtime's own message (`--log-format json`
 * makes it one clean line).
 *
 * @example
 * const rt = new OciRuntime({ path: '/usr/sbin/runc', root: '/run/berth/runtime' });
 * await rt.start(id);
 * (await rt.state(id))?.status; // 'running'
 */
export class OciRuntime implements RuntimeDriver {
  readonly path: string;
  readonly root: string;

  constructor(opts: { path: string; root: string }) {
    this.path = opts.path;
    this.root = opts.root;
  }

  /** Global args every call starts with; conmon gets the same through --runtime-arg. */
  globalArgs(): string[] {
    return ['--root', this.root, '--log-format', 'json'];
  }

  private run(args: string[], context: string, allowFailure = false) {
    return runRuntime(this.path, [...this.globalArgs(), ...args], { context, allowFailure });
  }

  /** The runtime's view of a container, or null when the runtime does not know the id. */
  async state(id: string): Promise<RuntimeState | null> {
    const r = await this.run(['state', id], `runtime state ${JSON.stringify(id)}`, true);
    if (r.code !== 0) {
      const err = new OciRuntimeError(`runtime state ${JSON.stringify(id)}`, messageOf(r.stderr, r.code));
      if (NOT_EXIST.test(err.runtimeMessage)) return null;
      throw err;
    }
    return parseState(r.stdout, id);
  }

  /**
   * Start a `created` container (runs its process). Given the init's pid, runc's containers are
   * started the way `runc start` does it, without running runc (~6 ms of every `run`): runc's
   * init waits, blocked opening `<root>/<id>/exec.fifo` for writing, until a reader opens it,
   * then writes one byte and executes the process; the reader reads to the end and removes the
   * FIFO (which is how runc tells `created` from `running`). Anything unexpected falls back to
   * `runc start`, which reports it.
   */
  async start(id: string, opts: { initPid?: number } = {}): Promise<void> {
    if (opts.initPid !== undefined && path.basename(this.path) === 'runc' && (await startThroughFifo(path.join(this.root, id, 'exec.fifo'), opts.initPid))) {
      return;
    }
    await this.run(['start', id], `starting container ${JSON.stringify(id)}`);
  }

  /**
   * Send a signal (number or name) to the container's init, or with `all` to every process in
   * it. Killing a container that has already stopped throws (runc: "container not running")
   * except with `all`, which runc treats as done.
   */
  async kill(id: string, signal: number | string, all = false): Promise<void> {
    // rootless containers have no cgroup for runc to list their processes by: the signal goes to
    // pid 1, whose end takes the rest of its pid namespace with it
    const args = ['kill', ...(all && !rootlessMode() ? ['--all'] : []), id, String(signalNumber(signal))];
    await this.run(args, `killing container ${JSON.stringify(id)}`);
  }

  /**
   * Remove the container from the runtime (its state dir and cgroup). `force` kills it first if
   * running. Idempotent: an id the runtime does not know is not an error.
   */
  async delete(id: string, force = false): Promise<void> {
    // runc and crun keep each container's state in <root>/<id>: none means nothing to delete,
    // and skipping the call saves a runtime process (~15 ms) on every clean-up path
    if (!this.hasState(id)) return;
    if (this.forgetEnded(id)) return;
    // a stopped runc container (every container's end): its cgroup and state dir removed here
    if (path.basename(this.path) === 'runc' && !rootlessMode() && deleteStoppedRuncContainer(this.root, id)) return;
    const context = `deleting container ${JSON.stringify(id)}`;
    const r = await this.run(['delete', ...(force ? ['--force'] : []), id], context, true);
    if (r.code === 0) return;
    const message = messageOf(r.stderr, r.code);
    if (NOT_EXIST.test(message)) return;
    throw new OciRuntimeError(context, message);
  }

  /**
   * A rootless container without a cgroup of its own (no cgroup path, no hooks: berth sets none)
   * whose init process has ended: the runtime's delete would only remove its state dir (the
   * cgroups it records were never made, and with its pid namespace gone no process is left), so
   * berth removes it without starting the runtime, one Go process (~10 ms CPU) less per exit.
   * False (the runtime's delete to run) in every other case.
   */
  private forgetEnded(id: string): boolean {
    if (!rootlessMode()) return false;
    const dir = path.join(this.root, id);
    let state: {
      init_process_pid?: number;
      init_process_start?: number;
      config?: { cgroups?: { path?: string }; hooks?: unknown; namespaces?: Array<{ type?: string; path?: string }> };
    };
    try {
      state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as typeof state;
    } catch {
      return false;
    }
    const c = state.config;
    const pid = state.init_process_pid ?? 0;
    if (!c || c.cgroups?.path || c.hooks) return false;
    // its own pid namespace: every process of the container ended with its init
    if (!c.namespaces?.some((n) => n.type === 'NEWPID' && !n.path)) return false;
    if (pid <= 0 || (isProcessAlive(pid) && readProcStartTime(pid) === state.init_process_start)) return false;
    fs.rmSync(dir, { recursive: true, force: true });
    return true;
  }

  /** Whether the runtime holds state for the id (its state dir under --root exists). */
  hasState(id: string): boolean {
    return fs.existsSync(path.join(this.root, id));
  }

  /** Change a live container's cgroup limits (`runc update`, resources as runtime-spec JSON). */
  async update(id: string, resources: object): Promise<void> {
    const context = `updating container ${JSON.stringify(id)}`;
    await runRuntime(this.path, [...this.globalArgs(), 'update', '--resources', '-', id], { context, input: JSON.stringify(resources) });
  }

  /** Freeze every process of a running container (cgroup freezer). */
  async pause(id: string): Promise<void> {
    await this.run(['pause', id], `pausing container ${JSON.stringify(id)}`);
  }

  /** Thaw a paused container. */
  async resume(id: string): Promise<void> {
    await this.run(['resume', id], `resuming container ${JSON.stringify(id)}`);
  }

  resumeSync(id: string): void {
    spawnSync(this.path, [...this.globalArgs(), 'resume', id], { stdio: 'ignore' });
  }

  /** Host pids of the processes in the container (empty once stopped). */
  async ps(id: string): Promise<number[]> {
    const r = await this.run(['ps', '--format', 'json', id], `listing processes of ${JSON.stringify(id)}`);
    const v: unknown = JSON.parse(r.stdout.trim() || 'null');
    if (v === null) return [];
    if (!Array.isArray(v) || !v.every((p) => typeof p === 'number')) {
      throw new BerthError('Internal', `unexpected output of runtime ps: ${JSON.stringify(r.stdout.slice(0, 200))}`);
    }
    return v as number[];
  }

  /** Every container in this runtime root. */
  async list(): Promise<RuntimeState[]> {
    const r = await this.run(['list', '--format', 'json'], 'listing runtime containers');
    const v: unknown = JSON.parse(r.stdout.trim() || 'null');
    if (v === null) return [];
    if (!Array.isArray(v)) throw new BerthError('Internal', 'unexpected output of runtime list');
    return v.map((e: unknown) => toState(e));
  }
}

function messageOf(stderr: string, code: number): string {
  return runtimeErrorMessage(stderr) || `exited with status ${code}`;
}

function parseState(stdout: string, id: string): RuntimeState {
  let v: unknown;
  try {
    v = JSON.parse(stdout);
  } catch (e) {
    throw new BerthError('Internal', `parsing runtime state of ${JSON.stringify(id)}`, { cause: e });
  }
  return toState(v);
}

const STATUSES: readonly string[] = ['creating', 'created', 'running', 'paused', 'stopped'];

function toState(v: unknown): RuntimeState {
  if (typeof v !== 'object' || v === null) throw new BerthError('Internal', 'unexpected runtime state: not an object');
  const o = v as Record<string, unknown>;
  const status = o['status'];
  if (typeof o['id'] !== 'string' || typeof status !== 'string' || !STATUSES.includes(status)) {
    throw new BerthError('Internal', `unexpected runtime state: ${JSON.stringify(v).slice(0, 200)}`);
  }
  return {
    id: o['id'],
    status: status as RuntimeStatus,
    pid: typeof o['pid'] === 'number' ? o['pid'] : 0,
    bundle: typeof o['bundle'] === 'string' ? o['bundle'] : '',
    created: typeof o['created'] === 'string' ? o['created'] : '',
  };
}

/**
 * runc's exec FIFO handshake (libcontainer's exec()): true once the init read its go-ahead and
 * the FIFO is gone; false when the init is gone or the FIFO is not there, for `runc start` to
 * explain. A watchdog frees the blocking open if the init dies before it opens its end.
 */
async function startThroughFifo(fifo: string, initPid: number): Promise<boolean> {
  try {
    if (!fs.statSync(fifo).isFIFO() || !isProcessAlive(initPid)) return false;
  } catch {
    return false;
  }
  const watchdog = setInterval(() => {
    if (isProcessAlive(initPid)) return;
    // a writer of our own completes a pending open; a dead init wrote no go-ahead byte (a
    // process that already ran and ended did, and the read below still finds it)
    try {
      fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    } catch {
      /* the open completed meanwhile */
    }
  }, 100);
  let fd: number | undefined;
  try {
    // callbacks, not fs.promises: loading it (with the readline and watcher modules it pulls
    // in) cost every `run` ~1-2 ms of CPU
    fd = await new Promise<number>((resolve, reject) => fs.open(fifo, fs.constants.O_RDONLY, (e, f) => (e ? reject(e) : resolve(f))));
    const opened = fd;
    const buf = Buffer.alloc(64);
    let total = 0;
    for (;;) {
      const n = await new Promise<number>((resolve, reject) => fs.read(opened, buf, 0, buf.length, null, (e, r) => (e ? reject(e) : resolve(r))));
      if (n === 0) break;
      total += n;
    }
    if (total === 0) return false;
    fs.rmSync(fifo, { force: true });
    return true;
  } catch {
    return false;
  } finally {
    clearInterval(watchdog);
    if (fd !== undefined) fs.closeSync(fd);
  }
}
