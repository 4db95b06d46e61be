import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Debian's mirror, as this machine's apt sources name it. */
export const DEBIAN_MIRROR = 'http://deb.debian.org/debian';

/** Where the debootstrap tar is kept between test runs: outside the repo, reused when present. */
export const DEBIAN_CACHE = process.env['BERTH_TEST_DEBIAN_CACHE'] ?? '/var/cache/berth-test';

/**
 * True when Debian's mirror answers an HTTP request within a few seconds (the Debian build test
 * skips, saying so, when it does not).
 */
export function debianMirrorReachable(): boolean {
  const r = spawnSync('timeout', ['10', 'apt-get', 'download', '--print-uris', 'hello'], { encoding: 'utf8' });
  if (r.status !== 0) return false;
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `fetch(${JSON.stringify(`${DEBIAN_MIRROR}/dists/bookworm/Release`)}, { method: 'HEAD', signal: AbortSignal.timeout(8000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
    ],
    { encoding: 'utf8' },
  );
  return probe.status === 0;
}

/**
 * A tar of a minbase Debian bookworm root filesystem, made with debootstrap (~45 s) once and
 * then taken from the cache. Installs debootstrap with apt-get when it is missing (a CI
 * dependency: `apt-get install -y debootstrap`). The tar has device nodes: import as root.
 */
export function debianRootfsTar(): string {
  const tar = path.join(DEBIAN_CACHE, 'debian-bookworm.tar');
  if (fs.existsSync(tar)) return tar;
  fs.mkdirSync(DEBIAN_CACHE, { recursive: true });
  if (spawnSync('which', ['debootstrap']).status !== 0) {
    execFileSync('apt-get', ['install', '-y', 'debootstrap'], { stdio: 'ignore' });
  }
  const dir = fs.mkdtempSync(path.join(DEBIAN_CACHE, '.rootfs-'));
  const tmpTar = `${tar}.${process.pid}.tmp`;
  try {
    execFileSync('debootstrap', ['--variant=minbase', 'bookworm', dir, DEBIAN_MIRROR], { stdio: 'ignore' });
    // apt's lists are stale the moment they are cached; the image should not carry them
    fs.rmSync(path.join(dir, 'var/lib/apt/lists'), { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, 'var/lib/apt/lists/partial'), { recursive: true });
    execFileSync('tar', ['-C', dir, '--numeric-owner', '-cf', tmpTar, '.']);
    fs.renameSync(tmpTar, tar);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(tmpTar, { force: true });
  }
  return tar;
}
