// berth's command line, started by bin/berth (which keeps the caller's NODE_* variables and
// berth's own arguments away from node's option parsing). `npm run build` bundles src/cli into
// dist/bundle/berth.cjs, and this loads it through V8's code cache (berth.cjs.cache beside it), which skips compiling the 1 MB
// bundle on every command (~15 ms of a ~60 ms start). The cache is written when missing or
// refused (another node) and once more for each command word it does not cover yet, atomically,
// and names the bundle it was made from (size and mtime in its header): V8 itself would only
// compare lengths.
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
const cacheFile = `${file}.cache`;
const source = fs.readFileSync(file, 'utf8');
const st = fs.statSync(file);
// The command word (`run`, `ps`, …): the cache lists the commands whose functions it holds. V8's
// cache made at exit holds what the cache had plus what this command compiled, so each new word
// rewrites it once and it grows to cover the commands used (`run` compiled lazily costs ~15 ms
// of CPU more than from a cache made by `run`; a cache made by `import` or `--version` lacks it).
const word = commandWord(process.argv.slice(2));
let cachedData;
let covered = [];
try {
  const buf = fs.readFileSync(cacheFile);
  const namesLength = buf.length > 20 ? buf.readUInt32LE(16) : 0;
  if (buf.length > 20 + namesLength && buf.readDoubleLE(0) === st.size && buf.readDoubleLE(8) === st.mtimeMs) {
    covered = buf.toString('utf8', 20, 20 + namesLength).split('\n').filter(Boolean);
    cachedData = buf.subarray(20 + namesLength);
  }
} catch {
  // first run after a build
}
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
const rejected = cachedData === undefined || script.cachedDataRejected;
if (rejected) covered = [];
if (rejected || (word !== '' && !covered.includes(word) && covered.length < 40)) {
  // at exit, so the cache also holds the functions this command compiled on its way
  process.once('exit', () => {
    try {
      const names = Buffer.from([...covered, word].filter(Boolean).join('\n'), 'utf8');
      const header = Buffer.alloc(20);
      header.writeDoubleLE(st.size, 0);
      header.writeDoubleLE(st.mtimeMs, 8);
      header.writeUInt32LE(names.length, 16);
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, Buffer.concat([header, names, script.createCachedData()]));
      fs.renameSync(tmp, cacheFile);
    } catch {
      // a read-only install runs without the cache
    }
  });
}

/** The first word that is not a global option (or its value): what the cache covers. */
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
  script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
} catch (e) {
  // thrown while the bundle loads, before its own handlers are in place: one line, as any error
  // (uncaught, Node would print the source line that threw, a line of a megabyte)
  process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
  if (process.env.BERTH_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exit(125);
}
