/**
 * An overlay mount described, not performed (containerd's snapshotters return mounts; only
 * src/core/host mounts them). `options` may hold lowerdir paths relative to `cwd`: the mount must
 * be made with that working directory, which keeps the option string under the kernel's one-page
 * limit for images with over a hundred layers.
 *
 * @example
 * const m: OverlayMount = { type: 'overlay', source: 'overlay', cwd: '/var/lib/berth/l',
 *   options: ['lowerdir=TOPLINK:BOTTOMLINK', 'upperdir=/c/upper', 'workdir=/c/work', 'index=off'] };
 */
export interface OverlayMount {
  type: 'overlay';
  source: 'overlay';
  options: string[];
  cwd: string;
}
