/** Decoders for the host's feature files (`berth explain --host`). */

/** /proc/cgroups: v1 controllers that are enabled and mounted in a hierarchy (hierarchy > 0). */
export function parseProcCgroups(text: string): { v1: string[]; unattached: string[] } {
  const v1: string[] = [];
  const unattached: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [name, hierarchy, , enabled] = line.trim().split(/\s+/);
    if (!name || enabled !== '1') continue;
    (Number(hierarchy) > 0 ? v1 : unattached).push(name);
  }
  return { v1, unattached };
}

/** /proc/filesystems: names of filesystems the kernel knows (`nodev\toverlay`). */
export function parseFilesystems(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/).pop() ?? '')
    .filter(Boolean);
}

/** /proc/version: `Linux version 6.18.0 (builder@host) (gcc …) #1 SMP …` → the part after "Linux version ". */
export function kernelBuild(text: string): string {
  return text.trim().replace(/^Linux version /, '');
}
