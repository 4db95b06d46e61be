import fs from 'node:fs';
import path from 'node:path';
import type { EngineContext } from '../engine-context.js';
import { cgroupsPathFor } from './start.js';
import type { ContainerRecord } from './container-record.js';

export interface StatsSample {
  /** nanoseconds of CPU the container used, and of the whole system, at the time of reading */
  cpuNs: number;
  systemNs: number;
  onlineCpus: number;
  memUsage: number;
  memLimit: number;
  pids: number;
  netRx: number;
  netTx: number;
  blkRead: number;
  blkWrite: number;
}

function readNum(file: string): number {
  try {
    const s = fs.readFileSync(file, 'utf8').trim();
    return s === 'max' ? Infinity : Number(s);
  } catch {
    return 0;
  }
}

function readKv(file: string): Map<string, number> {
  const m = new Map<string, number>();
  try {
    for (const l of fs.readFileSync(file, 'utf8').split('\n')) {
      const [k, v] = l.split(/\s+/);
      if (k && v) m.set(k, Number(v));
    }
  } catch {
    /* controller absent */
  }
  return m;
}

function systemNs(): number {
  // first line of /proc/stat: cpu user nice system idle iowait irq softirq steal (USER_HZ ticks)
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1, 9).reduce((a, b) => a + Number(b), 0);
  return (ticks * 1e9) / 100;
}

function netDev(pid: number): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  try {
    for (const l of fs.readFileSync(`/proc/${pid}/net/dev`, 'utf8').split('\n').slice(2)) {
      const [iface, rest] = l.split(':');
      if (!iface || !rest || iface.trim() === 'lo') continue;
      const f = rest.trim().split(/\s+/).map(Number);
      rx += f[0] ?? 0;
      tx += f[8] ?? 0;
    }
  } catch {
    /* process gone */
  }
  return { rx, tx };
}

/** One reading of a container's cgroup counters, on cgroup v1 or v2 (docker stats' sources). */
export function sampleStats(ctx: EngineContext, rec: ContainerRecord): StatsSample {
  const rel = cgroupsPathFor(rec);
  const v2 = ctx.hostFacts().cgroupVersion === 2;
  const onlineCpus = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length || 1;
  const hostMem = Number(/MemTotal:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) * 1024;
  const net = rec.state.pid > 0 && rec.spec.network !== 'host' ? netDev(rec.state.pid) : { rx: 0, tx: 0 };
  let cpuNs: number;
  let memUsage: number;
  let memLimit: number;
  let pids: number;
  let blkRead = 0;
  let blkWrite = 0;
  if (v2) {
    const dir = path.join('/sys/fs/cgroup', rel);
    cpuNs = (readKv(path.join(dir, 'cpu.stat')).get('usage_usec') ?? 0) * 1000;
    const inactive = readKv(path.join(dir, 'memory.stat')).get('inactive_file') ?? 0;
    memUsage = Math.max(0, readNum(path.join(dir, 'memory.current')) - inactive);
    memLimit = readNum(path.join(dir, 'memory.max'));
    pids = readNum(path.join(dir, 'pids.current'));
    try {
      for (const l of fs.readFileSync(path.join(dir, 'io.stat'), 'utf8').split('\n')) {
        blkRead += Number(/rbytes=(\d+)/.exec(l)?.[1] ?? 0);
        blkWrite += Number(/wbytes=(\d+)/.exec(l)?.[1] ?? 0);
      }
    } catch {
      /* io controller not enabled */
    }
  } else {
    const c = (ctrl: string, file: string) => path.join('/sys/fs/cgroup', ctrl, rel, file);
    cpuNs = readNum(c('cpuacct', 'cpuacct.usage'));
    const inactive = readKv(c('memory', 'memory.stat')).get('total_inactive_file') ?? 0;
    memUsage = Math.max(0, readNum(c('memory', 'memory.usage_in_bytes')) - inactive);
    memLimit = readNum(c('memory', 'memory.limit_in_bytes'));
    pids = readNum(c('pids', 'pids.current'));
    try {
      for (const l of fs.readFileSync(c('blkio', 'blkio.throttle.io_service_bytes'), 'utf8').split('\n')) {
        const [, op, v] = l.split(/\s+/);
        if (op === 'Read') blkRead += Number(v);
        if (op === 'Write') blkWrite += Number(v);
      }
    } catch {
      /* blkio absent */
    }
  }
  if (!Number.isFinite(memLimit) || memLimit <= 0 || memLimit > hostMem) memLimit = hostMem;
  return { cpuNs, systemNs: systemNs(), onlineCpus, memUsage, memLimit, pids, netRx: net.rx, netTx: net.tx, blkRead, blkWrite };
}

/** docker's CPU %: container delta over system delta, times the number of CPUs. */
export function cpuPercent(prev: StatsSample, cur: StatsSample): number {
  const dc = cur.cpuNs - prev.cpuNs;
  const ds = cur.systemNs - prev.systemNs;
  if (dc <= 0 || ds <= 0) return 0;
  return (dc / ds) * cur.onlineCpus * 100;
}
