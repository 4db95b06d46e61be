import type { SpecSeccomp } from '../oci/types.js';
import { NOTABLE_BLOCKED } from '../spec/seccomp-default.js';
import { seccompVerdict } from '../spec/seccomp-verdict.js';
import type { NotableBlock, SeccompView } from './types.js';
import type { ProcStatus } from './proc-status.js';

const MODES = ['disabled', 'strict', 'filter'] as const;

/** /proc/PID/status's Seccomp and Seccomp_filters, named. */
export function seccompView(s: Pick<ProcStatus, 'seccomp' | 'seccompFilters'>): SeccompView {
  return { mode: s.seccomp === null ? 'unknown' : (MODES[s.seccomp] ?? 'unknown'), filters: s.seccompFilters };
}

/*
 * Some notable calls are refused only with certain arguments: probe those with the argument that
 * the profile refuses (a namespace flag for clone, AF_VSOCK for socket, ADDR_NO_RANDOMIZE for
 * personality), so "blocked" means "a program doing the dangerous thing gets an error".
 */
const PROBE_ARGS: Record<string, bigint[]> = {
  clone: [0x10000000n],
  socket: [40n],
  personality: [0x0040000n],
};

/**
 * Which of the notable calls (NOTABLE_BLOCKED, with the reason each matters) a container's
 * applied profile refuses. A profile that is absent blocks nothing.
 *
 * @example notableBlocks(config.linux.seccomp).map((b) => b.syscalls[0]) // ['mount', 'unshare', …]
 */
export function notableBlocks(profile: SpecSeccomp | undefined): NotableBlock[] {
  if (!profile) return [];
  const out: NotableBlock[] = [];
  for (const entry of NOTABLE_BLOCKED) {
    const blocked = entry.names.filter((n) => seccompVerdict(profile, n, PROBE_ARGS[n] ?? []).action !== 'SCMP_ACT_ALLOW');
    if (blocked.length > 0) out.push({ syscalls: blocked, reason: entry.reason, allowedWith: entry.allowedWith ?? null });
  }
  return out;
}
