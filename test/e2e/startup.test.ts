import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeOciLayout, registryAvailable, skopeoCopy, startRegistry } from '../../src/testkit/registry.js';

const checkout = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** bin/berth and the bundle copied to a directory of their own, so the cache can be played with. */
function install(): { dir: string; bin: string; cache: (word: string) => string; bundle: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-startup-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'dist', 'bundle'), { recursive: true });
  for (const f of ['berth', 'berth.cjs', 'package.json']) fs.copyFileSync(path.join(checkout, 'bin', f), path.join(dir, 'bin', f));
  fs.chmodSync(path.join(dir, 'bin', 'berth'), 0o755);
  const bundle = path.join(dir, 'dist', 'bundle', 'berth.cjs');
  fs.copyFileSync(path.join(checkout, 'dist', 'bundle', 'berth.cjs'), bundle);
  fs.copyFileSync(path.join(checkout, 'dist', 'bundle', 'layer-worker.cjs'), path.join(dir, 'dist', 'bundle', 'layer-worker.cjs'));
  fs.symlinkSync(path.join(checkout, 'node_modules'), path.join(dir, 'node_modules'));
  return { dir, bin: path.join(dir, 'bin', 'berth'), cache: (word) => `${bundle}.${word}.cache`, bundle };
}

const version = (bin: string) => spawnSync(bin, ['version'], { encoding: 'utf8', env: { ...process.env, BERTH_ROOT: '/nonexistent-startup-root' } });

