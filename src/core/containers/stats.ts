import fs from 'node:fs';
import path from 'node:path';
import type { EngineContext } from '../engine-context.js';
import { cgroupsPathFor } from './start.js';
import { rootlessMode } from '../rootless/mode.js';
import { pidsInNamespaceOf } from '../rootless/limits.js';
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
  const ticks = line
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .reduce((a, b) => a + Number(b), 0);
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
  const onlineCpus =
    fs
      .readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('processor')).length || 1;
  const hostMem = Number(/MemTotal:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) * 1024;
  const net = rec.state.pid > 0 && rec.spec.network !== 'host' ? netDev(rec.state.pid) : { rx: 0, tx: 0 };
  let cpuNs: number;
  let memUsage: number;
  let memLimit: number;
  let pids: number;
  let blkRead = 0;
  let blkWrite = 0;
  if (rootlessMode() && rec.spec.pidMode !== 'host') {
    // a rootless container has no cgroup: its processes' own counters, from /proc
    const p = procTotals(pidsInNamespaceOf(rec.state.pid));
    cpuNs = p.cpuNs;
    memUsage = p.rss;
    memLimit = hostMem;
    pids = p.count;
    blkRead = p.read;
    blkWrite = p.write;
  } else if (v2) {
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

/** CPU time, resident memory and I/O of a set of processes, summed from /proc (USER_HZ is 100). */
function procTotals(pids: readonly number[]): { cpuNs: number; rss: number; count: number; read: number; write: number } {
  const t = { cpuNs: 0, rss: 0, count: 0, read: 0, write: 0 };
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields 14 and 15 (utime, stime) are f[11] and f[12]; 24 (rss, pages) is f[21]
      t.cpuNs += ((Number(f[11]) + Number(f[12])) * 1e9) / 100;
      t.rss += Number(f[21]) * 4096;
      t.count++;
      const io = readKv(`/proc/${pid}/io`);
      t.read += io.get('read_bytes:') ?? 0;
      t.write += io.get('write_bytes:') ?? 0;
    } catch {
      // ended meanwhile
    }
  }
  return t;
}

/** docker's CPU %: container delta over system delta, times the number of CPUs. */
export function cpuPercent(prev: StatsSample, cur: StatsSample): number {
  const dc = cur.cpuNs - prev.cpuNs;
  const ds = cur.systemNs - prev.systemNs;
  if (dc <= 0 || ds <= 0) return 0;
  return (dc / ds) * cur.onlineCpus * 100;
}
