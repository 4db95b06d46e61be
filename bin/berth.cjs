// berth's command line, started by bin/berth (which keeps the caller's NODE_* variables and
// berth's own arguments away from node's option parsing). `npm run build` bundles src/cli into
// dist/bundle/berth.cjs, and this loads it through V8's code cache (berth.cjs.<command>.cache beside
// it), which skips compiling the 1 MB bundle on every command (~15 ms of a ~60 ms start). A cache
// is written when missing or refused (another node), atomically, and names the bundle it was made
// from (size and mtime in a 16-byte header): V8 itself would only compare lengths.
'use strict';
// Variables node reads only while it runs (NODE_TLS_REJECT_UNAUTHORIZED, NODE_DEBUG's lazy users…)
// and any that a later node adds: none of the caller's may change what berth does, nor reach
// berth's own helpers (conmon's exit hook, health monitors), which inherit this environment.
for (const k of Object.keys(process.env)) if (k.startsWith('NODE_')) delete process.env[k];
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const file = path.join(__dirname, '..', 'dist', 'bundle', 'berth.cjs');
// One cache per command word (`run`, `ps`, …; berth.cjs.cache without one): V8's cache made at
// exit holds the functions that command compiled on its way, so `run` finds its own (compiled
// lazily they cost ~15 ms of CPU; a cache made by `import` or `version` lacked them) and `ps`
// does not deserialize run's (a cache of every command cost each ~2 ms of CPU more).
const word = commandWord(process.argv.slice(2));
const cacheFile = word === '' ? `${file}.cache` : `${file}.${word}.cache`;
// ASCII (scripts/bundle.mjs checks it): latin1 makes the string without decoding UTF-8
const script = cachedScript(file, cacheFile, 'latin1');

/** A CommonJS file as a vm.Script, through its code cache (made at exit when missing or refused). */
function cachedScript(file, cacheFile, encoding) {
  const source = fs.readFileSync(file, encoding);
  const st = fs.statSync(file);
  let cachedData;
  try {
    const buf = fs.readFileSync(cacheFile);
    if (buf.length > 16 && buf.readDoubleLE(0) === st.size && buf.readDoubleLE(8) === st.mtimeMs) cachedData = buf.subarray(16);
  } catch {
    // first run of this command after a build
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    // at exit, so the cache also holds the functions this command compiled on its way; only after
    // a success, so that a mistyped command word leaves no cache of its own behind
    process.once('exit', (code) => {
      if (code !== 0) return;
      try {
        const header = Buffer.alloc(16);
        header.writeDoubleLE(st.size, 0);
        header.writeDoubleLE(st.mtimeMs, 8);
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, Buffer.concat([header, script.createCachedData()]));
        fs.renameSync(tmp, cacheFile);
      } catch {
        // a read-only install runs without the cache
      }
    });
  }
  return script;
}

/**
 * The bundle's require: kube's libraries (dist/bundle/kube-deps.cjs, ~900 KB of YAML parser and
 * Kubernetes schemas that only kube commands load) come through a code cache of their own, as the
 * bundle does: compiling them was ~20 ms of each `kube play`.
 */
function bundleRequire(base) {
  const kubeDeps = path.join(path.dirname(file), 'kube-deps.cjs');
  let loaded;
  const req = (id) => {
    if (id !== './kube-deps.cjs') return base(id);
    if (loaded === undefined) {
      const s = cachedScript(kubeDeps, `${kubeDeps}.cache`, 'utf8');
      const m = { exports: {} };
      s.runInThisContext()(m.exports, Module.createRequire(kubeDeps), m, kubeDeps, path.dirname(kubeDeps));
      loaded = m.exports;
    }
    return loaded;
  };
  return Object.assign(req, { resolve: base.resolve, cache: base.cache, main: base.main, extensions: base.extensions });
}

/** The first word that is not a global option (or its value): the command the cache is for. */
function commandWord(args) {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--root' || a === '--runroot' || a === '--runtime' || a === '--log-level') i++;
    else if (!a.startsWith('-')) return /^[a-z]{1,20}$/.test(a) ? a : '';
  }
  return '';
}
const mod = { exports: {} };
try {
  script.runInThisContext()(mod.exports, bundleRequire(Module.createRequire(file)), mod, file, path.dirname(file));
} catch (e) {
  // thrown while the bundle loads, before its own handlers are in place: one line, as any error
  // (uncaught, Node would print the source line that threw, a line of a megabyte)
  process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
  if (process.env.BERTH_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exit(125);
}
