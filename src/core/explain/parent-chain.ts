import type { ProcessLink } from './types.js';

export interface ProcInfo {
  ppid: number;
  name: string;
  cmdline: string;
  exe: string | null;
}

const RUNTIMES = new Set(['runc', 'crun', 'youki', 'runsc', 'kata-runtime']);

function roleOf(pid: number, p: ProcInfo, conmonPath: string | null): ProcessLink['role'] {
  if (pid === 1) return 'init';
  if (p.name === 'conmon' || (conmonPath !== null && p.exe === conmonPath)) return 'conmon';
  if (RUNTIMES.has(p.name) || p.name.startsWith('runc:[')) return 'runtime';
  return 'other';
}

/**
 * The ancestors of a process, parent first, up to and including conmon (the container's
 * monitor) or PID 1. A container's process is normally a child of conmon, which itself was
 * re-parented to init when it daemonised; runc has exited by then.
 */
export function parentChain(pid: number, lookup: (pid: number) => ProcInfo | null, conmonPath: string | null = null): ProcessLink[] {
  const out: ProcessLink[] = [];
  let cur = lookup(pid)?.ppid ?? 0;
  const seen = new Set<number>();
  while (cur > 0 && !seen.has(cur)) {
    seen.add(cur);
    const p = lookup(cur);
    if (!p) break;
    const role = roleOf(cur, p, conmonPath);
    out.push({ pid: cur, name: p.name, cmdline: p.cmdline, role });
    if (role === 'conmon') break;
    cur = p.ppid;
  }
  return out;
}
