import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestEnv, busyboxTarPath, BERTH_BIN, type TestEnv } from '../../src/testkit/berth-cli.js';

let t: TestEnv;
let work: string;
before(async () => {
  t = makeTestEnv();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-img-'));
});
after(async () => {
  await t.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

test('import makes an image that images, inspect and history show', async () => {
  const r = await t.berth(['import', busyboxTarPath(), 'busybox:latest']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^sha256:[0-9a-f]{64}\n$/);
  const ls = await t.berth(['images']);
  assert.match(ls.stdout.split('\n')[0] ?? '', /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
  assert.match(ls.stdout, /^busybox\s+latest\s+[0-9a-f]{12}\s/m);
  const id = (await t.berth(['image', 'inspect', '--format', '{{.Id}}', 'busybox'])).stdout.trim();
  assert.equal(id, r.stdout.trim());
  const h = await t.berth(['history', 'busybox']);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout, /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/m);
});

test('import of a gzip tarball from stdin works', async () => {
  const gz = path.join(work, 'bb.tar.gz');
  execFileSync('sh', ['-c', `gzip -c ${busyboxTarPath()} > ${gz}`]);
  const r = await t.berth(['import', '-', 'bbgz:1'], { input: fs.readFileSync(gz) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await t.berth(['run', '--rm', 'bbgz:1', 'echo', 'ok'])).stdout, 'ok\n');
  await t.berth(['rmi', 'bbgz:1']);
});

test('tag and rmi: untag first, refuse while a container uses the image, -f', async () => {
  assert.equal((await t.berth(['tag', 'busybox', 'mybox:v1'])).code, 0);
  const u = await t.berth(['rmi', 'mybox:v1']);
  assert.equal(u.code, 0, u.stderr);
  assert.match(u.stdout, /Untagged: mybox:v1/);
  assert.doesNotMatch(u.stdout, /Deleted/);
  await t.berth(['tag', 'busybox', 'other:1']);
  await t.berth(['create', '--name', 'user', 'other:1', 'true']);
  await t.berth(['rmi', 'busybox']);
  const refused = await t.berth(['rmi', 'other:1']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /container .* is using/);
  await t.berth(['rm', 'user']);
  const gone = await t.berth(['rmi', 'other:1']);
  assert.equal(gone.code, 0, gone.stderr);
  assert.match(gone.stdout, /Deleted: sha256:/);
  assert.equal((await t.berth(['images', '-q'])).stdout, '');
  await t.berth(['import', busyboxTarPath(), 'busybox:latest']);
});

test('save and load round-trip in docker-archive and OCI formats', async () => {
  const id = (await t.berth(['image', 'inspect', '--format', '{{.Id}}', 'busybox'])).stdout.trim();
  for (const format of ['docker-archive', 'oci-archive']) {
    const file = path.join(work, `bb-${format}.tar`);
    const s = await t.berth(['save', '--format', format, '-o', file, 'busybox']);
    assert.equal(s.code, 0, s.stderr);
    const other = makeTestEnv();
    try {
      const l = await other.berth(['load', '-i', file]);
      assert.equal(l.code, 0, l.stderr);
      assert.match(l.stdout, /Loaded image/);
      assert.equal((await other.berth(['image', 'inspect', '--format', '{{.Id}}', 'busybox'])).stdout.trim(), id);
      assert.equal((await other.berth(['run', '--rm', 'busybox', 'echo', format])).stdout, `${format}\n`);
    } finally {
      await other.cleanup();
    }
  }
});

test('skopeo reads what berth saves, and berth loads what skopeo writes', {
  skip: !fs.existsSync('/usr/bin/skopeo') && 'skopeo is not installed',
}, async () => {
  const file = path.join(work, 'bb-docker.tar');
  await t.berth(['save', '-o', file, 'busybox']);
  const oci = path.join(work, 'skopeo-oci');
  execFileSync('skopeo', ['copy', '--quiet', `docker-archive:${file}`, `oci:${oci}:copied`]);
  const ociTar = path.join(work, 'skopeo.oci.tar');
  execFileSync('skopeo', ['copy', '--quiet', `docker-archive:${file}`, `oci-archive:${ociTar}:skopeo/box:7`]);
  const l = await t.berth(['load', '-i', ociTar]);
  assert.equal(l.code, 0, l.stderr);
  assert.equal((await t.berth(['run', '--rm', 'skopeo/box:7', 'echo', 'via-skopeo'])).stdout, 'via-skopeo\n');
  // OCI layout directories both ways
  const layout = path.join(work, 'berth-layout');
  assert.equal((await t.berth(['save', '--format', 'oci-dir', '-o', layout, 'busybox'])).code, 0);
  execFileSync('skopeo', ['inspect', `oci:${layout}`]);
  const other = makeTestEnv();
  try {
    assert.equal((await other.berth(['load', '-i', oci])).code, 0, 'skopeo-written layout loads');
    assert.equal((await other.berth(['load', '-i', layout])).code, 0, 'berth-written layout loads');
    assert.equal((await other.berth(['run', '--rm', 'busybox', 'echo', 'layout'])).stdout, 'layout\n');
  } finally {
    await other.cleanup();
  }
});

test('a tampered or truncated archive is rejected and nothing is stored', async () => {
  const file = path.join(work, 'good.tar');
  await t.berth(['save', '-o', file, 'busybox']);
  const before = (await t.berth(['images', '-q'])).stdout;
  const truncated = path.join(work, 'truncated.tar');
  const buf = fs.readFileSync(file);
  fs.writeFileSync(truncated, buf.subarray(0, Math.floor(buf.length / 2)));
  const other = makeTestEnv();
  try {
    const r = await other.berth(['load', '-i', truncated]);
    assert.equal(r.code, 1);
    assert.equal((await other.berth(['images', '-q'])).stdout, '');
    // flip bytes inside the layer's file content (far from any tar header)
    const tampered = path.join(work, 'tampered.tar');
    const copy = Buffer.from(buf);
    const at = copy.indexOf(Buffer.from('ELF')) + 4096;
    copy[at] = (copy[at] ?? 0) ^ 0xff;
    fs.writeFileSync(tampered, copy);
    const r2 = await other.berth(['load', '-i', tampered]);
    assert.equal(r2.code, 1, r2.stderr);
    assert.equal((await other.berth(['images', '-q'])).stdout, '');
  } finally {
    await other.cleanup();
  }
  assert.equal((await t.berth(['images', '-q'])).stdout, before);
});

test('a hostile rootfs tar cannot write outside the store', async () => {
  const dir = path.join(work, 'hostile');
  fs.mkdirSync(dir);
  const victim = path.join(work, 'victim');
  fs.mkdirSync(victim);
  // GNU tar writes these members verbatim with -P: a traversal and an absolute path
  fs.writeFileSync(path.join(dir, 'x'), 'evil');
  const tar = path.join(work, 'hostile.tar');
  execFileSync('tar', ['-cPf', tar, '--transform', `s|.*x$|../../../../..${victim}/escaped|`, path.join(dir, 'x')]);
  const r = await t.berth(['import', tar, 'hostile:1']);
  assert.notEqual(r.code, 0);
  assert.deepEqual(fs.readdirSync(victim), []);
  assert.doesNotMatch((await t.berth(['images'])).stdout, /hostile/);
});

test('image prune, system df and system prune', async () => {
  await t.berth(['import', busyboxTarPath()]);
  const df = await t.berth(['system', 'df']);
  assert.equal(df.code, 0, df.stderr);
  assert.match(df.stdout, /^Images\s+\d+/m);
  // -v: a table per kind, as docker prints them
  await t.berth(['run', '--name', 'dfuser', '-v', 'dfvol:/v', 'busybox', 'sh', '-c', 'head -c 2048 /dev/zero > /v/f']);
  const v = await t.berth(['system', 'df', '-v']);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /^Images space usage:\n\nREPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\s+SHARED SIZE\s+UNIQUE SIZE\s+CONTAINERS\n/);
  assert.match(v.stdout, /^busybox\s+latest\s+[0-9a-f]{12}\s.*\s1\n/m);
  assert.match(
    v.stdout,
    /^Containers space usage:\n\nCONTAINER ID\s+IMAGE\s+COMMAND\s+LOCAL VOLUMES\s+SIZE\s+CREATED\s+STATUS\s+NAMES\n[0-9a-f]{12}\s+busybox\s.*\s1\s.*Exited \(0\).*dfuser\n/m,
  );
  assert.match(v.stdout, /^Local Volumes space usage:\n\nVOLUME NAME\s+LINKS\s+SIZE\n(?:.*\n)*dfvol\s+1\s+2\.048kB\n/m);
  assert.match(v.stdout, /^Build cache usage: 0B$/m);
  await t.berth(['rm', '-v', 'dfuser']);
  await t.berth(['volume', 'rm', 'dfvol']);
  const p = await t.berth(['image', 'prune', '-f']);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /Total reclaimed space/);
  assert.doesNotMatch((await t.berth(['images'])).stdout, /<none>/);
  // --filter: until= and label= on the image config's labels; what goes is counted
  const built = path.join(t.root, 'prune-ctx');
  fs.mkdirSync(built, { recursive: true });
  fs.writeFileSync(path.join(built, 'Dockerfile'), 'FROM busybox\nLABEL tier=web\nRUN head -c 300000 /dev/urandom > /blob\n');
  assert.equal((await t.berth(['build', '-q', '-t', 'labelled', built])).code, 0);
  await t.berth(['tag', 'busybox', 'plain:1']);
  assert.doesNotMatch((await t.berth(['image', 'prune', '-a', '-f', '--filter', 'until=2000-01-01T00:00:00Z'])).stdout, /untagged/);
  const lp = await t.berth(['image', 'prune', '-a', '-f', '--filter', 'label=tier=web']);
  assert.match(lp.stdout, /untagged: labelled:latest/);
  assert.match(lp.stdout, /Total reclaimed space: 3\d\d(\.\d+)?kB/);
  const left = (await t.berth(['images', '--format', '{{.Repository}}'])).stdout;
  assert.match(left, /plain/);
  assert.doesNotMatch(left, /labelled/);
  assert.match((await t.berth(['image', 'prune', '--filter', 'color=red'])).stderr, /invalid filter 'color=red'/);
  await t.berth(['rmi', 'plain:1']);
  // system prune: stopped containers and unused networks, as docker's
  await t.berth(['run', '--name', 'stopped', 'busybox', 'true']);
  await t.berth(['network', 'create', 'unused-net']);
  const sp = await t.berth(['system', 'prune', '-f']);
  assert.equal(sp.code, 0, sp.stderr);
  assert.match(sp.stdout, /Deleted Networks:\nunused-net\n/);
  assert.equal((await t.berth(['ps', '-aq'])).stdout, '');
  assert.match((await t.berth(['images'])).stdout, /busybox/);
});

