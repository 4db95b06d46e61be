import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { EngineContext } from '../engine-context.js';
import { resolveInRoot } from '../host/resolve-in-root.js';
import type { ContainerRecord } from './container-record.js';

/**
 * Host directories for a container's volume mounts, keyed by container path. As docker does, an
 * empty volume mounted over a directory the image populates gets a copy of that content, once.
 */
export function prepareVolumes(ctx: EngineContext, rec: ContainerRecord, rootfs: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of rec.spec.mounts) {
    if (m.type !== 'volume') continue;
    const v = ctx.volumes.find(m.source) ?? ctx.volumes.create({ name: m.source });
    out[m.target] = v.mountpoint;
    if (v.populated || m.options.includes('nocopy') || m.options.includes('volume-nocopy')) continue;
    const src = resolveInRoot(rootfs, m.target);
    if (fs.readdirSync(v.mountpoint).length === 0 && fs.existsSync(src) && fs.statSync(src).isDirectory()) {
      // cp -a keeps owners, modes, links and special files; the source was resolved inside rootfs
      execFileSync('cp', ['-a', '--no-dereference', `${src}/.`, v.mountpoint]);
      const st = fs.statSync(src);
      fs.chownSync(v.mountpoint, st.uid, st.gid);
      fs.chmodSync(v.mountpoint, st.mode & 0o7777);
    }
    ctx.volumes.markPopulated(v.name);
  }
  return out;
}

/** Names of the anonymous volumes a container created (removed with it by `rm -v` and `--rm`). */
export function anonymousVolumes(ctx: EngineContext, rec: ContainerRecord): string[] {
  return rec.spec.mounts
    .filter((m) => m.type === 'volume')
    .map((m) => ctx.volumes.find(m.source))
    .filter((v): v is NonNullable<typeof v> => v !== undefined && v.anonymous)
    .map((v) => v.name);
}

/** Which container (if any) uses a volume: a volume in use cannot be removed. */
export function volumeUser(ctx: EngineContext, name: string): string | undefined {
  for (const c of ctx.containers.list(true)) {
    if (c.spec.mounts.some((m) => m.type === 'volume' && m.source === name)) return c.id;
  }
  return undefined;
}
