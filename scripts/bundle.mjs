// Bundle the CLI into one CommonJS file for start-up speed. Loading ~80 small ES modules cost
// ~70 ms on every berth command; one CJS file that V8 parses lazily costs a fraction of that
// (measured: `berth run --rm busybox true` 193 ms as ES modules, 171 ms bundled). tsc's output
// in dist/src stays what the unit tests run; bin/berth loads this bundle.
import fs from 'node:fs';
import { build } from 'esbuild';

// `node scripts/bundle.mjs OUTFILE` builds elsewhere (helpers testing side by side use their own)
const outfile = process.argv[2] ?? 'dist/bundle/berth.cjs';
if (!process.argv[2]) fs.rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outfile,
  // native addons are loaded from node_modules at run time
  external: ['better-sqlite3', 'berth-seqpacket'],
  logLevel: 'warning',
});
