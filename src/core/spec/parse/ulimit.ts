import { invalidArgument } from './invalid.js';

/** docker's --ulimit names and the rlimit each sets. */
export const ULIMIT_RLIMITS: Readonly<Record<string, string>> = {
  core: 'RLIMIT_CORE',
  cpu: 'RLIMIT_CPU',
  data: 'RLIMIT_DATA',
  fsize: 'RLIMIT_FSIZE',
  locks: 'RLIMIT_LOCKS',
  memlock: 'RLIMIT_MEMLOCK',
  msgqueue: 'RLIMIT_MSGQUEUE',
  nice: 'RLIMIT_NICE',
  nofile: 'RLIMIT_NOFILE',
  nproc: 'RLIMIT_NPROC',
  rss: 'RLIMIT_RSS',
  rtprio: 'RLIMIT_RTPRIO',
  rttime: 'RLIMIT_RTTIME',
  sigpending: 'RLIMIT_SIGPENDING',
  stack: 'RLIMIT_STACK',
};

export interface Ulimit {
  name: string;
  /** -1 means unlimited */
  soft: number;
  hard: number;
}

function limitValue(text: string, whole: string): number {
  if (!/^-?\d+$/.test(text)) throw invalidArgument(`invalid ulimit value "${text}" in "${whole}"`);
  const n = Number(text);
  if (n < -1 || !Number.isSafeInteger(n)) throw invalidArgument(`invalid ulimit value "${text}" in "${whole}"`);
  return n;
}

/**
 * --ulimit `name=soft[:hard]` (go-units' ParseUlimit): hard defaults to soft, -1 is unlimited,
 * soft may not exceed hard.
 *
 * @example parseUlimit('nofile=1024:2048') // { name: 'nofile', soft: 1024, hard: 2048 }
 */
export function parseUlimit(value: string): Ulimit {
  const eq = value.indexOf('=');
  if (eq < 0) throw invalidArgument(`invalid ulimit argument: "${value}"`);
  const name = value.slice(0, eq);
  if (!(name in ULIMIT_RLIMITS)) throw invalidArgument(`invalid ulimit type: "${name}"`);
  const parts = value.slice(eq + 1).split(':');
  if (parts.length > 2) {
    throw invalidArgument(`too many limit value arguments in "${value}": only soft[:hard] is allowed`);
  }
  const soft = limitValue(parts[0] ?? '', value);
  const hard = parts[1] === undefined ? soft : limitValue(parts[1], value);
  if (hard !== -1) {
    if (soft === -1) {
      throw invalidArgument(`ulimit soft limit must be less than or equal to hard limit: unlimited > ${hard}`);
    }
    if (soft > hard) throw invalidArgument(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
  }
  return { name, soft, hard };
}
