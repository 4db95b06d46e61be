import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { BERTH_BIN, makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';
import { makeOciLayout, registryAvailable, skopeoCopy, startRegistry, type TestRegistry } from '../../src/testkit/registry.js';

const skip = registryAvailable() ? false : 'docker-registry is not installed';
const PASSWORD = 'wonderland-secret';

let work: string;
let regConf: string;
/** every berth call: its own credentials file and registries.conf, small retry delays */
let baseEnv: NodeJS.ProcessEnv;
const envs: TestEnv[] = [];

function fresh(): TestEnv {
  const t = makeTestEnv();
  envs.push(t);
  return t;
}

async function ok(t: TestEnv, args: string[], env: NodeJS.ProcessEnv = {}, input?: string) {
  const r = await t.berth(args, { env: { ...baseEnv, ...env }, ...(input !== undefined ? { input } : {}), timeoutMs: 120_000 });
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return r;
}

async function fails(t: TestEnv, args: string[], env: NodeJS.ProcessEnv = {}, input?: string) {
  const r = await t.berth(args, { env: { ...baseEnv, ...env }, ...(input !== undefined ? { input } : {}) });
  assert.equal(r.code, 1, `berth ${args.join(' ')} should fail: ${r.stdout} ${r.stderr}`);
  assert.equal(
    r.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('hint:')).length,
    1,
    `one-line error: ${r.stderr}`,
  );
  return r;
}

