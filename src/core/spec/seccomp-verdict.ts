import type { SpecSeccomp } from '../oci/types.js';

export interface SeccompVerdict {
  action: string;
  errnoRet?: number;
}

type Arg = NonNullable<NonNullable<SpecSeccomp['syscalls']>[number]['args']>[number];

function argMatches(a: Arg, args: readonly bigint[]): boolean {
  const v = args[a.index] ?? 0n;
  const value = BigInt(a.value);
  switch (a.op) {
    case 'SCMP_CMP_EQ':
      return v === value;
    case 'SCMP_CMP_NE':
      return v !== value;
    case 'SCMP_CMP_LT':
      return v < value;
    case 'SCMP_CMP_LE':
      return v <= value;
    case 'SCMP_CMP_GT':
      return v > value;
    case 'SCMP_CMP_GE':
      return v >= value;
    case 'SCMP_CMP_MASKED_EQ':
      return (v & value) === BigInt(a.valueTwo ?? 0);
    default:
      return false;
  }
}

/**
 * What a seccomp filter does with one call (first matching rule wins; all args of a rule must
 * match), for tests and for `berth explain`. An approximation of libseccomp's filter, which is
 * exact for profiles like berth's where rules for one syscall do not overlap.
 *
 * @example seccompVerdict(profile, 'clone', [0x10000000n]) // { action: 'SCMP_ACT_ERRNO', errnoRet: 1 }
 */
export function seccompVerdict(profile: SpecSeccomp, syscall: string, args: readonly bigint[] = []): SeccompVerdict {
  for (const rule of profile.syscalls ?? []) {
    if (!rule.names.includes(syscall)) continue;
    if ((rule.args ?? []).every((a) => argMatches(a, args))) {
      return rule.errnoRet === undefined ? { action: rule.action } : { action: rule.action, errnoRet: rule.errnoRet };
    }
  }
  return profile.defaultErrnoRet === undefined ? { action: profile.defaultAction } : { action: profile.defaultAction, errnoRet: profile.defaultErrnoRet };
}
