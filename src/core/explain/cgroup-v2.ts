import type { CgroupUsage, CgroupPath } from './types.js';
import { counterValue, keyValues, limitValue, type CgroupReader } from './cgroup-files.js';

/**
 * Limits and usage from one cgroup v2 directory: memory.max/current/peak (peak since 5.19),
 * memory.swap.max, memory.events (oom = times the limit was hit, oom_kill = processes killed),
 * cpu.max (`quota period` or `max period`), cpu.stat usage_usec, cpu.weight, pids.
 */
export function readCgroupV2(paths: CgroupPath[], read: CgroupReader): CgroupUsage {
  const events = keyValues(read('', 'memory.events'));
  const [quota, period] = (read('', 'cpu.max') ?? '').trim().split(/\s+/);
  const stat = keyValues(read('', 'cpu.stat'));
  return {
    version: 2,
    paths,
    memory: {
      limit: limitValue(read('', 'memory.max')),
      usage: counterValue(read('', 'memory.current')),
      peak: counterValue(read('', 'memory.peak')),
      swapLimit: limitValue(read('', 'memory.swap.max')),
      oomKills: events.get('oom_kill') ?? null,
      oomEvents: events.get('oom') ?? null,
    },
    cpu: {
      quotaUs: quota === undefined ? null : limitValue(quota),
      periodUs: period === undefined ? null : counterValue(period),
      usageUs: stat.get('usage_usec') ?? null,
      shares: null,
      weight: counterValue(read('', 'cpu.weight')),
    },
    pids: {
      current: counterValue(read('', 'pids.current')),
      max: limitValue(read('', 'pids.max')),
      peak: counterValue(read('', 'pids.peak')),
    },
  };
}
