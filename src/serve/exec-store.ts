import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../core/errors/berth-error.js';
import type { Paths } from '../core/config/paths.js';
import { containerPaths } from '../core/containers/container-paths.js';
import { isLive } from '../core/runtime/process-util.js';

/**
 * An exec instance of the API (POST /containers/{id}/exec): what to run, and once started its
 * pid. Kept as a file in its container's run dir, so a restarted server still starts and inspects
 * it and it goes with its container; its exit status is a file beside it that the shell around
 * runc writes (execPiped/execBackground's statusFile), whoever is alive then.
 */
export interface ExecRecord {
  id: string;
  containerId: string;
  cmd: string[];
  env: string[];
  user?: string;
  workdir?: string;
  tty: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  privileged: boolean;
  detachKeys: string;
  /** host pid once started (0 before, or when it ended before its pid was read) */
  pid: number;
  pidStartTime: number;
  /** the status a failure to start it gave (126/127), when no status file was written */
  exitCode: number | null;
}

export interface ExecState {
  running: boolean;
  exitCode: number | null;
}

const ID = /^[0-9a-f]{64}$/;

function execDir(paths: Paths, containerId: string): string {
  return path.join(containerPaths(paths, containerId).runDir, 'execs');
}

function recordFile(paths: Paths, containerId: string, id: string): string {
  return path.join(execDir(paths, containerId), `${id}.json`);
}

/** Where the shell around runc writes the exit status. */
export function execStatusFile(paths: Paths, rec: ExecRecord): string {
  return path.join(execDir(paths, rec.containerId), `${rec.id}.status`);
}

/** Write the record (a temp file renamed into place: a reader never sees half of it). */
export function saveExec(paths: Paths, rec: ExecRecord): void {
  const dir = execDir(paths, rec.containerId);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = recordFile(paths, rec.containerId, rec.id);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(rec), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** The exec instance with this id, from any container's run dir; 404 when none has it. */
export function loadExec(paths: Paths, id: string): ExecRecord {
  if (ID.test(id)) {
    let containers: string[] = [];
    try {
      containers = fs.readdirSync(paths.runContainers);
    } catch {
      /* no container has run yet */
    }
    for (const c of containers) {
      let text: string;
      try {
        text = fs.readFileSync(recordFile(paths, c, id), 'utf8');
      } catch {
        continue;
      }
      const rec = JSON.parse(text) as ExecRecord;
      if (rec.containerId === c && rec.id === id) return rec;
    }
  }
  throw new BerthError('NotFound', `No such exec instance: ${id}`);
}

/**
 * Claim the start of an exec instance: true for the one caller (in any process) that gets it,
 * false when it was started already.
 */
export function claimExecStart(paths: Paths, rec: ExecRecord): boolean {
  try {
    fs.closeSync(fs.openSync(path.join(execDir(paths, rec.containerId), `${rec.id}.started`), 'wx', 0o600));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

export function execStarted(paths: Paths, rec: ExecRecord): boolean {
  return fs.existsSync(path.join(execDir(paths, rec.containerId), `${rec.id}.started`));
}

/** Running and exit code as docker's exec inspect shows them, from the files and the pid. */
export function execState(paths: Paths, rec: ExecRecord): ExecState {
  let status: string | undefined;
  try {
    status = fs.readFileSync(execStatusFile(paths, rec), 'utf8');
  } catch {
    /* not ended, or not started */
  }
  // a failure to start it (126/127) was recorded over runc's own status (255)
  if (rec.exitCode !== null) return { running: false, exitCode: rec.exitCode };
  if (status !== undefined && /^-?\d+$/.test(status)) return { running: false, exitCode: Number(status) };
  if (!execStarted(paths, rec)) return { running: false, exitCode: null };
  // started, no status yet: running while its process lives (just started: pid not read yet)
  if (rec.pid === 0 || isLive(rec.pid, rec.pidStartTime)) return { running: true, exitCode: null };
  return { running: false, exitCode: null };
}
