/**
 * Test fixture for the runtime adapter's integration tests (real runc + conmon, as root): a
 * temp dir with a runc root, exit and socket dirs, one shared busybox rootfs and minimal
 * bundles. Not used by berth itself.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makeBusyboxRootfs } from '../../testkit/busybox-rootfs.js';
import type { RuntimeSpec } from '../oci/types.js';
import type { ConmonCreateOptions } from './conmon.js';
import { OciRuntime } from './oci-runtime.js';
import { isProcessAlive, readPidFile } from './process-util.js';
import { findConmon, findRuntime } from './runtime-select.js';

/** Why integration tests cannot run here, or false when they can. */
export function integrationSkipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root';
  try {
    findRuntime('runc');
    findConmon();
  } catch {
    return 'needs runc and conmon';
  }
  return false;
}

export interface TestEnv {
  dir: string;
  runtime: OciRuntime;
  conmonPath: string;
  exitDir: string;
  socketDir: string;
  rootfs: string;
  ids: string[];
}

export function makeTestEnv(): TestEnv {
  const dir = fs.mkdtempSync('/tmp/berth-rt-');
  const rootfs = path.join(dir, 'rootfs');
  makeBusyboxRootfs(rootfs);
  fs.writeFileSync(path.join(rootfs, 'not-executable.sh'), '#!/bin/sh\necho no\n', { mode: 0o644 });
  return {
    dir,
    runtime: new OciRuntime({ path: findRuntime('runc').path, root: path.join(dir, 'state') }),
    conmonPath: findConmon(),
    exitDir: path.join(dir, 'exits'),
    socketDir: path.join(dir, 's'),
    rootfs,
    ids: [],
  };
}

export function newId(env: TestEnv): string {
  const id = `rt${crypto.randomBytes(5).toString('hex')}`;
  env.ids.push(id);
  return id;
}

/** Write `<dir>/b/<id>/config.json`; returns the bundle dir. */
export function makeBundle(env: TestEnv, id: string, args: string[], opts: { terminal?: boolean; bundleDir?: string } = {}): string {
  const bundle = opts.bundleDir ?? path.join(env.dir, 'b', id);
  fs.mkdirSync(bundle, { recursive: true });
  const spec: RuntimeSpec = {
    ociVersion: '1.0.2',
    process: { terminal: opts.terminal ?? false, user: { uid: 0, gid: 0 }, args, env: ['PATH=/bin', 'TERM=xterm'], cwd: '/' },
    root: { path: env.rootfs },
    hostname: id,
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'ipc' }, { type: 'uts' }, { type: 'network' }],
      // flat, so runc delete removes it all (a nested parent would be left behind)
      cgroupsPath: `/berth-rt-test-${id}`,
    },
  };
  fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
  return bundle;
}

/** createWithConmon options for a bundle made by makeBundle. */
export function conmonOptions(
  env: TestEnv,
  id: string,
  bundle: string,
  opts: { terminal?: boolean; stdin?: boolean; leaveStdinOpen?: boolean } = {},
): ConmonCreateOptions {
  const run = path.join(env.dir, 'run', id);
  return {
    id,
    bundle,
    runtime: { path: env.runtime.path, root: env.runtime.root },
    conmonPath: env.conmonPath,
    logPath: path.join(bundle, 'ctr.log'),
    exitDir: env.exitDir,
    socketDir: env.socketDir,
    pidFile: path.join(run, 'pidfile'),
    conmonPidFile: path.join(run, 'conmon.pid'),
    terminal: opts.terminal ?? false,
    stdin: opts.stdin ?? false,
    leaveStdinOpen: opts.leaveStdinOpen ?? false,
  };
}

/** Remove every container of the env from runc, kill leftover conmons by pid, delete the dir. */
export function cleanupTestEnv(env: TestEnv): void {
  for (const id of env.ids) {
    try {
      execFileSync(env.runtime.path, ['--root', env.runtime.root, 'delete', '--force', id], { stdio: 'ignore' });
    } catch {
      // not there
    }
    const conmonPid = readPidFile(path.join(env.dir, 'run', id, 'conmon.pid'));
    if (conmonPid !== null && isProcessAlive(conmonPid) && commOf(conmonPid) === 'conmon') {
      try {
        process.kill(conmonPid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  fs.rmSync(env.dir, { recursive: true, force: true });
}

function commOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}
