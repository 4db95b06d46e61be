import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Where Debian's busybox-static lives (package busybox-static). */
export const BUSYBOX = '/bin/busybox';

/**
 * Lay out a minimal busybox root filesystem in dir: /bin/busybox plus a symlink per applet,
 * /etc/passwd and /etc/group with root and nobody, and the usual empty dirs. This is what the
 * README's first image and the tests are made from, with no network.
 */
export function makeBusyboxRootfs(dir: string): void {
  for (const d of ['bin', 'etc', 'tmp', 'root', 'proc', 'sys', 'dev', 'var/www', 'home']) {
    fs.mkdirSync(path.join(dir, d), { recursive: true });
  }
  fs.chmodSync(path.join(dir, 'tmp'), 0o1777);
  fs.copyFileSync(BUSYBOX, path.join(dir, 'bin/busybox'));
  fs.chmodSync(path.join(dir, 'bin/busybox'), 0o755);
  const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const a of applets) {
    if (a === 'busybox') continue;
    const link = path.join(dir, 'bin', a);
    if (!fs.existsSync(link)) fs.symlinkSync('busybox', link);
  }
  fs.writeFileSync(
    path.join(dir, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\n',
  );
  fs.writeFileSync(path.join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\nwww-data:x:33:\n');
}

/** Make a tar of a busybox rootfs at tarPath (GNU tar keeps ownership and modes). */
export function makeBusyboxTar(tarPath: string): void {
  const dir = fs.mkdtempSync(path.join(path.dirname(tarPath), '.rootfs-'));
  try {
    // the tar's "./" entry becomes the image's "/": mkdtemp made it 0700
    fs.chmodSync(dir, 0o755);
    makeBusyboxRootfs(dir);
    execFileSync('tar', ['-C', dir, '--numeric-owner', '-cf', tarPath, '.']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