async function imageId(t: TestEnv, ref: string): Promise<string> {
  return (await ok(t, ['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();
}

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-regtest-'));
  regConf = path.join(work, 'registries.conf');
  fs.writeFileSync(regConf, 'unqualified-search-registries = ["docker.io"]\n');
  baseEnv = { BERTH_AUTH_FILE: path.join(work, 'auth.json'), BERTH_REGISTRIES_CONF: regConf, BERTH_REGISTRY_RETRY_MS: '10', BERTH_CERTS_D: '' };
});
after(async () => {
  for (const t of envs) await t.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('registry without auth', { skip }, () => {
  let reg: TestRegistry;
  let src: TestEnv;
  before(async () => {
    reg = await startRegistry();
    src = fresh();
    await src.importBusybox(`${reg.host}/bb:1`);
  });
  after(async () => reg?.stop());

  test('push then pull back into a fresh store gives the same image, by tag and by digest', async () => {
    const push = await ok(src, ['push', `${reg.host}/bb:1`]);
    assert.match(push.stdout, /^The push refers to repository \[127\.0\.0\.1:\d+\/bb\]$/m);
    const digest = /1: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(push.stdout)?.[1];
    assert.ok(digest, push.stdout);
    const again = await ok(src, ['push', `${reg.host}/bb:1`]);
    assert.match(again.stdout, /Layer already exists/);

    const dst = fresh();
    const pull = await ok(dst, ['pull', `${reg.host}/bb:1`]);
    assert.match(pull.stdout, /Pull complete/);
    assert.match(pull.stdout, new RegExp(`^Digest: ${digest}$`, 'm'));
    assert.match(pull.stdout, new RegExp(`^${reg.host.replace(/\./g, '\\.')}/bb:1$`, 'm'));
    assert.equal(await imageId(dst, `${reg.host}/bb:1`), await imageId(src, `${reg.host}/bb:1`));
    const repoDigests = (await ok(dst, ['image', 'inspect', '--format', '{{json .RepoDigests}}', `${reg.host}/bb:1`])).stdout;
    assert.deepEqual(JSON.parse(repoDigests), [`${reg.host}/bb@${digest}`]);
    const ls = await ok(dst, ['images', '--digests']);
    assert.match(ls.stdout, new RegExp(`bb\\s+1\\s+${digest}`));
    assert.equal((await ok(dst, ['run', '--rm', `${reg.host}/bb:1`, 'echo', 'pulled'])).stdout, 'pulled\n');

    const byDigest = fresh();
    const q = await ok(byDigest, ['pull', '-q', `${reg.host}/bb@${digest}`]);
    assert.equal(q.stdout, `${reg.host}/bb@${digest}\n`);
    assert.equal(await imageId(byDigest, `${reg.host}/bb@${digest}`), await imageId(src, `${reg.host}/bb:1`));
    const up = await ok(dst, ['pull', `${reg.host}/bb:1`]);
    assert.match(up.stdout, /Already exists/);
    assert.match(up.stdout, /Status: Image is up to date/);
  });

  test('push of a second repository mounts blobs across repositories', async () => {
    await ok(src, ['push', `${reg.host}/bb:1`]);
    await ok(src, ['tag', `${reg.host}/bb:1`, `${reg.host}/copy:2`]);
    const r = await ok(src, ['push', `${reg.host}/copy:2`]);
    assert.match(r.stdout, /Mounted from bb/);
  });

  test('multi-layer gzip, zstd and plain layers download in parallel and verify', async () => {
    const img = await makeOciLayout(path.join(work, 'multi'), [
      { size: 300_000, compression: 'gzip' },
      { size: 200_000, compression: 'zstd' },
      { size: 100_000, compression: 'none' },
      { size: 50_000, compression: 'gzip' },
    ]);
    skopeoCopy(`oci:${img.dir}:latest`, `docker://${reg.host}/multi:1`);
    const t = fresh();
    const r = await ok(t, ['pull', `${reg.host}/multi:1`], { BERTH_TRACE: '1' });
    assert.equal((r.stdout.match(/Pull complete/g) ?? []).length, 4, r.stdout);
    // gzip and plain layers went through the lanes (worker threads and this one) in one pass
    assert.equal((r.stderr.match(/passed through a lane/g) ?? []).length, 3, r.stderr);
    assert.doesNotMatch(r.stderr, /the patient way/);
    assert.equal(await imageId(t, `${reg.host}/multi:1`), img.configDigest);
    const m = await ok(t, ['manifest', 'inspect', `${reg.host}/multi:1`]);
    const doc = JSON.parse(m.stdout) as { schemaVersion: number; layers: unknown[] };
    assert.equal(doc.schemaVersion, 2);
    assert.equal(doc.layers.length, 4);
  });

  test('a tampered blob in the registry fails the pull and lists nothing', async () => {
    const img = await makeOciLayout(path.join(work, 'tamper'), [{ size: 100_000, compression: 'gzip' }]);
    skopeoCopy(`oci:${img.dir}:latest`, `docker://${reg.host}/tamper:1`);
    const blob = reg.blobPath(img.layerDigests[0] as string);
    const bytes = fs.readFileSync(blob);
    const mid = bytes.length >> 1;
    bytes[mid] = (bytes[mid] ?? 0) ^ 0xff;
    fs.writeFileSync(blob, bytes);
    const t = fresh();
    const r = await fails(t, ['pull', `${reg.host}/tamper:1`]);
    assert.match(r.stderr, /digest mismatch/);
    assert.equal((await ok(t, ['images', '-q'])).stdout, '');
    assert.deepEqual(fs.readdirSync(path.join(t.root, 'blobs', 'sha256')), []);
  });

  test('a tampered config fails the pull while its layers stream in: nothing is kept, no temporary file is left', async () => {
    // the layers the store lacks start before the config has come; a config that fails its
    // digest must still leave the store as it was
    const img = await makeOciLayout(path.join(work, 'badconfig'), [
      { size: 3_000_000, compression: 'gzip' },
      { size: 2_000_000, compression: 'none' },
    ]);
    skopeoCopy(`oci:${img.dir}:latest`, `docker://${reg.host}/badconfig:1`);
    const config = reg.blobPath(img.configDigest);
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('amd64', 'AMD64'));
    const t = fresh();
    const r = await fails(t, ['pull', `${reg.host}/badconfig:1`]);
    assert.match(r.stderr, /config.*digest mismatch|digest mismatch.*config/i);
    assert.equal((await ok(t, ['images', '-q'])).stdout, '');
    assert.deepEqual(fs.readdirSync(path.join(t.root, 'blobs', 'sha256')), []);
    assert.deepEqual(fs.readdirSync(path.join(t.root, 'layers')), []);
    assert.deepEqual(
      fs.readdirSync(path.join(t.root, 'tmp')).filter((n) => !n.startsWith('.')),
      [],
    );
  });

  test('a blob transfer cut half-way, then a 503, is fetched again: the pull completes and verifies', async () => {
    const img = await makeOciLayout(path.join(work, 'flaky'), [
      { size: 3_000_000, compression: 'gzip' },
      { size: 1_000_000, compression: 'gzip' },
    ]);
    skopeoCopy(`oci:${img.dir}:latest`, `docker://${reg.host}/flaky:1`);
    // in front of the registry: each layer blob's first GET is cut after half its body, the
    // second answers 503, the third goes through
    const seen = new Map<string, number>();
    const upstream = reg.host.split(':');
    const proxy = http.createServer((req, res) => {
      const n = (seen.get(req.url ?? '') ?? 0) + 1;
      seen.set(req.url ?? '', n);
      // (skopeo compressed the plain layer on its way in: its digest is the registry's own)
      const layer = req.url?.includes('/blobs/') === true && !req.url.endsWith(img.configDigest);
      if (layer && n === 2) {
        res.writeHead(503).end();
        return;
      }
      const up = http.request({ host: upstream[0], port: Number(upstream[1]), path: req.url, method: req.method, headers: req.headers }, (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        if (!(layer && n === 1)) return void ur.pipe(res);
        const half = Number(ur.headers['content-length']) >> 1;
        let sent = 0;
        ur.on('data', (c: Buffer) => {
          if (sent >= half) return;
          res.write(c.subarray(0, half - sent));
          sent += c.length;
          if (sent >= half) {
            ur.destroy();
            res.socket?.destroy();
          }
        });
      });
      req.pipe(up);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
    try {
      const t = fresh();
      const r = await ok(t, ['pull', `${host}/flaky:1`], { BERTH_TRACE: '1' });
      assert.equal((r.stdout.match(/Pull complete/g) ?? []).length, 2, r.stdout);
      assert.equal((r.stderr.match(/fast pass failed/g) ?? []).length, 2, r.stderr);
      assert.equal(await imageId(t, `${host}/flaky:1`), img.configDigest);
      const layerGets = [...seen].filter(([u]) => u.includes('/blobs/') && !u.endsWith(img.configDigest)).map(([, k]) => k);
      assert.deepEqual(layerGets, [3, 3]);
      // nothing half-written is left in the store's temp dirs
      assert.deepEqual(fs.readdirSync(path.join(t.root, 'tmp')), []);
      assert.deepEqual(
        fs.readdirSync(path.join(t.root, 'layers')).filter((n) => n.startsWith('.')),
        [],
      );
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  test('kill -9 during a pull leaves a readable store; prune removes its half-written files; the pull then completes', async () => {
    const img = await makeOciLayout(path.join(work, 'killed'), [
      { size: 24_000_000, compression: 'gzip' },
      { size: 12_000_000, compression: 'gzip' },
    ]);
    skopeoCopy(`oci:${img.dir}:latest`, `docker://${reg.host}/killed:1`);
    const t = fresh();
    for (const delay of [60, 150]) {
      const child = spawn(BERTH_BIN, ['pull', '-q', `${reg.host}/killed:1`], { env: { ...t.env, ...baseEnv }, stdio: 'ignore' });
      const closed = new Promise((r) => child.on('close', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await closed;
      assert.equal((await t.berth(['images'])).code, 0);
    }
    await ok(t, ['image', 'prune', '-f']);
    assert.deepEqual(
      fs.readdirSync(path.join(t.root, 'tmp')).filter((n) => n.startsWith('blob-')),
      [],
    );
    assert.deepEqual(
      fs.readdirSync(path.join(t.root, 'layers')).filter((n) => n.startsWith('.tmp-')),
      [],
    );
    await ok(t, ['pull', '-q', `${reg.host}/killed:1`]);
    assert.equal(await imageId(t, `${reg.host}/killed:1`), img.configDigest);
  });

  test('Ctrl-C or SIGTERM during a pull ends it at once and removes its half-written files (no prune needed)', async () => {
    const img = await makeOciLayout(path.join(work, 'interrupted'), [
      { size: 48_000_000, compression: 'gzip' },
      { size: 24_000_000, compression: 'gzip' },
    ]);
    skopeoCopy(`oci:${img.dir}:latest`, `docker://${reg.host}/interrupted:1`);
    const t = fresh();
    const halfWritten = () => [
      ...(fs.existsSync(path.join(t.root, 'tmp')) ? fs.readdirSync(path.join(t.root, 'tmp')).filter((n) => n.startsWith('blob-')) : []),
      ...(fs.existsSync(path.join(t.root, 'layers')) ? fs.readdirSync(path.join(t.root, 'layers')).filter((n) => n.startsWith('.tmp-')) : []),
    ];
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const child = spawn(BERTH_BIN, ['pull', '-q', `${reg.host}/interrupted:1`], { env: { ...t.env, ...baseEnv }, stdio: 'ignore' });
      const closed = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (code, sig) => r([code, sig])));
      // signalled once it has files half-written
      for (let i = 0; i < 2000 && halfWritten().length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      assert.notDeepEqual(halfWritten(), [], 'the pull wrote nothing to interrupt');
      child.kill(signal);
      const t0 = Date.now();
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const [code, sig] = await closed;
      clearTimeout(killer);
      assert.equal(sig, signal, `the pull ended with ${code}/${sig}, not by ${signal}`);
      assert.ok(Date.now() - t0 < 5000, `the pull took ${Date.now() - t0} ms to end`);
      assert.deepEqual(halfWritten(), []);
    }
    await ok(t, ['pull', '-q', `${reg.host}/interrupted:1`]);
    assert.equal(await imageId(t, `${reg.host}/interrupted:1`), img.configDigest);
  });

  test('a missing manifest, a refused connection and a bad name are one-line errors', async () => {
    const t = fresh();
    const r = await fails(t, ['pull', `${reg.host}/nothere:1`]);
    assert.match(r.stderr, /manifest for 127\.0\.0\.1:\d+\/nothere:1 not found/);
    const refused = await fails(t, ['pull', '127.0.0.1:1/x:1']);
    assert.match(refused.stderr, /connection refused/);
    await fails(t, ['pull', 'Not/A/Valid::ref']);
    await fails(t, ['manifest', 'inspect', `${reg.host}/nothere:1`]);
  });

  test('two concurrent pulls both succeed and store each blob once', async () => {
    const img = await makeOciLayout(path.join(work, 'conc'), [
      { size: 2_000_000, compression: 'gzip' },
      { size: 1_000_000, compression: 'gzip' },
    ]);
    skopeoCopy(`oci:${img.dir}:latest`, `docker://${reg.host}/conc:1`);
    const t = fresh();
    const [a, b] = await Promise.all([
      t.berth(['pull', '-q', `${reg.host}/conc:1`], { env: baseEnv }),
      t.berth(['pull', '-q', `${reg.host}/conc:1`], { env: baseEnv }),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(await imageId(t, `${reg.host}/conc:1`), img.configDigest);
    // 2 layers + config + manifest, once each
    assert.equal(fs.readdirSync(path.join(t.root, 'blobs', 'sha256')).length, 4);
  });

  test('pull --all-tags brings every tag of a repository; with a tag it is refused', async () => {
    await ok(src, ['tag', `${reg.host}/bb:1`, `${reg.host}/every:1`]);
    await ok(src, ['tag', `${reg.host}/bb:1`, `${reg.host}/every:two`]);
    await ok(src, ['push', `${reg.host}/every:1`]);
    await ok(src, ['push', `${reg.host}/every:two`]);
    const t = fresh();
    const r = await ok(t, ['pull', '--all-tags', `${reg.host}/every`]);
    assert.match(r.stdout, /^1: Pulling from /m);
    assert.match(r.stdout, /^two: Pulling from /m);
    assert.match(r.stdout, new RegExp(`^Status: Downloaded newer image for ${reg.host.replace(/\./g, '\\.')}/every$`, 'm'));
    assert.match(r.stdout, new RegExp(`^${reg.host.replace(/\./g, '\\.')}/every$`, 'm'));
    const tags = (await ok(t, ['images', '--format', '{{.Tag}}', `${reg.host}/every`])).stdout.trim().split('\n').sort();
    assert.deepEqual(tags, ['1', 'two']);
    const again = await ok(t, ['pull', '-a', `${reg.host}/every`]);
    assert.match(again.stdout, /Status: Image is up to date for /);
    const bad = await fails(t, ['pull', '-a', `${reg.host}/every:1`]);
    assert.match(bad.stderr, /tag can't be used with --all-tags\/-a/);

    // push -a: every local tag of a repository
    await ok(src, ['tag', `${reg.host}/bb:1`, `${reg.host}/pushall:x`]);
    await ok(src, ['tag', `${reg.host}/bb:1`, `${reg.host}/pushall:y`]);
    const pushed = await ok(src, ['push', '-a', `${reg.host}/pushall`]);
    assert.match(pushed.stdout, /^x: digest: sha256:/m);
    assert.match(pushed.stdout, /^y: digest: sha256:/m);
    const back = fresh();
    await ok(back, ['pull', '-a', `${reg.host}/pushall`]);
    assert.deepEqual((await ok(back, ['images', '--format', '{{.Tag}}', `${reg.host}/pushall`])).stdout.trim().split('\n').sort(), ['x', 'y']);
    await fails(src, ['push', '-a', `${reg.host}/pushall:x`]);
  });

  test('pulls go through the configured mirrors first, and the image keeps the name asked for', async () => {
    await ok(src, ['tag', `${reg.host}/bb:1`, `${reg.host}/cache/bb:1`]);
    await ok(src, ['push', `${reg.host}/cache/bb:1`]);
    await ok(src, ['tag', `${reg.host}/bb:1`, `${reg.host}/library/hubonly:1`]);
    await ok(src, ['push', `${reg.host}/library/hubonly:1`]);
    const conf = path.join(work, 'mirrors.conf');
    // the registry itself refuses connections: only the mirror can serve
    fs.writeFileSync(
      conf,
      `registry-mirrors = ["http://${reg.host}"]\n[[registry]]\nlocation = "127.0.0.1:1"\n[[registry.mirror]]\nlocation = "127.0.0.1:2"\n[[registry.mirror]]\nlocation = "${reg.host}/cache"\n`,
    );
    const t = fresh();
    const r = await ok(t, ['pull', '127.0.0.1:1/bb:1'], { BERTH_REGISTRIES_CONF: conf });
    assert.match(r.stdout, /^127\.0\.0\.1:1\/bb:1$/m);
    assert.equal(await imageId(t, '127.0.0.1:1/bb:1'), await imageId(src, `${reg.host}/bb:1`));
    // docker's registry-mirrors serve Docker Hub's names (library/ included), offline
    await ok(t, ['pull', 'hubonly:1'], { BERTH_REGISTRIES_CONF: conf });
    assert.match((await ok(t, ['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout, /^hubonly:1$/m);
    // without a mirror that has it, the registry's own error is the one reported
    const miss = await fails(t, ['pull', '127.0.0.1:1/absent:1'], { BERTH_REGISTRIES_CONF: conf });
    assert.match(miss.stderr, /connection refused/);
  });

  test('short names resolve through the configured search registries', async () => {
    await ok(src, ['push', `${reg.host}/bb:1`]);
    const conf = path.join(work, 'search.conf');
    fs.writeFileSync(conf, `# test\nunqualified-search-registries = ["${reg.host}"]\n`);
    const t = fresh();
    const r = await ok(t, ['pull', 'bb:1'], { BERTH_REGISTRIES_CONF: conf });
    assert.match(r.stdout, new RegExp(`^${reg.host.replace(/\./g, '\\.')}/bb:1$`, 'm'));
  });

  test('interop: skopeo reads what berth pushes; berth pulls what skopeo pushes', async () => {
    await ok(src, ['push', `${reg.host}/bb:1`]);
    const out = path.join(work, 'skopeo-oci');
    skopeoCopy(`docker://${reg.host}/bb:1`, `oci:${out}:bb`);
    assert.ok(fs.existsSync(path.join(out, 'index.json')));

    const tarFile = path.join(work, 'bb-saved.tar');
    await ok(src, ['save', '-o', tarFile, `${reg.host}/bb:1`]);
    skopeoCopy(`docker-archive:${tarFile}`, `docker://${reg.host}/fromskopeo:1`);
    const t = fresh();
    await ok(t, ['pull', `${reg.host}/fromskopeo:1`]);
    assert.equal((await ok(t, ['run', '--rm', `${reg.host}/fromskopeo:1`, 'echo', 'interop'])).stdout, 'interop\n');
  });

  test('manifest create, annotate, inspect, push and rm: a multi-platform list from two repositories, pulled by platform', async () => {
    const H = reg.host;
    await ok(src, ['push', `${H}/bb:1`]);
    const armCtx = path.join(work, 'arm-ctx');
    fs.mkdirSync(armCtx, { recursive: true });
    fs.writeFileSync(path.join(armCtx, 'f'), 'arm\n');
    fs.writeFileSync(path.join(armCtx, 'Dockerfile'), 'FROM scratch\nCOPY f /f\n');
    await ok(src, ['build', '-q', '--platform', 'linux/arm64/v8', '-t', `${H}/armonly:1`, armCtx]);
    await ok(src, ['push', '-q', `${H}/armonly:1`]);
    const list = `${H}/multi:1`;
    assert.equal((await ok(src, ['manifest', 'create', list, `${H}/bb:1`, `${H}/armonly:1`])).stdout, `Created manifest list ${list}\n`);
    assert.match((await fails(src, ['manifest', 'create', list, `${H}/bb:1`])).stderr, /refusing to amend an existing manifest list with no --amend flag/);
    await ok(src, ['manifest', 'create', '--amend', list, `${H}/bb:1`]);
    await ok(src, ['manifest', 'annotate', '--os-features', 'sse4', '--variant', 'v1', list, `${H}/bb:1`]);
    assert.match((await fails(src, ['manifest', 'annotate', '--arch', 'arm', list, `${H}/nothere:1`])).stderr, /does not exist in/);
    const local = JSON.parse((await ok(src, ['manifest', 'inspect', list])).stdout) as {
      manifests: Array<{ platform: { architecture: string; variant?: string; 'os.features'?: string[] } }>;
    };
    assert.deepEqual(
      local.manifests.map((m) => `${m.platform.architecture}/${m.platform.variant ?? ''}`),
      ['amd64/v1', 'arm64/v8'],
    );
    assert.deepEqual(local.manifests[0]?.platform['os.features'], ['sse4']);
    const pushed = await ok(src, ['manifest', 'push', '--purge', list]);
    assert.match(pushed.stdout, /^sha256:[0-9a-f]{64}\n$/);
    // purged here, served by the registry (the arm64 manifest mounted across repositories)
    const remote = JSON.parse((await ok(src, ['manifest', 'inspect', list])).stdout) as { manifests: Array<{ digest: string }> };
    assert.equal(remote.manifests.length, 2);
    const raw = spawnSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${list}`], { encoding: 'utf8' });
    assert.equal(raw.status, 0, raw.stderr);
    assert.equal((JSON.parse(raw.stdout) as { manifests: unknown[] }).manifests.length, 2);
    const t = fresh();
    await ok(t, ['pull', '--platform', 'linux/arm64', list]);
    assert.equal((await ok(t, ['image', 'inspect', '-f', '{{.Architecture}}/{{.Variant}}', list])).stdout, 'arm64/v8\n');
    // load --platform picks from a multi-platform layout (skopeo copies the whole list)
    const layout = path.join(work, 'multi-layout');
    const cp = spawnSync('skopeo', ['copy', '--all', '--src-tls-verify=false', `docker://${list}`, `oci:${layout}:multi`], { encoding: 'utf8' });
    assert.equal(cp.status, 0, cp.stderr);
    const l = fresh();
    await ok(l, ['load', '--platform', 'linux/arm64', '-i', layout]);
    assert.equal((await ok(l, ['images', '--format', '{{.ID}}'])).stdout.trim().length, 12);
    assert.match((await ok(l, ['image', 'inspect', '-f', '{{.Architecture}}', (await ok(l, ['images', '-q'])).stdout.trim()])).stdout, /^arm64$/m);
    assert.match((await fails(src, ['manifest', 'rm', list])).stderr, /No such manifest list/);
    await ok(src, ['manifest', 'create', list, `${H}/bb:1`]);
    await ok(src, ['manifest', 'rm', list]);
  });
});

describe('registry with htpasswd basic auth', { skip }, () => {
  let reg: TestRegistry;
  let src: TestEnv;
  before(async () => {
    reg = await startRegistry({ auth: 'htpasswd', users: { alice: PASSWORD } });
    src = fresh();
    await src.importBusybox(`${reg.host}/private:1`);
  });
  after(async () => reg?.stop());

  test('login, push, pull, logout; wrong password fails; the password is never shown', async () => {
    const auth = path.join(work, 'basic-auth.json');
    const env = { BERTH_AUTH_FILE: auth };
    const anon = await fails(src, ['push', `${reg.host}/private:1`], env);
    assert.match(anon.stderr, /unauthorized/);

    const wrong = await fails(src, ['login', '-u', 'alice', '--password-stdin', reg.host], env, 'nope\n');
    assert.match(wrong.stderr, /unauthorized/);
    assert.ok(!fs.existsSync(auth), 'a failed login stores nothing');

    const r = await ok(src, ['login', '-u', 'alice', '--password-stdin', reg.host], env, `${PASSWORD}\n`);
    assert.equal(r.stdout, 'Login Succeeded\n');
    assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD));
    assert.equal(fs.statSync(auth).mode & 0o777, 0o600);
    const saved = JSON.parse(fs.readFileSync(auth, 'utf8')) as { auths: Record<string, { auth: string }> };
    assert.equal(Buffer.from(saved.auths[reg.host]?.auth ?? '', 'base64').toString(), `alice:${PASSWORD}`);

    const push = await ok(src, ['push', `${reg.host}/private:1`], env);
    assert.ok(!push.stdout.includes(PASSWORD) && !push.stderr.includes(PASSWORD));
    const t = fresh();
    await ok(t, ['pull', `${reg.host}/private:1`], env);
    assert.equal(await imageId(t, `${reg.host}/private:1`), await imageId(src, `${reg.host}/private:1`));

    const out = await ok(src, ['logout', reg.host], env);
    assert.equal(out.stdout, `Removing login credentials for ${reg.host}\n`);
    assert.equal((await ok(src, ['logout', reg.host], env)).stdout, `Not logged in to ${reg.host}\n`);
    await fails(fresh(), ['pull', `${reg.host}/private:1`], env);
  });
});

describe('registry with token auth', { skip }, () => {
  let reg: TestRegistry;
  let src: TestEnv;
  before(async () => {
    reg = await startRegistry({ auth: 'token', users: { bob: PASSWORD } });
    src = fresh();
    await src.importBusybox(`${reg.host}/tok:1`);
  });
  after(async () => reg?.stop());

  test('the bearer flow: anonymous is refused, a logged-in user pushes and pulls', async () => {
    const env = { BERTH_AUTH_FILE: path.join(work, 'token-auth.json') };
    await fails(src, ['push', `${reg.host}/tok:1`], env);
    await fails(src, ['login', '-u', 'bob', '--password-stdin', reg.host], env, 'wrong\n');
    await ok(src, ['login', '-u', 'bob', '--password-stdin', reg.host], env, PASSWORD);
    await ok(src, ['push', `${reg.host}/tok:1`], env);
    await ok(src, ['tag', `${reg.host}/tok:1`, `${reg.host}/tok2:1`]);
    const mount = await ok(src, ['push', `${reg.host}/tok2:1`], env);
    assert.match(mount.stdout, /Mounted from tok/);
    const t = fresh();
    await ok(t, ['pull', `${reg.host}/tok:1`], env);
    assert.equal(await imageId(t, `${reg.host}/tok:1`), await imageId(src, `${reg.host}/tok:1`));
  });
});

describe('registry with TLS from a test CA', { skip }, () => {
  let reg: TestRegistry;
  let src: TestEnv;
  let conf: string;
  before(async () => {
    reg = await startRegistry({ tls: true });
    src = fresh();
    await src.importBusybox(`${reg.host}/secure:1`);
    // 127.0.0.1 is insecure by default (as in docker): mark it secure so verification is required
    conf = path.join(work, 'tls.conf');
    fs.writeFileSync(conf, `[[registry]]\nlocation = "${reg.host}"\ninsecure = false\n`);
  });
  after(async () => reg?.stop());

  test('verified with the CA directory, refused without it, allowed with --tls-verify=false', async () => {
    const env = { BERTH_REGISTRIES_CONF: conf };
    const bad = await fails(src, ['push', `${reg.host}/secure:1`], env);
    assert.match(bad.stderr, /certificate/);
    await ok(src, ['push', '--cert-dir', reg.caDir as string, `${reg.host}/secure:1`], env);
    const t = fresh();
    await ok(t, ['pull', `${reg.host}/secure:1`], { ...env, BERTH_CERTS_D: reg.certsD as string });
    assert.equal(await imageId(t, `${reg.host}/secure:1`), await imageId(src, `${reg.host}/secure:1`));
    await fails(fresh(), ['pull', `${reg.host}/secure:1`], env);
    await ok(fresh(), ['pull', '--tls-verify=false', `${reg.host}/secure:1`], env);
  });

  test('NODE_EXTRA_CA_CERTS is trusted, as node would (bin/berth keeps node from parsing it at start)', async () => {
    const env = { BERTH_REGISTRIES_CONF: conf, NODE_EXTRA_CA_CERTS: path.join(reg.caDir as string, 'ca.crt') };
    const t = fresh();
    await ok(t, ['pull', `${reg.host}/secure:1`], env);
    assert.equal(await imageId(t, `${reg.host}/secure:1`), await imageId(src, `${reg.host}/secure:1`));
  });
});

test('the registry binary is killed by pid: no registry of ours is left running', { skip }, () => {
  const ps = spawnSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  assert.ok(!ps.stdout.includes('docker-registry serve'), ps.stdout);
});
