/**
 * The shared objects a process has mapped, from /proc/PID/maps (`addr perms offset dev inode
 * path`): what `ldd` would list, except that it is what the loader actually loaded, dlopen()ed
 * libraries included. Paths are as the process sees them (inside its root).
 *
 * @example sharedLibraries(maps) // ['/usr/lib/x86_64-linux-gnu/libc.so.6', …]
 */
export function sharedLibraries(text: string, exe?: string | null): string[] {
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    const file = f
      .slice(5)
      .join(' ')
      .replace(/ \(deleted\)$/, '');
    if (!file.startsWith('/') || file === exe) continue;
    // libraries, the dynamic loader (ld-linux-x86-64.so.2); not locale archives or caches
    if (/\.so(\.[\d.]+)?$/.test(file) || /\/ld-[^/]*\.so/.test(file)) seen.add(file);
  }
  return [...seen];
}
