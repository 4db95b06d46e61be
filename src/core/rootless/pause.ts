import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import { tryLockFile } from '../host/lock.js';
import { readProcStartTime } from '../runtime/process-util.js';
import { mapArgs, parseSubIds, rootlessMapping, type IdMapping } from './id-map.js';

/**
 * The outside half of rootless berth, run by an ordinary user's CLI before anything else: the
 * checks that name what is missing, and the user's namespace. That is a user namespace (0 → the
 * user, 1…65536 → the subordinate ids, written by newuidmap/newgidmap) with a mount namespace of
 * its own, held open by a pause process (catatonit -P, as podman's) whose pid is kept in the run
 * root; every berth command of the user enters it (nsenter) and runs there as its root, so
 * unpacking, overlay mounts, runc and conmon work as they do for root on the host, and all of the
 * user's containers live in one namespace that later commands can reach.
 */
export interface RootlessPlan {
  uid: number;
  gid: number;
  user: string;
  uidMap: IdMapping[];
  gidMap: IdMapping[];
  /** set when the user has no subordinate ids: what will not work */
  warning?: string;
}

/** A program in PATH or the usual bin dirs, or undefined. */
export function findProgram(name: string): string | undefined {
  for (const dir of [...(process.env['PATH'] ?? '').split(':'), '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    if (!dir.startsWith('/')) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // next
    }
  }
  return undefined;
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/**
 * Check that an ordinary user can run berth here and work out the mappings: each missing piece
 * is a one-line error naming its fix; no subordinate ids is a warning (a single-id mapping).
 */
export function planRootless(opts: {
  uid: number;
  gid: number;
  user: string;
  subuid?: string;
  subgid?: string;
  procSys?: string;
  find?: (name: string) => string | undefined;
}): RootlessPlan {
  const sys = opts.procSys ?? '/proc/sys';
  const find = opts.find ?? findProgram;
  const clone = readOr(path.join(sys, 'kernel/unprivileged_userns_clone'), '1').trim();
  if (clone === '0') {
    throw new BerthError(
      'FailedPrecondition',
      'rootless berth needs unprivileged user namespaces, which this kernel has turned off: as root, sysctl -w kernel.unprivileged_userns_clone=1',
    );
  }
  const max = readOr(path.join(sys, 'user/max_user_namespaces'), '1').trim();
  if (max === '0') {
    throw new BerthError(
      'FailedPrecondition',
      'rootless berth needs user namespaces, and this kernel allows none (user.max_user_namespaces is 0): as root, sysctl -w user.max_user_namespaces=28633',
    );
  }
  if (!fs.existsSync('/proc/self/ns/user')) {
    throw new BerthError('FailedPrecondition', 'rootless berth needs a kernel with user namespaces (CONFIG_USER_NS): run berth as root on this host');
  }
  for (const p of ['unshare', 'nsenter']) {
    if (!find(p)) throw new BerthError('FailedPrecondition', `rootless berth needs ${p}, which is not installed: as root, apt-get install util-linux`);
  }
  const subuids = parseSubIds(opts.subuid ?? readOr('/etc/subuid', ''), opts.user, opts.uid);
  const subgids = parseSubIds(opts.subgid ?? readOr('/etc/subgid', ''), opts.user, opts.uid);
  if (subuids.length === 0 || subgids.length === 0) {
    const which = subuids.length === 0 ? '/etc/subuid' : '/etc/subgid';
    return {
      uid: opts.uid,
      gid: opts.gid,
      user: opts.user,
      uidMap: [{ containerId: 0, hostId: opts.uid, size: 1 }],
      gidMap: [{ containerId: 0, hostId: opts.gid, size: 1 }],
      warning: `no subordinate ids for ${opts.user} in ${which}: containers get only uid and gid 0, files of images owned by other ids are unpacked as root's and processes cannot change user (fix, as root, with a range no other user has: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${opts.user})`,
    };
  }
  for (const p of ['newuidmap', 'newgidmap']) {
    if (!find(p))
      throw new BerthError(
        'FailedPrecondition',
        `rootless berth needs ${p} to map ${opts.user}'s subordinate ids, and it is not installed: as root, apt-get install uidmap`,
      );
  }
  return { uid: opts.uid, gid: opts.gid, user: opts.user, uidMap: rootlessMapping(opts.uid, subuids), gidMap: rootlessMapping(opts.gid, subgids) };
}

/**
 * The user's private run directory: made 0700 if missing, and refused unless it is a directory
 * of the user's own that nobody else can enter (a /tmp path another user made first is a trap).
 */
export function ensurePrivateDir(dir: string, uid: number): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) {
    throw new BerthError(
      'PermissionDenied',
      `run directory ${dir} is not a private directory of uid ${uid} (owner ${st.uid}, mode ${(st.mode & 0o777).toString(8)}): remove it, or set XDG_RUNTIME_DIR`,
    );
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function nsOf(pid: number | 'self'): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/user`);
  } catch {
    return undefined;
  }
}

/** The pid of the user's pause process if it is alive (same process as recorded, in its own namespace). */
export function livePause(runDir: string): number | undefined {
  const text = readOr(path.join(runDir, 'pause.pid'), '');
  const [p, t] = text.trim().split(' ');
  const pid = Number(p);
  if (!Number.isInteger(pid) || pid <= 0 || String(readProcStartTime(pid)) !== t) return undefined;
  // a killed pause process can stay a zombie for a while here (pid 1 reaps slowly): it holds nothing
  if (/^State:\s+[ZX]/m.test(readOr(`/proc/${pid}/status`, 'State: X'))) return undefined;
  const ns = nsOf(pid);
  return ns && ns !== nsOf('self') ? pid : undefined;
}

/**
 * The pid of the user's pause process, started if none is alive: `unshare --user --mount` of a
 * shell that waits for its mappings, then becomes catatonit -P. Under a lock in runDir, so two
 * berth commands started at once share one namespace.
 */
export function ensurePause(runDir: string, plan: RootlessPlan): number {
  const alive = livePause(runDir);
  if (alive) return alive;
  const lockPath = path.join(runDir, 'pause.lock');
  let lock = tryLockFile(lockPath);
  for (let i = 0; !lock && i < 500; i++) {
    sleepMs(10);
    lock = tryLockFile(lockPath);
  }
  if (!lock) throw new BerthError('Unavailable', `timed out waiting for ${lockPath}`);
  try {
    const again = livePause(runDir);
    if (again) return again;
    // containers outlived the pause process (it was killed): hold their namespace again rather
    // than make a new one, where berth could no longer reach them
    return rejoinPause(runDir) ?? startPause(runDir, plan);
  } finally {
    lock.release();
  }
}

/**
 * A new pause process in the namespace of a live conmon of the user's (conmon runs where berth
 * ran: in the namespace the dead pause process held), or undefined when none is left.
 */
function rejoinPause(runDir: string): number | undefined {
  const own = nsOf('self');
  const uid = process.geteuid?.();
  let dirs: string[] = [];
  try {
    dirs = fs.readdirSync(path.join(runDir, 'containers'));
  } catch {
    return undefined;
  }
  for (const d of dirs) {
    const conmon = Number(readOr(path.join(runDir, 'containers', d, 'conmon.pid'), '').trim());
    if (!Number.isInteger(conmon) || conmon <= 0) continue;
    const ns = nsOf(conmon);
    if (!ns || ns === own) continue;
    try {
      if (fs.statSync(`/proc/${conmon}`).uid !== uid || /^State:\s+Z/m.test(fs.readFileSync(`/proc/${conmon}/status`, 'utf8'))) continue;
    } catch {
      continue;
    }
    const pause = findProgram('catatonit') ? ['catatonit', '-P'] : ['sleep', 'infinity'];
    const child = spawn(findProgram('nsenter') ?? 'nsenter', [`--target=${conmon}`, '--user', '--mount', '--preserve-credentials', '--', ...pause], {
      detached: true,
      stdio: 'ignore',
      cwd: '/',
    });
    const pid = child.pid;
    child.unref();
    if (pid === undefined) continue;
    for (let i = 0; i < 400 && nsOf(pid) !== ns; i++) sleepMs(5);
    if (nsOf(pid) !== ns) continue;
    fs.writeFileSync(path.join(runDir, 'pause.pid'), `${pid} ${readProcStartTime(pid)}`, { mode: 0o600 });
    return pid;
  }
  return undefined;
}

function startPause(runDir: string, plan: RootlessPlan): number {
  const single = plan.uidMap.length === 1 && plan.gidMap.length === 1;
  const pause = findProgram('catatonit') ? 'exec catatonit -P' : 'exec sleep infinity';
  const args = [
    '--user',
    '--mount',
    '--propagation',
    'private',
    ...(single ? ['--map-root-user'] : []),
    '--',
    '/bin/sh',
    '-c',
    `read -r go; ${pause} 2>/dev/null`,
  ];
  const child = spawn(findProgram('unshare') ?? 'unshare', args, { detached: true, stdio: ['pipe', 'ignore', 'pipe'], cwd: '/' });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const pid = child.pid;
  if (pid === undefined) throw new BerthError('Unavailable', 'starting the rootless namespace: unshare did not start');
  const own = nsOf('self');
  for (let i = 0; i < 400 && (nsOf(pid) === own || nsOf(pid) === undefined); i++) sleepMs(5);
  if (nsOf(pid) === own || nsOf(pid) === undefined) {
    child.kill('SIGKILL');
    throw new BerthError(
      'FailedPrecondition',
      `could not make a user namespace (unshare --user failed${stderr ? `: ${stderr.trim()}` : ''}): the kernel may not allow unprivileged user namespaces`,
    );
  }
  if (!single) {
    for (const [tool, map] of [
      ['newuidmap', plan.uidMap],
      ['newgidmap', plan.gidMap],
    ] as const) {
      const r = spawnSync(findProgram(tool) ?? tool, [String(pid), ...mapArgs(map)], { encoding: 'utf8' });
      if (r.status !== 0) {
        child.kill('SIGKILL');
        const why = (r.stderr || r.error?.message || '').trim().split('\n')[0];
        throw new BerthError(
          'FailedPrecondition',
          `${tool} refused ${plan.user}'s subordinate ids (${why}): check /etc/sub${tool === 'newuidmap' ? 'uid' : 'gid'} and that ${tool} is setuid root (apt-get install --reinstall uidmap)`,
        );
      }
    }
  }
  // the shell reads its line, then becomes the pause process; this end closes with berth
  child.stdin?.end('go\n');
  child.stderr?.destroy();
  child.unref();
  const start = readProcStartTime(pid);
  fs.writeFileSync(path.join(runDir, 'pause.pid'), `${pid} ${start}`, { mode: 0o600 });
  return pid;
}

/**
 * The command that runs `argv` in the user's namespace as its root, in the current directory.
 * With the single-id mapping the namespace denies setgroups (unshare --map-root-user), so the
 * user's own credentials are kept: its uid is the namespace's 0 there anyway.
 */
export function enterCommand(pausePid: number, argv: readonly string[], singleId = false): string[] {
  let cwd = '/';
  try {
    cwd = process.cwd();
  } catch {
    // a removed working directory: / inside
  }
  return [
    findProgram('nsenter') ?? 'nsenter',
    `--target=${pausePid}`,
    '--user',
    '--mount',
    ...(singleId ? ['--preserve-credentials'] : []),
    `--wd=${cwd}`,
    '--',
    ...argv,
  ];
}

/** The login name of a uid, or the number when it has none. */
export function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return String(process.geteuid?.() ?? 0);
  }
}