test("images --filter: reference globs, dangling, before/since, label and until, as docker's", async () => {
  await t.berth(['import', busyboxTarPath(), 'flt-old:1']);
  await new Promise((r) => setTimeout(r, 1100));
  const ctxDir = path.join(t.root, 'flt-ctx');
  fs.mkdirSync(ctxDir, { recursive: true });
  fs.writeFileSync(path.join(ctxDir, 'Dockerfile'), 'FROM flt-old:1\nLABEL flt=yes\n');
  assert.equal((await t.berth(['build', '-q', '-t', 'team/flt-new:2', ctxDir])).code, 0);
  const list = async (...f: string[]) =>
    (await t.berth(['images', ...f.flatMap((x) => ['--filter', x]), '--format', '{{.Repository}}:{{.Tag}}'])).stdout
      .split('\n')
      .filter((l) => l.includes('flt'))
      .sort();
  assert.deepEqual(await list('reference=flt-old'), ['flt-old:1']);
  assert.deepEqual(await list('reference=*/flt-*'), ['team/flt-new:2']);
  assert.deepEqual(await list('reference=flt-old:*'), ['flt-old:1']);
  assert.deepEqual(await list('label=flt=yes'), ['team/flt-new:2']);
  assert.deepEqual(await list('since=flt-old:1', 'label=flt'), ['team/flt-new:2']);
  assert.deepEqual(await list('before=team/flt-new:2', 'reference=flt-*'), ['flt-old:1']);
  assert.deepEqual(await list('dangling=true'), []);
  assert.deepEqual(await list('until=2000-01-01T00:00:00Z'), []);
  assert.deepEqual(await list('until=0s'), ['flt-old:1', 'team/flt-new:2']);
  const bad = await t.berth(['images', '--filter', 'colour=red']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid filter 'colour'/);
  await t.berth(['rmi', 'flt-old:1', 'team/flt-new:2']);
});

