import { BerthError } from '../../errors/index.js';
import type { SpecProcess } from '../../oci/types.js';
import type { ContainerSpec } from '../container-spec.js';
import type { HostFacts } from '../host-facts.js';
import { ULIMIT_RLIMITS } from '../parse/ulimit.js';
import { RLIMIT_UNLIMITED } from '../../oci/json.js';

export { RLIMIT_UNLIMITED };

type Rlimit = NonNullable<SpecProcess['rlimits']>[number];

// podman's defaults: enough open files and processes for servers that expect a tuned host
const DEFAULTS: Array<[string, number]> = [
  ['RLIMIT_NOFILE', 1048576],
  ['RLIMIT_NPROC', 4194304],
];

function finite(n: number): number {
  return Number.isFinite(n) ? Math.min(n, RLIMIT_UNLIMITED) : RLIMIT_UNLIMITED;
}

/**
 * process.rlimits: the defaults, lowered to the host's hard limits (without CAP_SYS_RESOURCE no
 * one can raise a hard limit, and runc fails with "setrlimit: operation not permitted"), then
 * --ulimit values, which must fit under the host's hard limit or are refused naming it.
 */
export function rlimits(spec: ContainerSpec, host: HostFacts): Rlimit[] {
  const hostHard = (type: string): number => host.rlimitHard[type] ?? Infinity;
  const out = new Map<string, Rlimit>();
  for (const [type, value] of DEFAULTS) {
    const hard = finite(Math.min(value, hostHard(type)));
    out.set(type, { type, hard, soft: Math.min(value, hard) });
  }
  for (const u of spec.ulimits) {
    const type = ULIMIT_RLIMITS[u.name];
    if (!type) throw new BerthError('InvalidArgument', `invalid ulimit type: "${u.name}"`);
    const limit = hostHard(type);
    const wanted = u.hard === -1 ? Infinity : u.hard;
    if (wanted > limit) {
      throw new BerthError(
        'InvalidArgument',
        `--ulimit ${u.name}: hard limit ${u.hard === -1 ? 'unlimited' : u.hard} is above this host's hard limit of ${limit}, which berth cannot raise`,
        { hint: `use --ulimit ${u.name}=${Math.min(u.soft === -1 ? limit : u.soft, limit)}:${limit} or less` },
      );
    }
    out.set(type, { type, hard: finite(wanted), soft: finite(u.soft === -1 ? Infinity : u.soft) });
  }
  return [...out.values()];
}
