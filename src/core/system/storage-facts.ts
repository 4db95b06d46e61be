import fs from 'node:fs';
import path from 'node:path';
import linux from 'berth-linux';

/** statfs(2) magic numbers and the names docker's `info` gives them (moby's graphdriver FsNames). */
const FS_NAMES: ReadonlyMap<number, string> = new Map([
  [0x61756673, 'aufs'],
  [0x9123683e, 'btrfs'],
  [0x28cd3d45, 'cramfs'],
  [0xf15f, 'ecryptfs'],
  [0xef53, 'extfs'],
  [0xf2f52010, 'f2fs'],
  [0x47504653, 'gpfs'],
  [0x72b6, 'jffs2'],
  [0x3153464a, 'jfs'],
  [0x6969, 'nfs'],
  [0x858458f6, 'ramfs'],
  [0x52654973, 'reiserfs'],
  [0x517b, 'smb'],
  [0x73717368, 'squashfs'],
  [0x01021994, 'tmpfs'],
  [0xa501fcf5, 'vxfs'],
  [0x58465342, 'xfs'],
  [0x2fc12fc1, 'zfs'],
  [0x794c7630, 'overlayfs'],
  [0x65735546, 'fuse'],
]);

/** The filesystem dir is on, by docker's name for it ('<unknown>' for others). */
export function backingFilesystem(dir: string): string {
  // statfs's f_type is a signed long in Node: the high-bit magics come out negative
  const type = fs.statfsSync(dir).type >>> 0;
  return FS_NAMES.get(type) ?? '<unknown>';
}

/**
 * Whether the filesystem dir is on fills in readdir's d_type (overlayfs needs it): tried as docker
 * does, on a file made in a scratch directory there.
 */
export function supportsDType(dir: string): boolean {
  const scratch = fs.mkdtempSync(path.join(dir, '.d_type-'));
  try {
    fs.writeFileSync(path.join(scratch, 'f'), '');
    return linux.direntTypes(scratch);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** What the host's cgroups can limit, as docker's `info` reports it (MemoryLimit, …). */
export interface CgroupFeatures {
  MemoryLimit: boolean;
  SwapLimit: boolean;
  CpuCfsPeriod: boolean;
  CpuCfsQuota: boolean;
  PidsLimit: boolean;
}

/**
 * Read from the cgroup filesystem at base: on v1 the controllers' own files (memory.limit_in_bytes,
 * memory.memsw.limit_in_bytes, cpu.cfs_period_us / cfs_quota_us, the pids hierarchy), on v2 the
 * root's cgroup.controllers and memory.swap.max in a child group.
 */
export function cgroupFeatures(version: 1 | 2, base = '/sys/fs/cgroup'): CgroupFeatures {
  const has = (p: string) => fs.existsSync(path.join(base, p));
  if (version === 1) {
    return {
      MemoryLimit: has('memory/memory.limit_in_bytes'),
      SwapLimit: has('memory/memory.memsw.limit_in_bytes'),
      CpuCfsPeriod: has('cpu/cpu.cfs_period_us'),
      CpuCfsQuota: has('cpu/cpu.cfs_quota_us'),
      PidsLimit: has('pids/cgroup.procs'),
    };
  }
  let controllers: string[] = [];
  try {
    controllers = fs.readFileSync(path.join(base, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
  } catch {
    /* no unified hierarchy there: nothing can be limited */
  }
  const memory = controllers.includes('memory');
  const cpu = controllers.includes('cpu');
  return { MemoryLimit: memory, SwapLimit: memory && swapMaxExists(base), CpuCfsPeriod: cpu, CpuCfsQuota: cpu, PidsLimit: controllers.includes('pids') };
}

/** memory.swap.max exists in non-root groups when the kernel accounts swap: any child will do. */
function swapMaxExists(base: string): boolean {
  try {
    return fs.readdirSync(base, { withFileTypes: true }).some((d) => d.isDirectory() && fs.existsSync(path.join(base, d.name, 'memory.swap.max')));
  } catch {
    return false;
  }
}
