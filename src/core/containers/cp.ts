import { resolveUser } from '../spec/resolve-user.js';
import { keepIdRootfs } from '../rootless/keep-id.js';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import { mountOverlay, unmount, isMountPoint } from '../host/mount.js';
import { resolveInRoot } from '../host/resolve-in-root.js';
import { holdTeardown } from '../host/teardown.js';
import { containerPaths } from './container-paths.js';
import { refreshContainer } from './exit.js';

/**
 * Run fn with the container's root filesystem. A running container is reached through its own
 * mount namespace (/proc/PID/root), so volumes, bind mounts, tmpfs and /etc/hosts are where its
 * processes see them, as with docker cp; a stopped one has its overlay mounted for the copy.
 */
async function withRootfs<T>(ctx: EngineContext, ref: string, fn: (rootfs: string) => Promise<T>): Promise<T> {
  const rec = refreshContainer(ctx, ctx.containers.lookup(ref));
  const live = rec.state.status === 'running' || rec.state.status === 'paused';
  if (live && rec.state.pid > 0 && fs.existsSync(`/proc/${rec.state.pid}/root/`)) return fn(`/proc/${rec.state.pid}/root`);
  return withOverlay(ctx, rec.id, fn);
}

/**
 * Run fn with the container's own root filesystem, the overlay of its image and its changes,
 * without what is mounted on it (volumes, /proc): mounted for the call when it is not running.
 */
export async function withOverlay<T>(ctx: EngineContext, ref: string, fn: (rootfs: string) => Promise<T>): Promise<T> {
  const rec = ctx.containers.lookup(ref);
  const p = containerPaths(ctx.paths, rec.id);
  if (isMountPoint(p.rootfs)) return fn(p.rootfs);
  const undo = () => {
    const cur = ctx.containers.get(rec.id);
    if (cur?.state.status !== 'running' && cur?.state.status !== 'paused') unmount(p.rootfs);
  };
  // an interrupted cp or export unmounts it too
  const release = holdTeardown(undo);
  try {
    mountOverlay(keepIdRootfs(ctx, rec, p) ?? ctx.layers.overlayMount(rec.image.chainIds, p.upper, p.work), p.rootfs);
    return await fn(p.rootfs);
  } finally {
    release();
    undo();
  }
}

function tarTo(dir: string, name: string, out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['-C', dir, '--numeric-owner', '-cf', '-', name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.pipe(out, { end: false });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new BerthError('Internal', `tar: ${err.trim()}`))));
  });
}

/**
 * The container path as docker resolves it: a trailing symlink is copied as a link, not
 * followed, unless `followLink` (cp -L), which follows it inside the container's root.
 */
