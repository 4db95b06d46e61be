/** The fields of /proc/PID/status that explain needs, decoded. */
export interface ProcStatus {
  name: string;
  pid: number;
  ppid: number;
  /** NSpid: outermost (the reader's view) first */
  nsPids: number[];
  /** real, effective, saved, filesystem */
  uids: number[];
  gids: number[];
  capInh: bigint;
  capPrm: bigint;
  capEff: bigint;
  capBnd: bigint;
  capAmb: bigint;
  noNewPrivs: boolean;
  /** 0 disabled, 1 strict, 2 filter; null when the kernel was built without seccomp */
  seccomp: number | null;
  seccompFilters: number;
}

/**
 * Decode /proc/PID/status (`Key:\tvalue` lines). Fields an older kernel lacks get neutral values
 * (NSpid before 4.1, Seccomp_filters before 5.9).
 *
 * @example parseProcStatus('Name:\tsleep\nCapEff:\t00000000a80425fb\n').capEff // 0xa80425fbn
 */
export function parseProcStatus(text: string): ProcStatus {
  const f = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) f.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  const nums = (k: string) => (f.get(k) ?? '').split(/\s+/).filter(Boolean).map(Number);
  const mask = (k: string) => BigInt(`0x${f.get(k) || '0'}`);
  const pid = Number(f.get('Pid') ?? 0);
  const nsPids = nums('NSpid');
  const seccomp = f.get('Seccomp');
  return {
    name: f.get('Name') ?? '',
    pid,
    ppid: Number(f.get('PPid') ?? 0),
    nsPids: nsPids.length > 0 ? nsPids : [pid],
    uids: nums('Uid'),
    gids: nums('Gid'),
    capInh: mask('CapInh'),
    capPrm: mask('CapPrm'),
    capEff: mask('CapEff'),
    capBnd: mask('CapBnd'),
    capAmb: mask('CapAmb'),
    noNewPrivs: f.get('NoNewPrivs') === '1',
    seccomp: seccomp === undefined ? null : Number(seccomp),
    seccompFilters: Number(f.get('Seccomp_filters') ?? 0),
  };
}
