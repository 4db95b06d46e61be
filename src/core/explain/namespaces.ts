import type { NamespaceType, NamespaceView } from './types.js';

export const NAMESPACE_TYPES: readonly NamespaceType[] = ['pid', 'mnt', 'net', 'uts', 'ipc', 'user', 'cgroup', 'time'];

/** The inode of a /proc/PID/ns link's target, `net:[4026532181]` → 4026532181. */
export function parseNsLink(target: string): number | null {
  const m = /^[a-z_]+:\[(\d+)\]$/.exec(target.trim());
  return m ? Number(m[1]) : null;
}

/** Namespace inodes of one process by type (null where the kernel lacks the type). */
export type NamespaceInodes = Partial<Record<NamespaceType, number | null>>;

/**
 * Compare a process's namespaces with the host's (PID 1's) and with other containers'. A
 * namespace equal to the host's is 'host' even if containers share it too (`--network host`).
 *
 * @example namespaceViews(own, host, [{ name: 'web', ns: webInodes }])
 */
export function namespaceViews(own: NamespaceInodes, host: NamespaceInodes, others: ReadonlyArray<{ name: string; ns: NamespaceInodes }>): NamespaceView[] {
  return NAMESPACE_TYPES.map((type) => {
    const inode = own[type] ?? null;
    const hostInode = host[type] ?? null;
    let sharedWith: NamespaceView['sharedWith'] = 'private';
    if (inode !== null && inode === hostInode) sharedWith = 'host';
    else if (inode !== null) {
      const containers = others.filter((o) => o.ns[type] === inode).map((o) => o.name);
      if (containers.length > 0) sharedWith = { containers };
    }
    return { type, inode, hostInode, sharedWith };
  });
}
