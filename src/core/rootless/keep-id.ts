import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import { resolveInRootfs } from '../spec/rootfs-file.js';
import type { OverlayMount } from '../snapshots/overlay-mount.js';
import type { EngineContext } from '../engine-context.js';
import type { ContainerRecord } from '../containers/container-record.js';
import { trace } from '../trace.js';
import { keepIdMapping, mappedCount, toContainerId, toHostId, type IdMapping } from './id-map.js';
import { rootlessMode } from './mode.js';

/**
 * --userns=keep-id, as podman does it: the container has a user namespace of its own in which
 * the user's uid is itself (keepIdMapping), so a layer as unpacked (owners as the image has them,
 * in the user's namespace) would show shifted: root's files as the user's, uid 1000's as 999.
 * The container's overlay is therefore made of copies of its layers with each owner moved to where
 * the keep-id mapping shows it as the image has it (podman's storage makes the same "chowned"
 * copies when it has no idmapped mounts). A copy is made once per layer and mapping, beside the
 * layer (layers/<hex>/keepid-UID-GID), and goes with it.
 */

/** The id that shows as `id` inside a keep-id container: where its mapping sends it. */
export function keepIdOwner(map: readonly IdMapping[], id: number): number | undefined {
  return toHostId(id, map);
}

/** Move every owner below dir by the mappings, keeping setuid/setgid bits (chown clears them). */
export function shiftOwners(dir: string, uidMap: readonly IdMapping[], gidMap: readonly IdMapping[]): void {
  const visit = (p: string): void => {
    const st = fs.lstatSync(p);
    const uid = keepIdOwner(uidMap, st.uid);
    const gid = keepIdOwner(gidMap, st.gid);
    if (uid !== undefined && gid !== undefined && (uid !== st.uid || gid !== st.gid)) {
      fs.lchownSync(p, uid, gid);
      if (!st.isSymbolicLink() && st.mode & 0o6000) fs.chmodSync(p, st.mode & 0o7777);
    }
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
  };
  visit(dir);
}

/** The layers' keep-id copies (made when missing), bottom first; layerDirs are the layers' directories (files in diff/). */
export function keepIdLowerDirs(layerDirs: readonly string[], uidMap: readonly IdMapping[], gidMap: readonly IdMapping[], key: string): string[] {
  return layerDirs.map((dir) => {
    const copy = path.join(dir, `keepid-${key}`);
    if (fs.existsSync(copy)) return copy;
    const tmp = path.join(dir, `.keepid-${key}-${process.pid}.tmp`);
    fs.rmSync(tmp, { recursive: true, force: true });
    const r = spawnSync('cp', ['-a', '--', path.join(dir, 'diff'), tmp], { encoding: 'utf8' });
    if (r.status !== 0) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw new BerthError('Internal', `copying a layer for --userns=keep-id: ${(r.stderr || r.error?.message || '').trim()}`);
    }
    shiftOwners(tmp, uidMap, gidMap);
    try {
      fs.renameSync(tmp, copy);
    } catch (e) {
      // another container made it first
      fs.rmSync(tmp, { recursive: true, force: true });
      if (!fs.existsSync(copy)) throw e;
    }
    return copy;
  });
}

/** The overlay of a keep-id container: its layers' copies under its own upper dir. */
export function keepIdOverlay(layersDir: string, lowerDirs: readonly string[], upperDir: string, workDir: string): OverlayMount {
  return {
    type: 'overlay',
    source: 'overlay',
    // relative to the layers dir: the mount options must fit in a page
    cwd: layersDir,
    options: [
      `lowerdir=${[...lowerDirs]
        .reverse()
        .map((d) => path.relative(layersDir, d))
        .join(':')}`,
      `upperdir=${path.resolve(upperDir)}`,
      `workdir=${path.resolve(workDir)}`,
      'index=off',
      'userxattr',
    ],
  };
}

/**
 * The user in the container's /etc/passwd and /etc/group, as podman's keep-id adds them when the
 * image has no entry for the uid or gid: the user's name, and home directory from the host, so
 * $HOME and `id -un` work. Written through the rootfs safely (no symlink of the image followed).
 */
