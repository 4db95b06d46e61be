import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readProcStartTime } from '../core/runtime/process-util.js';
import { rootlessRoots } from '../core/config/paths.js';
import { ROOTLESS_ENV } from '../core/rootless/mode.js';
import { ensurePause, ensurePrivateDir, enterCommand, planRootless, userName } from '../core/rootless/pause.js';

/**
 * What bin/berth needs to enter the namespace itself next time, without this first Node process
 * (one Node start, ~0.1 s, less per command): `PID STARTTIME SINGLE UID:GID:USER`, then the
 * warning to repeat. bin/berth uses it only while that pause process is alive, from a run dir
 * that is the user's own.
 */
function writeEnterFile(runRoot: string, pid: number, plan: { uid: number; gid: number; user: string; uidMap: unknown[]; warning?: string }): void {
  const text = `${pid} ${readProcStartTime(pid) ?? 0} ${plan.uidMap.length === 1 ? 1 : 0} ${plan.uid}:${plan.gid}:${plan.user}\n${plan.warning ?? ''}\n`;
  const file = path.join(runRoot, 'enter');
  try {
    if (fs.readFileSync(file, 'utf8') === text) return;
  } catch {
    // not there yet
  }
  fs.writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

/** Arguments that never open a store: they run where they are, rootless or not. */
const NO_STORE = new Set(['--help', '-h', 'help', '--version', '-v', 'version']);

/**
 * Rootless berth, the outside half: an ordinary user's berth checks the host, enters the user's
 * namespace (made on first use) and runs the same command there as its root, with the user's
 * own storage and run roots. Returns the exit status to end with, or undefined for root (and for
 * help and version), which go on here exactly as before.
 */
export async function relaunchRootless(args: readonly string[], stderr: NodeJS.WriteStream): Promise<number | undefined> {
  const uid = process.geteuid?.() ?? 0;
  if (uid === 0) return undefined;
  if (args.length === 0 || NO_STORE.has(args[0] as string)) return undefined;
  const gid = process.getegid?.() ?? uid;
  const user = userName();
  const plan = planRootless({ uid, gid, user });
  if (plan.warning) stderr.write(`WARNING: ${plan.warning}\n`);
  let home: string | undefined;
  try {
    home = os.userInfo().homedir;
  } catch {
    home = undefined;
  }
  const roots = rootlessRoots(uid, process.env, home);
  ensurePrivateDir(roots.runRoot, uid);
  const pid = ensurePause(roots.runRoot, plan);
  writeEnterFile(roots.runRoot, pid, plan);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    [ROOTLESS_ENV]: `${uid}:${gid}:${user}`,
    BERTH_ROOT: process.env['BERTH_ROOT'] ?? roots.root,
    BERTH_RUNROOT: process.env['BERTH_RUNROOT'] ?? roots.runRoot,
  };
  const [cmd, ...rest] = enterCommand(pid, [process.execPath, '--', process.argv[1] ?? 'berth', ...args], plan.uidMap.length === 1);
  const child = spawn(cmd as string, rest, { stdio: 'inherit', env });
  // A terminal's Ctrl-C and Ctrl-\ reach the inner berth itself (one process group): passed on
  // only when there is no terminal, as when a script or a test runner signals this process
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  const fromTerminal = process.stdin.isTTY === true;
  for (const sig of ['SIGINT', 'SIGQUIT'] as const) process.on(sig, fromTerminal ? () => undefined : forward(sig));
  for (const sig of ['SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'] as const) process.on(sig, forward(sig));
  return await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal) {
        process.removeAllListeners(signal);
        process.kill(process.pid, signal);
      }
      resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0));
    });
  });
}
