import type { CgroupUsage, CgroupPath } from './types.js';
import { counterValue, keyValues, limitValue, type CgroupReader } from './cgroup-files.js';

/**
 * Limits and usage from cgroup v1 files, one controller directory each: memory (limit, usage,
 * max_usage as the peak, memsw for swap, oom_control's oom_kill counter since 4.13, failcnt as
 * the count of times the limit was hit), cpu (cfs quota/period, shares), cpuacct (usage in ns),
 * pids.
 */
export function readCgroupV1(paths: CgroupPath[], read: CgroupReader): CgroupUsage {
  const oom = keyValues(read('memory', 'memory.oom_control'));
  const usageNs = counterValue(read('cpuacct', 'cpuacct.usage'));
  const memsw = limitValue(read('memory', 'memory.memsw.limit_in_bytes'));
  return {
    version: 1,
    paths,
    memory: {
      limit: limitValue(read('memory', 'memory.limit_in_bytes')),
      usage: counterValue(read('memory', 'memory.usage_in_bytes')),
      peak: counterValue(read('memory', 'memory.max_usage_in_bytes')),
      swapLimit: memsw,
      oomKills: oom.get('oom_kill') ?? null,
      oomEvents: counterValue(read('memory', 'memory.failcnt')),
    },
    cpu: {
      quotaUs: limitValue(read('cpu', 'cpu.cfs_quota_us')),
      periodUs: counterValue(read('cpu', 'cpu.cfs_period_us')),
      usageUs: usageNs === null ? null : Math.round(usageNs / 1000),
      shares: counterValue(read('cpu', 'cpu.shares')),
      weight: null,
    },
    pids: {
      current: counterValue(read('pids', 'pids.current')),
      max: limitValue(read('pids', 'pids.max')),
      peak: counterValue(read('pids', 'pids.peak')),
    },
  };
}
