import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeTar, type TarFileEntry } from '../../src/core/images/_test-tar.js';
import { tarOf } from '../../src/core/images/_test-images.js';
import { sha256Digest } from '../../src/core/content/digest.js';
import { makeTestEnv, BERTH_BIN, busyboxTarPath, type TestEnv } from '../../src/testkit/berth-cli.js';

let t: TestEnv;
let work: string;
before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-rob-'));
});
after(async () => {
  await t.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

test('Ctrl-C (SIGINT) to a foreground run reaches the container', async () => {
  const child = spawn(BERTH_BIN, ['run', '--rm', 'busybox', 'sh', '-c', 'trap "echo got-int; exit 9" INT; echo ready; while true; do sleep 0.1; done'], {
    env: t.env,
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const closed = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  for (let i = 0; i < 100 && !out.includes('ready'); i++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  assert.equal(await closed, 9);
  assert.match(out, /got-int/);
});

test('a seccomp profile file given with --security-opt is applied', async () => {
  const profile = {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }],
  };
  const file = path.join(work, 'profile.json');
  fs.writeFileSync(file, JSON.stringify(profile));
  const r = await t.berth(['run', '--rm', '--security-opt', `seccomp=${file}`, 'busybox', 'sh', '-c', 'mkdir /x && echo MADE; echo end']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /MADE/);
  const bad = await t.berth(['run', '--rm', '--security-opt', `seccomp=${path.join(work, 'missing.json')}`, 'busybox', 'true']);
  assert.equal(bad.code, 125);
});

test('import --change sets the stop signal and command that stop and run use', async () => {
  const r = await t.berth([
    'import',
    '--change',
    'STOPSIGNAL SIGUSR1',
    '--change',
    'CMD ["sh", "-c", "trap \\"exit 17\\" USR1; while true; do sleep 0.1; done"]',
    busyboxTarPath(),
    'sigbox:1',
  ]);
  assert.equal(r.code, 0, r.stderr);
  await t.berth(['run', '-d', '--name', 'sig', 'sigbox:1']);
  await new Promise((res) => setTimeout(res, 300));
  assert.equal((await t.berth(['stop', 'sig'])).code, 0);
  assert.equal((await t.berth(['inspect', '--format', '{{.State.ExitCode}}', 'sig'])).stdout, '17\n');
  await t.berth(['rm', 'sig']);
});

test('rm -v removes the anonymous volumes of the container, not named ones', async () => {
  await t.berth(['run', '--name', 'vols', '-v', '/anon', '-v', 'keepme:/named', 'busybox', 'true']);
  const before = (await t.berth(['volume', 'ls', '-q'])).stdout.trim().split('\n');
  assert.equal(before.length, 2);
  assert.equal((await t.berth(['rm', '-v', 'vols'])).code, 0);
  assert.equal((await t.berth(['volume', 'ls', '-q'])).stdout, 'keepme\n');
  await t.berth(['volume', 'rm', 'keepme']);
});

test('an image of 120 layers loads and runs, the top layer winning', async () => {
  const layers: Buffer[] = [];
  for (let i = 1; i <= 120; i++) layers.push(await tarOf({ [`l${i}`]: `${i}\n`, top: `${i}\n` }));
  const base = fs.readFileSync(busyboxTarPath());
  const all = [base, ...layers];
  const diffIds = all.map((l) => sha256Digest(l));
  const config = {
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['cat', '/top'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
  };
  const configJson = Buffer.from(JSON.stringify(config));
  const configName = `${sha256Digest(configJson).slice(7)}.json`;
  const entries: TarFileEntry[] = [{ name: configName, type: 'file', data: configJson }];
  const layerNames = all.map((l, i) => {
    const name = `layer${i}/layer.tar`;
    entries.push({ name, type: 'file', data: l });
    return name;
  });
  entries.push({
    name: 'manifest.json',
    type: 'file',
    data: Buffer.from(JSON.stringify([{ Config: configName, RepoTags: ['tall:120'], Layers: layerNames }])),
  });
  const archive = path.join(work, 'tall.tar');
  fs.writeFileSync(archive, await writeTar(entries));
  const l = await t.berth(['load', '-i', archive]);
  assert.equal(l.code, 0, l.stderr);
  const r = await t.berth(['run', '--rm', 'tall:120']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '120\n');
  const count = await t.berth(['run', '--rm', 'tall:120', 'sh', '-c', 'ls / | grep -c "^l[0-9]"']);
  assert.equal(count.stdout, '120\n');
});

test('ps, rm and run racing neither error nor corrupt the store', async () => {
  const jobs: Array<Promise<{ code: number; stderr: string }>> = [];
  for (let i = 0; i < 8; i++) {
    jobs.push(t.berth(['run', '--name', `race${i}`, 'busybox', 'true']));
    jobs.push(t.berth(['ps', '-a']));
  }
  const results = await Promise.all(jobs);
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const rms = await Promise.all([
    ...Array.from({ length: 8 }, (_, i) => t.berth(['rm', `race${i}`])),
    t.berth(['ps', '-a']),
    t.berth(['run', '--rm', 'busybox', 'true']),
    t.berth(['ps', '-a']),
  ]);
  for (const r of rms) assert.equal(r.code, 0, r.stderr);
  assert.equal((await t.berth(['ps', '-aq'])).stdout, '');
});

test('kill -9 of berth during rm leaves a container a second rm removes', async () => {
  for (const delay of [20, 60, 120]) {
    await t.berth(['run', '-d', '--name', `victim${delay}`, 'busybox', 'sleep', '60']);
    const rm = spawn(BERTH_BIN, ['rm', '-f', `victim${delay}`], { env: t.env, stdio: 'ignore' });
    const closed = new Promise((r) => rm.on('close', r));
    await new Promise((r) => setTimeout(r, delay));
    rm.kill('SIGKILL');
    await closed;
    const ps = await t.berth(['ps', '-a']);
    assert.equal(ps.code, 0, ps.stderr);
    const again = await t.berth(['rm', '-f', `victim${delay}`]);
    assert.ok(again.code === 0 || /No such container/.test(again.stderr), again.stderr);
  }
  assert.equal((await t.berth(['ps', '-aq'])).stdout, '');
  const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  assert.doesNotMatch(mounts, new RegExp(t.root), 'no container rootfs left mounted');
});

test('device nodes shipped in an image are not usable inside the container', async () => {
  const st = fs.statSync(fs.existsSync('/dev/vda') ? '/dev/vda' : '/dev/mem');
  const major = Math.floor(st.rdev / 256);
  const minor = st.rdev % 256;
  const { default: tarStream } = await import('tar-stream');
  const pack = tarStream.pack();
  pack.entry({ name: 'hostdisk', type: st.isBlockDevice() ? 'block-device' : 'character-device', devmajor: major, devminor: minor, mode: 0o666 });
  pack.entry({ name: 'mem', type: 'character-device', devmajor: 1, devminor: 1, mode: 0o666 });
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const devTar = path.join(work, 'devs.tar');
  fs.writeFileSync(devTar, Buffer.concat(chunks));
  assert.equal((await t.berth(['import', devTar, 'devs:1'])).code, 0);
  // a layer of its own on top of busybox: the device files exist in the image…
  const base = fs.readFileSync(busyboxTarPath());
  const config = {
    architecture: 'amd64',
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: [sha256Digest(base), sha256Digest(Buffer.concat(chunks))] },
  };
  const configJson = Buffer.from(JSON.stringify(config));
  const archive = path.join(work, 'devimg.tar');
  fs.writeFileSync(
    archive,
    await writeTar([
      { name: 'c.json', type: 'file', data: configJson },
      { name: 'base/layer.tar', type: 'file', data: base },
      { name: 'devs/layer.tar', type: 'file', data: Buffer.concat(chunks) },
      {
        name: 'manifest.json',
        type: 'file',
        data: Buffer.from(JSON.stringify([{ Config: 'c.json', RepoTags: ['devimg:1'], Layers: ['base/layer.tar', 'devs/layer.tar'] }])),
      },
    ]),
  );
  assert.equal((await t.berth(['load', '-i', archive])).code, 0);
  const r = await t.berth([
    'run',
    '--rm',
    'devimg:1',
    'sh',
    '-c',
    'ls -l /hostdisk /mem; head -c 16 /hostdisk >/dev/null && echo READ-DISK; head -c 16 /mem >/dev/null && echo READ-MEM; echo done',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /hostdisk/);
  // …but the devices cgroup refuses to open them
  assert.doesNotMatch(r.stdout, /READ-DISK|READ-MEM/);
  assert.match(r.stdout, /done/);
});
