import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/index.js';

/** The OCI runtime berth drives: its name (for messages and `info`) and executable path. */
export interface RuntimeChoice {
  name: string;
  path: string;
}

/** What the choice depends on, replaceable in tests. */
export interface HostProbe {
  /** PATH to search after the usual system dirs */
  pathEnv: string;
  isExecutable(file: string): boolean;
  /** true when /sys/fs/cgroup is a pure cgroup v2 mount (no v1 hierarchies) */
  cgroupV2Only(): boolean;
}

/** The probe of this host: real files, this process's PATH, /sys/fs/cgroup. */
export const realProbe: HostProbe = {
  get pathEnv() {
    return process.env['PATH'] ?? '';
  },
  isExecutable(file) {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  },
  cgroupV2Only() {
    return fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
  },
};

const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const KNOWN_RUNTIMES = ['runc', 'crun'];

function lookPath(name: string, dirs: readonly string[], probe: HostProbe): string | null {
  const pathDirs = probe.pathEnv.split(':').filter((d) => d !== '' && path.isAbsolute(d));
  for (const dir of [...dirs, ...pathDirs]) {
    const file = path.join(dir, name);
    if (probe.isExecutable(file)) return file;
  }
  return null;
}

/**
 * Find the OCI runtime binary. `preferred` (the `--runtime` flag) is a name looked up in the
 * system dirs and PATH, or an absolute path used as is. Without it: runc, and crun only when
 * runc is missing and cgroups are v2-only, because crun 1.8 refuses cgroup v1/hybrid hosts
 * ("cgroups in hybrid mode not supported") while runc handles both. Podman prefers crun; we
 * prefer the runtime that works on every host we run on.
 *
 * Throws Unavailable (hint: `apt-get install runc`) when nothing usable is installed.
 *
 * @example
 * findRuntime();        // { name: 'runc', path: '/usr/sbin/runc' }
 * findRuntime('crun');  // { name: 'crun', path: '/usr/bin/crun' }
 */
export function findRuntime(preferred?: string, probe: HostProbe = realProbe): RuntimeChoice {
  const hint = 'apt-get install runc';
  if (preferred !== undefined && preferred !== '') {
    if (preferred.includes('/')) {
      if (!path.isAbsolute(preferred)) {
        throw new BerthError('InvalidArgument', `OCI runtime path must be absolute: ${JSON.stringify(preferred)}`);
      }
      if (!probe.isExecutable(preferred)) {
        throw new BerthError('Unavailable', `OCI runtime ${JSON.stringify(preferred)} is not an executable file`, { hint });
      }
      return { name: path.basename(preferred), path: preferred };
    }
    const found = lookPath(preferred, SYSTEM_DIRS, probe);
    if (found === null) {
      const h = KNOWN_RUNTIMES.includes(preferred) ? `apt-get install ${preferred}` : hint;
      throw new BerthError('Unavailable', `OCI runtime ${JSON.stringify(preferred)} not found in PATH`, { hint: h });
    }
    return { name: preferred, path: found };
  }
  const runc = lookPath('runc', SYSTEM_DIRS, probe);
  if (runc !== null) return { name: 'runc', path: runc };
  const crun = lookPath('crun', SYSTEM_DIRS, probe);
  if (crun !== null && probe.cgroupV2Only()) return { name: 'crun', path: crun };
  const why = crun !== null ? " (crun is installed but does not support this host's cgroup v1/hybrid layout)" : '';
  throw new BerthError('Unavailable', `no OCI runtime found${why}`, { hint });
}

/**
 * The first line of `<runtime> --version`, e.g. `runc version 1.1.5+ds1`.
 *
 * @example
 * runtimeVersion('/usr/sbin/runc'); // 'runc version 1.1.5+ds1'
 */
export function runtimeVersion(runtimePath: string): string {
  try {
    const out = execFileSync(runtimePath, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    return out.split('\n')[0]?.trim() ?? '';
  } catch (e) {
    throw new BerthError('Unavailable', `running ${JSON.stringify(runtimePath)} --version failed`, { cause: e });
  }
}

const CONMON_DIRS = ['/usr/bin', '/usr/libexec/podman', '/usr/local/libexec/podman', '/usr/local/bin', '/usr/lib/podman'];

/**
 * Find conmon: /usr/bin/conmon (Debian's package), podman's libexec dirs, then PATH. Throws
 * Unavailable with hint `apt-get install conmon` when it is missing.
 *
 * @example
 * findConmon(); // '/usr/bin/conmon'
 */
export function findConmon(probe: HostProbe = realProbe): string {
  const found = lookPath('conmon', CONMON_DIRS, probe);
  if (found === null) throw new BerthError('Unavailable', 'conmon not found', { hint: 'apt-get install conmon' });
  return found;
}

/**
 * The init `--init` runs as pid 1 (docker ships tini as docker-init). It is bind-mounted into
 * images of any libc, so only a statically linked build will do.
 */
export function findInit(): string {
  for (const p of ['/usr/bin/tini-static', '/usr/libexec/podman/catatonit', '/usr/bin/catatonit']) {
    if (fs.existsSync(p)) return p;
  }
  throw new BerthError('Unavailable', '--init needs a static init binary, none found', { hint: 'apt-get install tini' });
}