test("kube's libraries (kube-deps.cjs) load through a code cache of their own, written by the first kube command", () => {
  const { dir, bin } = install();
  const deps = path.join(dir, 'dist', 'bundle', 'kube-deps.cjs');
  fs.copyFileSync(path.join(checkout, 'dist', 'bundle', 'kube-deps.cjs'), deps);
  const manifest = path.join(dir, 'pod.yaml');
  fs.writeFileSync(manifest, 'apiVersion: v1\nkind: Pod\nmetadata: {name: nosuch}\nspec:\n  containers: [{name: a, image: busybox}]\n');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-startup-root-'));
  const env = { ...process.env, BERTH_ROOT: root, BERTH_RUNROOT: path.join(root, 'run') };
  try {
    // kube down of pods that are not there reads and validates the manifest, and succeeds
    const down = () => spawnSync(bin, ['kube', 'down', manifest], { encoding: 'utf8', env });
    const first = down();
    assert.equal(first.status, 0, first.stderr);
    const cache = `${deps}.cache`;
    const written = fs.statSync(cache);
    assert.ok(written.size > 100_000, `cache of ${written.size} bytes`);
    assert.equal(fs.readFileSync(cache).subarray(0, 16).readDoubleLE(0), fs.statSync(deps).size);
    const again = down();
    assert.equal(again.status, 0, again.stderr);
    assert.equal(fs.statSync(cache).mtimeMs, written.mtimeMs, 'a good cache is left alone');
    // and a bad manifest is still refused with the field's path
    fs.writeFileSync(
      manifest,
      'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers: [{name: a, image: busybox, ports: [{containerPort: x}]}]\n',
    );
    const bad = down();
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /spec\.containers\[0\]\.ports\[0\]\.containerPort/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('each command word has a code cache, written by its first run, used by the next, and never trusted for another bundle', () => {
  const { dir, bin, cache: cacheOf, bundle } = install();
  const cache = cacheOf('version');
  try {
    assert.equal(fs.existsSync(cache), false);
    const first = version(bin);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /Version:\s+0\.1\.0/);
    const written = fs.statSync(cache);
    assert.ok(written.size > 100_000, `cache of ${written.size} bytes`);
    // the header names the bundle: size and mtime
    const header = fs.readFileSync(cache).subarray(0, 16);
    assert.equal(header.readDoubleLE(0), fs.statSync(bundle).size);
    assert.equal(version(bin).stdout, first.stdout);
    assert.equal(fs.statSync(cache).mtimeMs, written.mtimeMs, 'a good cache is left alone');

    // another command has its own, and leaves version's as it was
    const env = { ...process.env, BERTH_ROOT: '/nonexistent-startup-root' };
    const info = spawnSync(bin, ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', env });
    assert.equal(info.status, 0, info.stderr);
    assert.ok(fs.statSync(cacheOf('info')).size > 100_000);
    assert.equal(fs.statSync(cache).mtimeMs, written.mtimeMs);
    // a mistyped command fails and leaves no cache of its own
    const typo = spawnSync(bin, ['verison'], { encoding: 'utf8', env });
    assert.notEqual(typo.status, 0);
    assert.equal(fs.existsSync(cacheOf('verison')), false);

    // a rebuilt bundle (new mtime) makes the old cache stale: ignored and replaced
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(bundle, later, later);
    assert.equal(version(bin).stdout, first.stdout);
    assert.equal(fs.readFileSync(cache).subarray(0, 16).readDoubleLE(8), fs.statSync(bundle).mtimeMs);

    // garbage where the cache was: V8 refuses it, berth still runs and writes a good one
    const garbage = Buffer.alloc(50_000, 7);
    fs.readFileSync(cache).copy(garbage, 0, 0, 16);
    fs.writeFileSync(cache, garbage);
    assert.equal(version(bin).stdout, first.stdout);
    assert.notDeepEqual(fs.readFileSync(cache).subarray(16, 64), garbage.subarray(16, 64));
    assert.deepEqual(
      fs.readdirSync(path.dirname(bundle)).sort(),
      ['berth.cjs', 'berth.cjs.info.cache', 'berth.cjs.version.cache', 'layer-worker.cjs'],
      'no temporary file left',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('bin/berth starts node without $NODE_EXTRA_CA_CERTS (node would read the file at every start)', () => {
  const bin = path.join(checkout, 'bin', 'berth');
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: '/nonexistent/extra-ca.pem', BERTH_ROOT: '/nonexistent-startup-root' };
  // node warns at start when it reads an unreadable NODE_EXTRA_CA_CERTS; berth's node never reads it
  const plain = spawnSync(process.execPath, ['-e', '0'], { encoding: 'utf8', env });
  assert.match(plain.stderr, /extra certs/i);
  const r = spawnSync(bin, ['version'], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /extra certs/i);
});

test('a pull as the first command leaves a code cache every later command takes as it is', {
  skip: registryAvailable() ? false : 'docker-registry is not installed',
}, async () => {
  // V8 refuses a cache made under other flags than its own: a pull once turned on --expose-gc
  // as it went, and the cache it wrote was refused, and written again, by every command after it
  const { dir, bin, cache } = install();
  const reg = await startRegistry();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-startup-root-'));
  const runRoot = fs.mkdtempSync('/run/berth-startup-');
  try {
    const img = await makeOciLayout(path.join(dir, 'layout'), [
      { size: 6_000_000, compression: 'gzip' },
      { size: 5_000_000, compression: 'gzip' },
    ]);
    skopeoCopy(`oci:${img.dir}:latest`, `docker://${reg.host}/cache:1`);
    const env = { ...process.env, BERTH_ROOT: root, BERTH_RUNROOT: runRoot, BERTH_TRACE: '1' };
    const pull = spawnSync(bin, ['pull', '-q', `${reg.host}/cache:1`], { encoding: 'utf8', env });
    assert.equal(pull.status, 0, pull.stderr);
    assert.match(pull.stderr, /passed through a lane/);
    // each command writes its own once; after that, every command takes its cache as it is
    for (const args of [
      ['images', '-q'],
      ['rmi', `${reg.host}/cache:1`],
    ]) {
      const r = spawnSync(bin, args, { encoding: 'utf8', env });
      assert.equal(r.status, 0, r.stderr);
    }
    const written = ['pull', 'images', 'rmi'].map((w) => fs.statSync(cache(w)).mtimeMs);
    for (const args of [
      ['pull', '-q', `${reg.host}/cache:1`],
      ['images', '-q'],
      ['rmi', `${reg.host}/cache:1`],
    ]) {
      const r = spawnSync(bin, args, { encoding: 'utf8', env });
      assert.equal(r.status, 0, r.stderr);
    }
    assert.deepEqual(
      ['pull', 'images', 'rmi'].map((w) => fs.statSync(cache(w)).mtimeMs),
      written,
      'each took its cache as it was',
    );
  } finally {
    await reg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(runRoot, { recursive: true, force: true });
  }
});
