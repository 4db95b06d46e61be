// Bundle the CLI into one CommonJS file for start-up speed. Loading ~80 small ES modules cost
// ~70 ms on every berth command; one CJS file that V8 parses lazily costs a fraction of that
// (measured: `berth run --rm busybox true` 193 ms as ES modules, 171 ms bundled). tsc's output
// in dist/src stays what the unit tests run; bin/berth loads this bundle.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

// `node scripts/bundle.mjs OUTFILE` builds elsewhere (helpers testing side by side use their own)
/**
 * better-sqlite3 finds its addon through the `bindings` package, which climbs from its own file
 * name: in a bundle, that is ours. Resolve the addon from the package instead.
 */
const sqliteAddon = {
  name: 'better-sqlite3-addon',
  setup(b) {
    b.onResolve({ filter: /^bindings$/ }, () => ({ path: 'bindings', namespace: 'sqlite-addon' }));
    b.onLoad({ filter: /.*/, namespace: 'sqlite-addon' }, () => ({
      contents:
        "const path = require('node:path');\n" +
        "module.exports = (name) => require(path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', name));\n",
      loader: 'js',
    }));
  },
};

/**
 * Node's built-in modules, each imported once. esbuild wraps every `import fs from 'node:fs'` of
 * every module in a copy of fs's properties (__toESM): 140 copies at start-up, ~2 ms. Routing
 * them through one bundled module per built-in makes it one copy each.
 */
const builtinsOnce = {
  name: 'builtins-once',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) => (a.namespace === 'builtin-once' ? { path: a.path, external: true } : { path: a.path, namespace: 'builtin-once' }));
    b.onLoad({ filter: /.*/, namespace: 'builtin-once' }, (a) =>
      LAZY.has(a.path)
        ? { contents: lazyBuiltin(a.path), loader: 'js' }
        : { contents: `export * from '${a.path}'; export { default } from '${a.path}';`, loader: 'js' },
    );
  },
};

/** src/core/kube/deps.ts is not bundled: kube's modules require the separate kube-deps.cjs. */
const kubeDeps = {
  name: 'kube-deps',
  setup(b) {
    b.onResolve({ filter: /^\.\/deps\.js$/ }, (a) =>
      a.importer.endsWith(path.join('core', 'kube', 'manifest.ts')) || a.importer.endsWith(path.join('core', 'kube', 'generate.ts'))
        ? { path: './kube-deps.cjs', external: true }
        : undefined,
    );
  },
};
/**
 * Built-ins node does not load for itself, loaded on first use: a module object whose properties
 * are getters that require the built-in when one is read. Every command paid for child_process,
 * net, dgram, crypto, zlib and stream/promises at start-up, which `ps` or `inspect` never use
 * (~8 ms of CPU of each command's start). The names are node's own, read here at build time.
 */
const LAZY = new Set([
  'node:child_process',
  'node:net',
  'node:dgram',
  'node:crypto',
  'node:zlib',
  'node:stream/promises',
  'node:http',
  'node:https',
  'node:tls',
  'node:worker_threads',
  'node:tty',
  'node:fs/promises',
  'node:os',
  'node:dns',
  'node:readline',
  'node:v8',
  'node:perf_hooks',
]);
const require = createRequire(import.meta.url);
function lazyBuiltin(name) {
  const keys = Object.getOwnPropertyNames(require(name)).filter((k) => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k));
  return [
    'let m;',
    `const load = () => m ?? (m = require(${JSON.stringify(name)}));`,
    'const o = {};',
    `for (const k of ${JSON.stringify(keys)}) Object.defineProperty(o, k, { get: () => load()[k], enumerable: true });`,
    'module.exports = o;',
  ].join('\n');
}

const outfile = process.argv[2] ?? 'dist/bundle/berth.cjs';
if (!process.argv[2]) fs.rmSync('dist/bundle', { recursive: true, force: true });
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  logLevel: 'warning',
  // layer-lanes.ts finds its worker through __dirname in a bundle and import.meta.url otherwise
  logOverride: { 'empty-import-meta': 'silent' },
};
await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  outfile,
  // native addons are loaded from node_modules at run time; better-sqlite3's JavaScript is
  // bundled (6 ms of loading its modules on every command, now under the code cache) and only
  // its compiled addon is required, from where npm built it
  external: ['berth-linux', 'better-sqlite3/package.json'],
  // the bundle runs from a vm.Script with a code cache, where import() has no loader: an external
  // module's import() becomes a require()
  supported: { 'dynamic-import': false },
  plugins: [sqliteAddon, builtinsOnce, kubeDeps],
});
// bin/berth.cjs reads the bundle as latin1, ~2 ms faster than decoding 1 MB of UTF-8 on every
// command: esbuild escapes every non-ASCII character of strings and identifiers (charset ascii),
// but not in a regular expression literal; one there must be written as \uXXXX
{
  const text = fs.readFileSync(outfile);
  const at = text.findIndex((b) => b > 0x7f);
  if (at >= 0) {
    const near = text.subarray(Math.max(0, at - 60), at + 20).toString('utf8');
    throw new Error(`${outfile}: a non-ASCII byte at offset ${at} (write it as \\uXXXX in the source): ${near}`);
  }
}
// kube's YAML parser and Kubernetes schemas (~1 MB, which would double what every command loads)
// in a file of their own beside the bundle, required by the kube commands only
await build({
  ...common,
  entryPoints: ['src/core/kube/deps.ts'],
  outfile: path.join(path.dirname(outfile), 'kube-deps.cjs'),
  plugins: [builtinsOnce],
});
// a pull's worker threads (layer-lanes.ts) load this beside the bundle: only what a layer needs
await build({
  ...common,
  entryPoints: ['src/core/registry/layer-worker.ts'],
  outfile: path.join(path.dirname(outfile), 'layer-worker.cjs'),
  external: ['berth-linux'],
  plugins: [builtinsOnce],
});
