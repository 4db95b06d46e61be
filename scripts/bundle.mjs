// Bundle the CLI for start-up speed: loading ~80 small ES modules costs ~70 ms on every berth
// command; one entry chunk plus lazily loaded chunks (code splitting keeps `await import()`
// lazy) halves that. tsc output in dist/src stays what the unit tests run.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: 'dist/bundle',
  // native addons are loaded from node_modules at run time
  external: ['better-sqlite3', 'node-unix-socket'],
  banner: { js: "import { createRequire as __berthRequire } from 'node:module'; const require = __berthRequire(import.meta.url);" },
  logLevel: 'warning',
});
