import fs from 'node:fs';
import path from 'node:path';
import { readElfDynamic } from './elf-needed.js';

export interface LinkedLibrary {
  /** the name asked for (DT_NEEDED), e.g. libseccomp.so.2 */
  name: string;
  /** the file the loader would open, symlinks resolved (libseccomp.so.2.5.4: the version), or null if not found */
  path: string | null;
}

/** The loader's search directories: /etc/ld.so.conf (one include level) and the defaults. */
export function loaderDirs(): string[] {
  const dirs: string[] = [];
  const readConf = (file: string) => {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return;
    }
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      if (line.startsWith('include ')) {
        const pattern = line.slice(8).trim();
        const dir = path.dirname(pattern);
        const suffix = path.basename(pattern).replace('*', '');
        try {
          for (const f of fs.readdirSync(dir).sort()) if (f.endsWith(suffix)) readConf(path.join(dir, f));
        } catch {
          /* no such dir */
        }
      } else if (line.startsWith('/')) dirs.push(line);
    }
  };
  readConf('/etc/ld.so.conf');
  return [...new Set([...dirs, '/lib64', '/usr/lib64', '/lib', '/usr/lib'])];
}

/**
 * The shared libraries a binary links, transitively, as the loader would find them (DT_RUNPATH,
 * then the ld.so.conf directories); what `ldd` prints, without running the binary.
 *
 * @example linkedLibraries('/usr/sbin/runc') // [{ name: 'libseccomp.so.2', path: '/usr/lib/x86_64-linux-gnu/libseccomp.so.2.5.4' }, …]
 */
export function linkedLibraries(binary: string, dirs: readonly string[] = loaderDirs()): LinkedLibrary[] {
  const out: LinkedLibrary[] = [];
  const seen = new Set<string>();
  const visit = (file: string) => {
    let dyn;
    try {
      dyn = readElfDynamic(fs.readFileSync(file));
    } catch {
      return;
    }
    const origin = path.dirname(file);
    const search = [...dyn.runpath.map((d) => d.replace('$ORIGIN', origin)), ...dirs];
    for (const name of dyn.needed) {
      if (seen.has(name)) continue;
      seen.add(name);
      const found = name.includes('/') ? name : search.map((d) => path.join(d, name)).find((p) => fs.existsSync(p));
      const real = found ? fs.realpathSync(found) : null;
      out.push({ name, path: real });
      if (real) visit(real);
    }
  };
  visit(binary);
  return out;
}
