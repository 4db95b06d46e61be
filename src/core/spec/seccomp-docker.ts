import { BerthError } from '../errors/index.js';
import type { SpecSeccomp } from '../oci/types.js';

type SeccompArg = { index: number; value: number; valueTwo?: number; op: string };

/** Conditions of a docker profile rule: capabilities held, architecture, kernel version. */
export interface SeccompFilter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

/** One rule of a docker-format profile (docker's types.Syscall). */
export interface DockerSeccompRule {
  name?: string;
  names?: string[];
  action: string;
  errnoRet?: number;
  args?: SeccompArg[] | null;
  comment?: string;
  includes?: SeccompFilter;
  excludes?: SeccompFilter;
}

/** The profile format `--security-opt seccomp=PATH` reads (moby's profiles/seccomp). */
export interface DockerSeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: Array<{ architecture: string; subArchitectures: string[] | null }>;
  flags?: string[];
  syscalls?: DockerSeccompRule[];
}

export interface SeccompTarget {
  /** uname machine of the host: x86_64, aarch64, … */
  arch?: string;
  /** running kernel; when unknown, minKernel rules count as not met */
  kernel?: { major: number; minor: number };
}

const ACTIONS = new Set([
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_LOG',
  'SCMP_ACT_NOTIFY',
]);

// docker matches includes/excludes.arches against Go's GOARCH names, and archMap against libseccomp's
const GO_ARCH: Record<string, string> = {
  x86_64: 'amd64',
  aarch64: 'arm64',
  i686: '386',
  armv7l: 'arm',
  s390x: 's390x',
  ppc64le: 'ppc64le',
  riscv64: 'riscv64',
};
const SCMP_ARCH: Record<string, string> = {
  x86_64: 'SCMP_ARCH_X86_64',
  aarch64: 'SCMP_ARCH_AARCH64',
  i686: 'SCMP_ARCH_X86',
  armv7l: 'SCMP_ARCH_ARM',
  s390x: 'SCMP_ARCH_S390X',
  ppc64le: 'SCMP_ARCH_PPC64LE',
  riscv64: 'SCMP_ARCH_RISCV64',
};

function bad(why: string): BerthError {
  return new BerthError('InvalidArgument', `invalid seccomp profile: ${why}`);
}

function kernelAtLeast(kernel: SeccompTarget['kernel'], min: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(min);
  if (!m) throw bad(`invalid minKernel "${min}"`);
  if (!kernel) return false;
  const [maj, mnr] = [Number(m[1]), Number(m[2])];
  return kernel.major > maj || (kernel.major === maj && kernel.minor >= mnr);
}

/** Whether a docker rule applies to a container holding `caps` on this host (moby's setupSeccomp). */
function applies(rule: DockerSeccompRule, caps: ReadonlySet<string>, goArch: string, kernel: SeccompTarget['kernel']): boolean {
  const ex = rule.excludes ?? {};
  if (ex.arches?.includes(goArch)) return false;
  if (ex.caps?.some((c) => caps.has(c))) return false;
  if (ex.minKernel && kernelAtLeast(kernel, ex.minKernel)) return false;
  const inc = rule.includes ?? {};
  if (inc.arches?.length && !inc.arches.includes(goArch)) return false;
  if (inc.caps?.length && !inc.caps.every((c) => caps.has(c))) return false;
  if (inc.minKernel && !kernelAtLeast(kernel, inc.minKernel)) return false;
  return true;
}

function checkShape(p: unknown): DockerSeccompProfile {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw bad('not a JSON object');
  const profile = p as DockerSeccompProfile;
  if (typeof profile.defaultAction !== 'string' || !ACTIONS.has(profile.defaultAction)) {
    throw bad(`unknown defaultAction "${String(profile.defaultAction)}"`);
  }
  if (profile.architectures?.length && profile.archMap?.length) {
    throw bad('both "architectures" and "archMap" are specified');
  }
  if (profile.syscalls !== undefined && !Array.isArray(profile.syscalls)) throw bad('"syscalls" is not a list');
  for (const r of profile.syscalls ?? []) {
    if (typeof r !== 'object' || r === null) throw bad('a syscall rule is not an object');
    if (r.name && r.names?.length) throw bad(`use either "name" or "names" in the rule for "${r.name}"`);
    if (!ACTIONS.has(r.action)) throw bad(`unknown action "${String(r.action)}"`);
  }
  return profile;
}

/**
 * A docker-format seccomp profile (JSON text or parsed) as config.json's linux.seccomp for a
 * container holding `caps` on the given host: rules whose includes/excludes do not fit are left
 * out, archMap becomes the host's architecture and its companions.
 *
 * @example dockerProfileToSpec(fs.readFileSync('profile.json', 'utf8'), ['CAP_CHOWN'], { arch: 'x86_64' })
 */
export function dockerProfileToSpec(profile: string | DockerSeccompProfile, caps: readonly string[], target: SeccompTarget = {}): SpecSeccomp {
  let parsed: unknown = profile;
  if (typeof profile === 'string') {
    try {
      parsed = JSON.parse(profile);
    } catch (e) {
      throw bad(e instanceof Error ? e.message : String(e));
    }
  }
  const p = checkShape(parsed);
  const machine = target.arch ?? 'x86_64';
  const goArch = GO_ARCH[machine] ?? machine;
  const have = new Set(caps);
  const out: SpecSeccomp = { defaultAction: p.defaultAction };
  if (p.defaultErrnoRet !== undefined) out.defaultErrnoRet = p.defaultErrnoRet;
  if (p.architectures?.length) out.architectures = [...p.architectures];
  else {
    const native = SCMP_ARCH[machine];
    const entry = p.archMap?.find((a) => a.architecture === native);
    if (entry) out.architectures = [entry.architecture, ...(entry.subArchitectures ?? [])];
  }
  if (p.flags?.length) out.flags = [...p.flags];
  out.syscalls = [];
  for (const r of p.syscalls ?? []) {
    if (!applies(r, have, goArch, target.kernel)) continue;
    const names = r.names?.length ? [...r.names] : r.name ? [r.name] : [];
    if (names.length === 0) continue;
    const rule: NonNullable<SpecSeccomp['syscalls']>[number] = { names, action: r.action };
    if (r.errnoRet !== undefined) rule.errnoRet = r.errnoRet;
    if (r.args?.length) rule.args = r.args.map((a) => ({ ...a }));
    out.syscalls.push(rule);
  }
  return out;
}
