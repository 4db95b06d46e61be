import path from 'node:path';

/**
 * Every on-disk location berth uses, derived in one place from two roots: the storage root
 * (persistent: blobs, layers, containers, the database) and the run root (tmpfs: runtime state,
 * exit files, sockets; lost on reboot, as the processes it describes are).
 */
export interface Paths {
  /** persistent storage root, default /var/lib/berth */
  readonly root: string;
  /** volatile run root, default /run/berth */
  readonly runRoot: string;
  /** SQLite database (WAL) with all metadata */
  readonly database: string;
  /** content store: blobs/sha256/<hex> */
  readonly blobs: string;
  /** in-progress writes, renamed into place when verified; same filesystem as everything else */
  readonly tmp: string;
  /** unpacked layers: layers/<chain-id-hex>/diff */
  readonly layers: string;
  /** short symlinks to layer diff dirs, keeping overlay mount options under a page */
  readonly layerLinks: string;
  /** per-container dirs: containers/<id>/{upper,work,merged,bundle,ctr.log,...} */
  readonly containers: string;
  /** named volumes: volumes/<name>/_data */
  readonly volumes: string;
  /** runc --root */
  readonly runtimeState: string;
  /** conmon --exit-dir: files named by container id holding the exit status */
  readonly exits: string;
  /** conmon --socket-dir-path; kept short because of the 108-byte sun_path limit */
  readonly sockets: string;
  /** per-container volatile files: pid files, conmon pid file */
  readonly runContainers: string;
  /** lock files */
  readonly locks: string;
}

export const DEFAULT_ROOT = '/var/lib/berth';
export const DEFAULT_RUN_ROOT = '/run/berth';

export function makePaths(root: string = DEFAULT_ROOT, runRoot: string = DEFAULT_RUN_ROOT): Paths {
  const r = path.resolve(root);
  const rr = path.resolve(runRoot);
  return {
    root: r,
    runRoot: rr,
    database: path.join(r, 'berth.db'),
    blobs: path.join(r, 'blobs'),
    tmp: path.join(r, 'tmp'),
    layers: path.join(r, 'layers'),
    layerLinks: path.join(r, 'l'),
    containers: path.join(r, 'containers'),
    volumes: path.join(r, 'volumes'),
    runtimeState: path.join(rr, 'runtime'),
    exits: path.join(rr, 'exits'),
    sockets: path.join(rr, 's'),
    runContainers: path.join(rr, 'containers'),
    locks: path.join(rr, 'locks'),
  };
}

/**
 * The storage and run roots of an ordinary user (rootless berth), as podman's: the store under
 * $XDG_DATA_HOME/berth (default ~/.local/share/berth), run state under $XDG_RUNTIME_DIR/berth, or
 * a private directory /tmp/berth-<uid> (made 0700 and checked by the launcher) when there is no
 * runtime dir. Root keeps DEFAULT_ROOT and DEFAULT_RUN_ROOT.
 *
 * @example
 * rootlessRoots(1000, { HOME: '/home/alice' }); // { root: '/home/alice/.local/share/berth', runRoot: '/tmp/berth-1000' }
 */
export function rootlessRoots(uid: number, env: Readonly<Record<string, string | undefined>>, home?: string): { root: string; runRoot: string } {
  const abs = (v: string | undefined) => (v && path.isAbsolute(v) ? v : undefined);
  const h = abs(env['HOME']) ?? home ?? `/tmp/berth-home-${uid}`;
  const data = abs(env['XDG_DATA_HOME']) ?? path.join(h, '.local', 'share');
  const run = abs(env['XDG_RUNTIME_DIR']);
  return { root: path.join(data, 'berth'), runRoot: run ? path.join(run, 'berth') : `/tmp/berth-${uid}` };
}
