// Rebuild berth's N-API addon when its C sources are newer than the built module: `npm ci`
// builds it once, and a checkout that pulls new C code would otherwise run the old module
// (whose functions take other arguments) until someone remembers `npm rebuild berth-linux`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = 'native/linux';
const built = path.join(dir, 'build', 'Release', 'berth_linux.node');
const mtime = (f) => fs.statSync(f).mtimeMs;
const sources = fs
  .readdirSync(dir)
  .filter((f) => /\.(c|h|gyp)$/.test(f))
  .map((f) => path.join(dir, f));
const stale = !fs.existsSync(built) || sources.some((f) => mtime(f) > mtime(built));
if (stale) {
  const r = spawnSync('npm', ['rebuild', 'berth-linux', '--no-audit', '--no-fund'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
