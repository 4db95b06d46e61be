import { isMountPoint, mountFilesystem, unmount } from '../host/mount.js';
import { BerthError } from '../errors/berth-error.js';
import type { VolumeRecord } from '../volumes/volume-store.js';
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
    out[m.target] = mountVolume(v);
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
    .filter((v): v is NonNullable<typeof v> => v?.anonymous === true)
    .map((v) => v.name);
}

/** Which container (if any) uses a volume: a volume in use cannot be removed. */
export function volumeUser(ctx: EngineContext, name: string): string | undefined {
  for (const c of ctx.containers.list(true)) {
    if (c.spec.mounts.some((m) => m.type === 'volume' && m.source === name)) return c.id;
  }
  return undefined;
}

/**
 * Where a volume's content is: its own directory, or what its local driver options name, as
 * docker's local driver does it: `type=none,o=bind,device=DIR` is DIR; any other type is mounted
 * on the volume's directory once (`type=tmpfs,device=tmpfs,o=size=64m`, nfs…), for all the
 * containers using it, and unmounted when the last of them stops.
 */
export function mountVolume(v: VolumeRecord): string {
  const type = v.options['type'];
  if (type === undefined) return v.mountpoint;
  const device = v.options['device'] ?? '';
  const o = (v.options['o'] ?? '').split(',').filter(Boolean);
  if (type === 'none') {
    if (!fs.existsSync(device)) throw new BerthError('InvalidArgument', `error while mounting volume "${v.name}": ${device}: no such file or directory`);
    return device;
  }
  if (!isMountPoint(v.mountpoint)) mountFilesystem(device, v.mountpoint, type, o);
  return v.mountpoint;
}

/** After a container stopped: unmount its option-mounted volumes that no running container uses. */
export function releaseVolumes(ctx: EngineContext, rec: ContainerRecord): void {
  for (const m of rec.spec.mounts) {
    if (m.type !== 'volume') continue;
    const v = ctx.volumes.find(m.source);
    if (!v || v.options['type'] === undefined || v.options['type'] === 'none' || !isMountPoint(v.mountpoint)) continue;
    const inUse = ctx.containers
      .list(true)
      .some(
        (c) =>
          c.id !== rec.id &&
          ['running', 'paused', 'restarting'].includes(c.state.status) &&
          c.spec.mounts.some((x) => x.type === 'volume' && x.source === v.name),
      );
    if (!inUse) {
      try {
        unmount(v.mountpoint);
      } catch {
        /* busy: the next stop tries again */
      }
    }
  }
}
