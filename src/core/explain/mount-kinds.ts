import type { MountEntry, MountKind, MountView } from './types.js';

/** What berth applied that tells mounts apart: masked and read-only paths, volume targets. */
export interface MountHints {
  maskedPaths: readonly string[];
  readonlyPaths: readonly string[];
  volumeTargets: readonly string[];
}

const KERNEL_FS = new Set([
  'proc',
  'sysfs',
  'devpts',
  'mqueue',
  'securityfs',
  'debugfs',
  'tracefs',
  'bpf',
  'binfmt_misc',
  'configfs',
  'fusectl',
  'hugetlbfs',
  'pstore',
]);

/** Classify one mount as a container user thinks of it. */
export function mountKind(m: MountEntry, hints: MountHints | null): MountKind {
  if (m.target === '/' && m.fsType === 'overlay') return 'rootfs';
  if (hints?.maskedPaths.includes(m.target)) return 'masked';
  if (hints?.readonlyPaths.includes(m.target)) return 'readonly';
  if (hints?.volumeTargets.includes(m.target)) return 'volume';
  if (m.fsType === 'cgroup' || m.fsType === 'cgroup2') return 'cgroup';
  if (KERNEL_FS.has(m.fsType)) return 'kernel';
  if (m.fsType === 'tmpfs' && m.root === '/') return 'tmpfs';
  // a mount of a sub-tree (root not '/') is a bind mount: a file or dir of another filesystem
  if (m.root !== '/' || m.fsType !== 'tmpfs') return 'bind';
  return 'other';
}

/** Mounts in mount order, classified, with the options that matter (ro, nosuid, …). */
export function mountViews(entries: readonly MountEntry[], hints: MountHints | null): MountView[] {
  return entries.map((m) => ({
    target: m.target,
    kind: mountKind(m, hints),
    fsType: m.fsType,
    source: m.fsType === 'overlay' ? m.source : m.root !== '/' ? m.root : m.source,
    readOnly: m.options.includes('ro'),
    options: m.options.filter((o) => o !== 'rw' && o !== 'ro'),
  }));
}
