import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import linux from 'berth-linux';

/**
 * One child fd, seen from the child: `in` it reads (we get a writable end), `out` it writes (we
 * get a readable end), `ignore` is /dev/null.
 */
export type ChildFd = 'in' | 'out' | 'ignore';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedChild {
  pid: number;
  /** our end of each child fd: a Socket for `in`/`out`, null for `ignore` */
  stdio: Array<net.Socket | null>;
  /**
   * How it ended. With `reap: 'later'` this never settles: the child (a daemonizing conmon) is
   * reaped at a later spawn or when berth exits, so waiting for it keeps no berth alive.
   */
  exited: Promise<ChildExit>;
}

export interface SpawnOptions {
  /** the child's fds 0, 1, 2, 3, …; default in, out, out */
  fds?: ChildFd[];
  /** the whole environment (default: ours) */
  env?: Record<string, string>;
  cwd?: string;
  /** a session of its own (setsid), as child_process's `detached` */
  detached?: boolean;
  /** `wait` (default): `exited` settles when it ends; `later`: see SpawnedChild.exited */
  reap?: 'wait' | 'later';
}

const found = new Map<string, string>();

/** A bare name looked up in PATH (and the sbin dirs root's PATH may lack), as execvp would. */
function resolveProgram(name: string): string {
  if (name.includes('/')) return name;
  const hit = found.get(name);
  if (hit) return hit;
  const dirs = [...(process.env['PATH'] ?? '').split(':'), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  for (const dir of dirs) {
    if (!dir.startsWith('/')) continue;
    const file = `${dir}/${name}`;
    try {
      fs.accessSync(file, fs.constants.X_OK);
      found.set(name, file);
      return file;
    } catch {
      // next
    }
  }
  const e: NodeJS.ErrnoException = new Error(`${name}: not found in PATH`);
  e.code = 'ENOENT';
  throw e;
}

/** Children whose exit nobody awaits: reaped (WNOHANG) at each later spawn. */
const unreaped = new Set<number>();

/** made on first use: node:os loads on first touch, which `ps` (importing this through health checks) never needs */
let signalNames: Map<number, NodeJS.Signals> | undefined;
function signalName(n: number): NodeJS.Signals | null {
  signalNames ??= new Map(Object.entries(os.constants.signals).map(([name, v]) => [v, name as NodeJS.Signals]));
  return signalNames.get(n) ?? null;
}

/**
 * Run a program without forking this process (posix_spawn through the addon): child_process
 * copies the page tables of the whole Node process on every spawn, ~2-3 ms on the JS thread for
 * each of conmon, the CNI plugins and runc. Throws an Error with the errno `code` (ENOENT,
 * EACCES) when the program cannot run, synchronously, as nothing has started then. A name
 * without a slash is looked up in PATH.
 *
 * @example
 * const c = spawnChild('/usr/sbin/runc', ['--version'], { fds: ['ignore', 'out', 'out'] });
 * c.stdio[1]?.on('data', (d: Buffer) => process.stdout.write(d));
 * const { code } = await c.exited;
 */
export function spawnChild(program: string, args: readonly string[], opts: SpawnOptions = {}): SpawnedChild {
  for (const pid of unreaped) if (linux.tryWait(pid) !== null) unreaped.delete(pid);
  const file = resolveProgram(program);
  const fds = opts.fds ?? ['in', 'out', 'out'];
  const ours: Array<number | null> = [];
  const theirs: number[] = [];
  try {
    for (const kind of fds) {
      if (kind === 'ignore') {
        ours.push(null);
        theirs.push(-1);
        continue;
      }
      const [r, w] = linux.pipe();
      ours.push(kind === 'in' ? w : r);
      theirs.push(kind === 'in' ? r : w);
    }
    const env = opts.env ? Object.entries(opts.env).map(([k, v]) => `${k}=${v}`) : null;
    const pid = linux.spawn(file, [file, ...args], env, theirs, opts.detached ?? false, opts.cwd ?? '');
    const stdio = fds.map((kind, i) => {
      const fd = ours[i];
      if (fd === null || fd === undefined) return null;
      return new net.Socket({ fd, readable: kind === 'out', writable: kind === 'in' });
    });
    ours.length = 0;
    let exited: Promise<ChildExit>;
    if (opts.reap === 'later') {
      unreaped.add(pid);
      exited = new Promise(() => undefined);
    } else {
      exited = linux.waitpid(pid).then((r) => ({ code: r.code, signal: r.signal === null ? null : signalName(r.signal) }));
    }
    return { pid, stdio, exited };
  } finally {
    for (const fd of theirs) if (fd >= 0) fs.closeSync(fd);
    for (const fd of ours) if (fd !== null) fs.closeSync(fd);
  }
}

/**
 * For a child spawned with `reap: 'later'`, when its end matters after all (an error to
 * explain): how it ended, if it does within `ms` (polled), else null.
 */
export async function exitWithin(pid: number, ms: number): Promise<ChildExit | null> {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = linux.tryWait(pid);
    if (r !== null) {
      unreaped.delete(pid);
      return { code: r.code, signal: r.signal === null ? null : signalName(r.signal) };
    }
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface ChildOutput extends ChildExit {
  stdout: Buffer;
  stderr: Buffer;
}

/**
 * Run a program to its end with spawnChild: `input` (if any) on its stdin, its stdout and stderr
 * collected. Throws what spawnChild throws when it cannot start; never for its exit status.
 *
 * @example
 * const r = await runChild('ip', ['-n', ns, 'link', 'delete', 'eth0']);
 * if (r.code !== 0) console.error(r.stderr.toString());
 */
export async function runChild(program: string, args: readonly string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<ChildOutput> {
  const child = spawnChild(program, args, {
    fds: [opts.input === undefined ? 'ignore' : 'in', 'out', 'out'],
    ...(opts.env ? { env: opts.env } : {}),
  });
  const [stdin, stdout, stderr] = child.stdio;
  if (stdin && opts.input !== undefined) {
    stdin.on('error', () => undefined); // a child that exits without reading
    stdin.end(opts.input);
  }
  const [out, err, exit] = await Promise.all([drain(stdout), drain(stderr), child.exited]);
  return { ...exit, stdout: out, stderr: err };
}

function drain(s: net.Socket | null | undefined): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    if (!s) return resolve(Buffer.alloc(0));
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('close', () => resolve(Buffer.concat(chunks)));
    s.on('error', () => undefined);
  });
}

/**
 * Start a command (argv[0] the program) that outlives this process, its stdio closed, reaped
 * later if it ends first: berth's own helpers (health monitor, a rerun exit hook). Its pid.
 */
export function spawnDetached(argv: readonly string[]): number {
  const [program, ...args] = argv;
  if (program === undefined) throw new Error('spawnDetached: empty command');
  return spawnChild(program, args, { fds: ['ignore', 'ignore', 'ignore'], detached: true, reap: 'later' }).pid;
}