export function addKeepIdUser(rootfs: string, user: { name: string; uid: number; gid: number; home: string; shell?: string }): void {
  const passwd = `${user.name}:*:${user.uid}:${user.gid}:${user.name}:${user.home}:${user.shell ?? '/bin/sh'}\n`;
  appendUnless(rootfs, '/etc/passwd', (l) => l.split(':')[2] === String(user.uid), passwd);
  appendUnless(rootfs, '/etc/group', (l) => l.split(':')[2] === String(user.gid), `${user.name}:x:${user.gid}:\n`);
}

function appendUnless(rootfs: string, file: string, present: (line: string) => boolean, line: string): void {
  let host: string;
  try {
    host = resolveInRootfs(rootfs, file);
  } catch {
    return; // no /etc to write in
  }
  let fd: number;
  try {
    fd = fs.openSync(host, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK, 0o644);
  } catch {
    return; // a symlink or something else than a file: left as the image has it
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size > 4 * 1024 * 1024) return;
    const text = st.size ? fs.readFileSync(fd, 'utf8') : '';
    if (text.split('\n').some(present)) return;
    fs.writeSync(fd, `${text && !text.endsWith('\n') ? '\n' : ''}${line}`, st.size);
  } finally {
    fs.closeSync(fd);
  }
}

/** The user's home directory from the host's /etc/passwd (by uid), or "/" when it has none. */
export function hostHome(uid: number, passwdText?: string): string {
  let text = passwdText;
  if (text === undefined) {
    try {
      text = fs.readFileSync('/etc/passwd', 'utf8');
    } catch {
      return '/';
    }
  }
  for (const l of text.split('\n')) {
    const f = l.split(':');
    if (f[2] === String(uid) && f[5]) return f[5];
  }
  return '/';
}

/** The keep-id mappings of a container (in the user's namespace), or undefined when it is not one. */
export function keepIdMaps(rec: Pick<ContainerRecord, 'spec'>): { uidMap: IdMapping[]; gidMap: IdMapping[]; key: string } | undefined {
  const mode = rootlessMode();
  if (!mode || mode.singleId || rec.spec.usernsMode !== 'keep-id') return undefined;
  return {
    uidMap: keepIdMapping(mode.uid, mappedCount(mode.uidMap)),
    gidMap: keepIdMapping(mode.gid, mappedCount(mode.gidMap)),
    key: `${mode.uid}-${mode.gid}`,
  };
}

/**
 * A keep-id container's overlay (start, and cp or export of a stopped one): its layers' keep-id
 * copies under its upper dir, whose root is made root's inside as the image's is. undefined for
 * any other container.
 */
export function keepIdRootfs(
  ctx: Pick<EngineContext, 'layers' | 'paths'>,
  rec: Pick<ContainerRecord, 'spec' | 'image'>,
  p: { upper: string; work: string },
): OverlayMount | undefined {
  const maps = keepIdMaps(rec);
  if (!maps) return undefined;
  const dirs = rec.image.chainIds.map((id) => path.dirname(ctx.layers.diffDir(id)));
  const lowers = keepIdLowerDirs(dirs, maps.uidMap, maps.gidMap, maps.key);
  trace('keep-id layers');
  const rootUid = keepIdOwner(maps.uidMap, 0);
  const rootGid = keepIdOwner(maps.gidMap, 0);
  if (rootUid !== undefined && rootGid !== undefined) fs.lchownSync(p.upper, rootUid, rootGid);
  return keepIdOverlay(ctx.paths.layers, lowers, p.upper, p.work);
}

/**
 * The owners a keep-id container's files have inside, from the owners in the user's namespace
 * (for commit and export, whose tars carry what the container sees). undefined for any other.
 */
export function containerOwners(rec: Pick<ContainerRecord, 'spec'>): ((uid: number, gid: number) => [number, number]) | undefined {
  const maps = keepIdMaps(rec);
  if (!maps) return undefined;
  return (uid, gid) => [toContainerId(uid, maps.uidMap) ?? uid, toContainerId(gid, maps.gidMap) ?? gid];
}