test('kill -9 of berth during import or run leaves a store the next command reads', async () => {
  for (const delay of [30, 80, 150, 250]) {
    const child = spawn(BERTH_BIN, ['import', busyboxTarPath(), `crash:${delay}`], { env: t.env, stdio: 'ignore' });
    const closed = new Promise((r) => child.on('close', r));
    await new Promise((r) => setTimeout(r, delay));
    child.kill('SIGKILL');
    await closed;
    const ls = await t.berth(['images', '--format', '{{.Repository}}:{{.Tag}}']);
    assert.equal(ls.code, 0, ls.stderr);
    const run = spawn(BERTH_BIN, ['run', '--name', `crashrun${delay}`, 'busybox', 'sleep', '1'], { env: t.env, stdio: 'ignore' });
    const runClosed = new Promise((r) => run.on('close', r));
    await new Promise((r) => setTimeout(r, delay));
    run.kill('SIGKILL');
    await runClosed;
    const ps = await t.berth(['ps', '-a']);
    assert.equal(ps.code, 0, ps.stderr);
  }
  const ids = (await t.berth(['ps', '-aq'])).stdout.trim().split('\n').filter(Boolean);
  if (ids.length) assert.equal((await t.berth(['rm', '-f', ...ids])).code, 0);
  assert.equal((await t.berth(['run', '--rm', 'busybox', 'echo', 'still fine'])).stdout, 'still fine\n');
});