function resolveSource(rootfs: string, ctrPath: string, followLink = false): string {
  const dir = resolveInRoot(rootfs, path.posix.dirname(ctrPath));
  const base = path.posix.basename(ctrPath);
  const whole = followLink || base === '' || base === '/' || ctrPath.endsWith('/.') || ctrPath === '/';
  const p = whole ? resolveInRoot(rootfs, ctrPath) : path.join(dir, base);
  if (!fs.existsSync(p) && !isSymlink(p)) throw new BerthError('NotFound', `Could not find the file ${ctrPath} in container`);
  return p;
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** What docker's archive API says of a container path (X-Docker-Container-Path-Stat). */
export interface PathStat {
  name: string;
  size: number;
  /** Go's os.FileMode bits: permissions plus its type flags (dir 1<<31, symlink 1<<27, …) */
  mode: number;
  mtime: string;
  linkTarget: string;
}

/** docker's HEAD /containers/{id}/archive: the path as a copy from it would find it. */
export async function statContainerPath(ctx: EngineContext, ref: string, ctrPath: string): Promise<PathStat> {
  return withRootfs(ctx, ref, async (rootfs) => {
    const p = resolveSource(rootfs, ctrPath);
    const st = fs.lstatSync(p);
    return {
      name: path.basename(p),
      size: st.size,
      mode: goFileMode(st),
      mtime: st.mtime.toISOString(),
      linkTarget: st.isSymbolicLink() ? fs.readlinkSync(p) : '',
    };
  });
}

/** Go's FileMode from a stat: the permission and setuid/setgid/sticky bits moved to Go's flags. */
function goFileMode(st: fs.Stats): number {
  let m = st.mode & 0o777;
  if (st.isDirectory()) m |= 2 ** 31;
  if (st.isSymbolicLink()) m |= 2 ** 27;
  if (st.isFIFO()) m |= 2 ** 25;
  if (st.isSocket()) m |= 2 ** 24;
  if (st.isBlockDevice()) m |= 2 ** 26;
  if (st.isCharacterDevice()) m |= 2 ** 26 + 2 ** 21;
  if (st.mode & 0o4000) m |= 2 ** 23;
  if (st.mode & 0o2000) m |= 2 ** 22;
  if (st.mode & 0o1000) m |= 2 ** 20;
  return m >>> 0;
}

/** docker cp CONTAINER:SRC DEST (DEST "-" writes a tar stream). */
export async function copyFromContainer(
  ctx: EngineContext,
  ref: string,
  ctrPath: string,
  dest: string | Writable,
  opts: { followLink?: boolean; archive?: boolean } = {},
): Promise<void> {
  await withRootfs(ctx, ref, async (rootfs) => {
    const src = resolveSource(rootfs, ctrPath, opts.followLink);
    if (typeof dest !== 'string') {
      await tarTo(path.dirname(src), path.basename(src), dest);
      return;
    }
    const destExists = fs.existsSync(dest);
    // SRC/. : the directory's content goes into DEST (docker's rule), not the directory itself
    const contentsOnly = specifiesCurrentDir(ctrPath) && fs.statSync(src).isDirectory();
    const target = destExists && fs.statSync(dest).isDirectory() && !contentsOnly ? path.join(dest, path.basename(src)) : dest;
    if (!destExists && !fs.existsSync(path.dirname(path.resolve(dest)))) {
      throw new BerthError('NotFound', `destination directory "${path.dirname(dest)}" does not exist`);
    }
    // docker's copy rules, worded as for a copy into a container (not cp(1)'s messages)
    if (!destExists && dest.endsWith('/')) throw new BerthError('NotFound', `destination directory "${dest}" does not exist`);
    // lstat: a symlink in the container is copied as a link (its target may be absolute, inside the container)
    if (fs.lstatSync(src).isDirectory() && fs.existsSync(target) && !fs.statSync(target).isDirectory()) {
      throw new BerthError('InvalidArgument', `cannot copy a directory to a file: "${dest}"`);
    }
    // the host side is trusted; copy the container side without following its symlinks. Docker
    // gives the files to whoever runs the copy, or (-a) keeps the container's owners
    await run('cp', ['-a', ...(opts.archive ? [] : ['--no-preserve=ownership']), '--no-dereference', '-T', src, target]);
  });
}

/** docker cp SRC CONTAINER:DEST (SRC "-" reads a tar stream). Everything lands inside the rootfs. */
export async function copyToContainer(
  ctx: EngineContext,
  ref: string,
  src: string | Readable,
  ctrPath: string,
  opts: { archive?: boolean; followLink?: boolean } = {},
): Promise<void> {
  const spec = ctx.containers.lookup(ref).spec;
  await withRootfs(ctx, ref, async (rootfs) => {
    // docker's ownership rule: what is copied in is the container's root's; with -a
    // (copyUIDGID) the container user's when it has one, else the source's own
    const owner = !opts.archive ? { uid: 0, gid: 0 } : spec.user ? resolveUser(spec.user, rootfs, []) : undefined;
    const unpack = { ...(owner ? { owner: { uid: owner.uid, gid: owner.gid } } : {}) };
    const target = resolveInRoot(rootfs, ctrPath);
    const targetIsDir = fs.existsSync(target) && fs.statSync(target).isDirectory();
    if (typeof src !== 'string') {
      if (!targetIsDir) throw new BerthError('InvalidArgument', `destination "${ctrPath}" must be a directory`);
      const { unpackLayer } = await import('../snapshots/unpack.js');
      await unpackLayer(src, target, undefined, unpack);
      return;
    }
    if (!fs.existsSync(src)) throw new BerthError('NotFound', `stat ${src}: no such file or directory`);
    // -L: a symlink source is copied as what it points to, under the link's own name (docker's
    // CopyInfoSourcePath with followLink)
    const abs = opts.followLink ? fs.realpathSync(src) : path.resolve(src);
    const { unpackLayer } = await import('../snapshots/unpack.js');
    const owners = opts.archive ? ['--numeric-owner'] : ['--owner=0', '--group=0', '--numeric-owner'];
    if (specifiesCurrentDir(src) && fs.statSync(abs).isDirectory()) {
      // SRC/. : the directory's content into DEST, which is made when missing (its parent must exist)
      if (fs.existsSync(target) && !targetIsDir) throw new BerthError('InvalidArgument', `cannot copy a directory to a file: "${ctrPath}"`);
      if (!targetIsDir) {
        if (!fs.existsSync(path.dirname(target))) throw new BerthError('NotFound', `destination directory "${path.posix.dirname(ctrPath)}" does not exist`);
        fs.mkdirSync(target, { mode: fs.statSync(abs).mode & 0o7777 });
      }
      const child = spawn('tar', ['-C', abs, ...owners, '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
      await unpackLayer(child.stdout, resolveInRoot(rootfs, ctrPath), undefined, unpack);
      return;
    }
    if (fs.statSync(abs).isDirectory() && fs.existsSync(target) && !targetIsDir) {
      throw new BerthError('InvalidArgument', `cannot copy a directory to a file: "${ctrPath}"`);
    }
    let destDir: string;
    let name: string;
    if (targetIsDir) {
      destDir = target;
      name = path.basename(path.resolve(src));
    } else {
      if (ctrPath.endsWith('/')) throw new BerthError('NotFound', `destination directory "${ctrPath}" does not exist`);
      destDir = path.dirname(target);
      name = path.basename(target);
      if (!fs.existsSync(destDir)) throw new BerthError('NotFound', `destination directory "${path.posix.dirname(ctrPath)}" does not exist`);
    }
    // tar the host source under its new name and unpack it with the hostile-input-safe unpacker
    // (unpack.js is imported above, before spawning: node discards a child's unread output once it exits)
    const child = spawn(
      'tar',
      [
        '-C',
        path.dirname(abs),
        ...owners,
        '--transform',
        `s|^${escapeSedPattern(path.basename(abs))}|${escapeSedReplacement(name)}|`,
        '-cf',
        '-',
        path.basename(abs),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await unpackLayer(child.stdout, destDir, undefined, unpack);
  });
}

/** docker's "SRC_PATH ends with /." (or is "."): the directory's content, not the directory. */
function specifiesCurrentDir(p: string): boolean {
  return p === '.' || p.endsWith('/.');
}

function escapeSedPattern(s: string): string {
  return s.replace(/[\\|.*^$[\]]/g, (c) => `\\${c}`);
}

function escapeSedReplacement(s: string): string {
  return s.replace(/[\\|&]/g, (c) => `\\${c}`);
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new BerthError('Internal', `${cmd}: ${err.trim()}`))));
  });
}
