import fs from 'node:fs';
import { BerthError } from '../errors/berth-error.js';

/**
 * A cpuset list as the kernel writes it (`0-3,8`): the numbers it names, or null when malformed.
 *
 * @example
 * parseCpuList('0-2,5'); // Set {0, 1, 2, 5}
 */
export function parseCpuList(list: string): Set<number> | null {
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(list)) return null;
  const out = new Set<number>();
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    const end = b ?? a;
    if (end < a || end - a > 65536) return null;
    for (let i = a; i <= end; i++) out.add(i);
  }
  return out;
}

const ONLINE = { cpus: '/sys/devices/system/cpu/online', mems: '/sys/devices/system/node/online' } as const;

/**
 * --cpuset-cpus/--cpuset-mems against what the host has online, with docker's messages: the
 * kernel would refuse the write only when the runtime creates the container.
 */
export function checkCpusetAvailable(kind: 'cpus' | 'mems', requested: string, onlineText?: string): void {
  const what = kind === 'cpus' ? 'CPUs' : 'memory nodes';
  const want = parseCpuList(requested);
  if (!want) throw new BerthError('InvalidArgument', `invalid value ${requested} for cpuset ${kind}`);
  let online = onlineText;
  if (online === undefined) {
    try {
      online = fs.readFileSync(ONLINE[kind], 'utf8').trim();
    } catch {
      return; // a host without the file (no NUMA support): the runtime decides
    }
  }
  const have = parseCpuList(online) ?? new Set<number>();
  if ([...want].some((n) => !have.has(n))) {
    throw new BerthError('InvalidArgument', `Requested ${what} are not available - requested ${requested}, available: ${online}`);
  }
}
