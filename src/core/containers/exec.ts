import fs from 'node:fs';
import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import type { RuntimeSpec, SpecProcess } from '../oci/types.js';
import { resolveUser } from '../spec/resolve-user.js';
import { ALL_CAPABILITIES } from '../spec/capabilities.js';
import type { ExecOptions } from '../runtime/exec.js';
import type { ContainerRecord } from './container-record.js';
import { containerPaths } from './container-paths.js';
import { processLive, refreshContainer } from './exit.js';
import { execDetached, execForeground } from '../runtime/exec.js';
import { withContainer } from './locked.js';
import { checkVerb } from './transitions.js';

export interface ExecRequest {
  cmd: string[];
  env: string[];
  user?: string;
  workdir?: string;
  tty: boolean;
  interactive: boolean;
  privileged: boolean;
}

/**
 * The process of an exec session: the container's own process settings (capabilities, seccomp is
 * per-container, rlimits, env) with the request's command, env, user and working dir on top.
 */
export function execProcess(ctx: EngineContext, ref: string, req: ExecRequest): { rec: ContainerRecord; process: SpecProcess } {
  const rec = refreshContainer(ctx, ctx.containers.lookup(ref));
  if (rec.state.status === 'paused') throw new BerthError('Conflict', `container ${rec.id} is paused, unpause the container before exec`);
  if (rec.state.status !== 'running') throw new BerthError('Conflict', `container ${rec.id} is not running`);
  if (req.cmd.length === 0) throw new BerthError('InvalidArgument', 'exec requires at least one command argument');
  const p = containerPaths(ctx.paths, rec.id);
  const spec = JSON.parse(fs.readFileSync(p.config, 'utf8')) as RuntimeSpec;
  const base = spec.process;
  if (!base) throw new BerthError('Internal', `container ${rec.id} has no process in its config`);
  const env = new Map<string, string>();
  for (const e of [...(base.env ?? []), ...req.env]) {
    const i = e.indexOf('=');
    env.set(i < 0 ? e : e.slice(0, i), e);
  }
  const proc: SpecProcess = {
    ...base,
    args: req.cmd,
    env: [...env.values()],
    cwd: req.workdir ?? base.cwd,
    terminal: req.tty,
  };
  if (req.user !== undefined) {
    const u = resolveUser(req.user, p.rootfs, rec.spec.groupAdd);
    proc.user = { uid: u.uid, gid: u.gid, ...(u.additionalGids.length ? { additionalGids: u.additionalGids } : {}) };
  }
  if (req.privileged && proc.capabilities) {
    // docker: every capability, as a --privileged container has (what the engine itself holds)
    const all = [...(ctx.hostFacts().capBounding ?? ALL_CAPABILITIES)];
    proc.capabilities = { bounding: all, effective: all, permitted: all };
  }
  delete proc.consoleSize;
  return { rec, process: proc };
}

/**
 * execProcess for a new exec session, checked under the container's lock: an exec that comes
 * while another command holds the container (a start, a removal) waits for it to finish, then
 * gets what that command left (a running container, or docker's "No such container").
 */
export async function prepareExec(ctx: EngineContext, ref: string, req: ExecRequest): Promise<{ rec: ContainerRecord; process: SpecProcess }> {
  return withContainer(ctx, ref, (rec) => {
    checkVerb('exec', rec.state.status, rec);
    return execProcess(ctx, rec.id, req);
  });
}

/**
 * Run an exec session (foreground: its exit code; detached: once started). A container that
 * stopped between the check and the runtime's exec (a concurrent rm -f or kill) is docker's
 * "is not running" rather than whatever the runtime said while it was going away.
 */
export async function runExec(ctx: EngineContext, rec: ContainerRecord, opts: ExecOptions, detach: boolean): Promise<number> {
  try {
    return detach ? await execDetached(opts) : await execForeground(opts);
  } catch (e) {
    // the runtime fails as soon as the container's namespaces go, a moment before its init is
    // gone: give a dying container that moment
    for (let i = 0; i < 10; i++) {
      const now = ctx.containers.get(rec.id);
      if (!now) throw new BerthError('NotFound', `No such container: ${rec.id}`, { cause: e });
      const cur = refreshContainer(ctx, now);
      if (cur.state.status !== 'running' || cur.state.runId !== rec.state.runId || !processLive(cur)) {
        throw new BerthError('Conflict', `container ${rec.id} is not running`, { cause: e });
      }
      await new Promise((r) => setTimeout(r, 30));
    }
    throw e;
  }
}

/** The runtime's exec options for a process execProcess made (the CLI's exec, a healthcheck probe). */
export function execOptions(ctx: EngineContext, id: string, proc: SpecProcess, io: { tty: boolean; stdin: boolean }): ExecOptions {
  return {
    runtime: { path: ctx.runtimeInfo().path, root: ctx.paths.runtimeState },
    id,
    args: proc.args,
    env: proc.env ?? [],
    cwd: proc.cwd,
    user: proc.user,
    tty: io.tty,
    stdin: io.stdin,
    ...(proc.capabilities ? { capabilities: proc.capabilities } : {}),
    ...(proc.noNewPrivileges !== undefined ? { noNewPrivileges: proc.noNewPrivileges } : {}),
    tmpDir: ctx.paths.tmp,
  };
}
