import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineContext } from '../engine-context.js';
import { ALL_CAPABILITIES } from '../spec/capabilities.js';
import { linkedLibraries } from './elf-libraries.js';
import { readElfDynamic } from './elf-needed.js';
import { kernelBuild, parseFilesystems, parseProcCgroups } from './host-features.js';
import { NAMESPACE_TYPES } from './namespaces.js';
import { readHostSide } from './host-reference.js';
import { parseLsmList } from './lsm.js';
import { sharedLibraries } from './proc-maps.js';
import { readLinkOptional, readOptional } from './proc-files.js';
import type { BinaryView, HostExplanation } from './types.js';

function num(file: string): number | null {
  const t = readOptional(file)?.trim();
  return t === undefined || t === '' || !Number.isFinite(Number(t)) ? null : Number(t);
}

/** A running process of this binary: its /proc/PID/maps is the truth about what it loaded. */
function runningInstance(binary: string): number | null {
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    if (readLinkOptional(`/proc/${name}/exe`) === binary) return Number(name);
  }
  return null;
}

function version(binary: string): string | null {
  try {
    // the version is not in /proc or the ELF headers: ask the binary (both answer in milliseconds)
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 3000, stdio: ['ignore', 'pipe', 'ignore'] });
    return (
      out
        .split('\n')
        .find((l) => l.trim() !== '')
        ?.trim() ?? null
    );
  } catch {
    return null;
  }
}

function binaryView(role: BinaryView['role'], binary: string): BinaryView {
  const real = fs.realpathSync(binary);
  const pid = runningInstance(real);
  let isStatic = false;
  try {
    isStatic = readElfDynamic(fs.readFileSync(real)).isStatic;
  } catch {
    /* a script or unreadable: no libraries to list */
  }
  const maps = pid === null ? undefined : readOptional(`/proc/${pid}/maps`);
  const libraries = maps !== undefined ? sharedLibraries(maps, real).map((p) => ({ name: path.basename(p), path: p })) : linkedLibraries(real);
  return {
    role,
    name: path.basename(binary),
    path: real,
    version: version(real),
    static: isStatic,
    source: maps !== undefined ? 'proc-maps' : 'elf',
    runningPid: maps !== undefined ? pid : null,
    libraries,
  };
}

/** `berth explain --host`: the engine's stack, the kernel features it relies on, host limits. */
export function explainHost(ctx: EngineContext): HostExplanation {
  const facts = ctx.hostFacts();
  const host = readHostSide(facts);
  const binaries: BinaryView[] = [];
  try {
    binaries.push(binaryView('runtime', ctx.runtimeInfo().path));
  } catch {
    /* no runtime installed: nothing to show */
  }
  try {
    binaries.push(binaryView('monitor', ctx.conmonPath()));
  } catch {
    /* no conmon */
  }
  const cg = parseProcCgroups(readOptional('/proc/cgroups') ?? '');
  const unified = host.mounts.find((m) => m.fsType === 'cgroup2');
  const v2Controllers = unified ? (readOptional(path.join(unified.target, 'cgroup.controllers')) ?? '').trim().split(/\s+/).filter(Boolean) : [];
  const maxUserNs = num('/proc/sys/user/max_user_namespaces');
  const unprivClone = num('/proc/sys/kernel/unprivileged_userns_clone');
  const lsms = parseLsmList(readOptional('/sys/kernel/security/lsm'));
  const bounding = host.ref.capBounding;
  return {
    kind: 'host',
    kernel: { release: os.release(), build: kernelBuild(readOptional('/proc/version') ?? ''), arch: facts.arch ?? os.arch() },
    binaries,
    features: {
      namespaces: NAMESPACE_TYPES.filter((t) => fs.existsSync(`/proc/self/ns/${t}`)),
      cgroup: {
        version: facts.cgroupVersion,
        hybrid: facts.cgroupVersion === 1 && unified !== undefined,
        controllers: facts.cgroupVersion === 2 ? v2Controllers : cg.v1,
        v2Controllers,
      },
      overlayfs: parseFilesystems(readOptional('/proc/filesystems') ?? '').includes('overlay'),
      seccomp: {
        available: /^Seccomp:/m.test(readOptional('/proc/self/status') ?? ''),
        actions: (readOptional('/proc/sys/kernel/seccomp/actions_avail') ?? '').trim().split(/\s+/).filter(Boolean),
      },
      userNamespaces: { max: maxUserNs, unprivileged: maxUserNs === 0 ? false : unprivClone === null ? maxUserNs !== null : unprivClone === 1 },
      lsm: { apparmor: facts.apparmorEnabled ?? lsms.includes('apparmor'), selinux: facts.selinuxEnabled ?? lsms.includes('selinux') },
    },
    limits: {
      pidMax: num('/proc/sys/kernel/pid_max'),
      threadsMax: num('/proc/sys/kernel/threads-max'),
      fileMax: num('/proc/sys/fs/file-max'),
      nrOpen: num('/proc/sys/fs/nr_open'),
      openFilesHard: finite(facts.rlimitHard['RLIMIT_NOFILE']),
      processesHard: finite(facts.rlimitHard['RLIMIT_NPROC']),
      memTotal: host.ref.memTotal,
      cpus: host.ref.cpus,
      capBounding: bounding,
      capMissing: ALL_CAPABILITIES.filter((c) => !bounding.includes(c)),
    },
  };
}

function finite(n: number | undefined): number | null {
  return n === undefined || !Number.isFinite(n) ? null : n;
}
