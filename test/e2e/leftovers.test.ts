import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestEnv, BERTH_BIN, type TestEnv } from '../../src/testkit/berth-cli.js';
import { readProcStartTime } from '../../src/core/runtime/process-util.js';

// What killed operations leave (issue 12, item 6): every temporary has an owner; once the owner
// is gone, `system df` counts it and `builder prune` / `system prune` reclaim it and say so; a
// temporary whose owner still runs is never touched.
let t: TestEnv;
let work: string;

before(async () => {
  t = makeTestEnv();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-leftovers-'));
  await t.importBusybox();
});

after(async () => {
  await t.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

function isMounted(p: string): boolean {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[4] === p);
}

/** docker's human sizes (decimal units) back to bytes. */
function bytesOf(s: string): number {
  const m = /^([\d.]+)(B|kB|MB|GB)$/.exec(s.trim());
  assert.ok(m, `a size: ${s}`);
  return Number(m[1]) * { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[m[2] as 'B' | 'kB' | 'MB' | 'GB'];
}

async function dfSizes(): Promise<Record<string, { size: number; reclaimable: number }>> {
  const r = await t.berth(['system', 'df', '--format', '{{.Type}}\t{{.Size}}\t{{.Reclaimable}}']);
  assert.equal(r.code, 0, r.stderr);
  const out: Record<string, { size: number; reclaimable: number }> = {};
  for (const line of r.stdout.trim().split('\n')) {
    const [type, size, recl] = line.split('\t') as [string, string, string];
    out[type] = { size: bytesOf(size), reclaimable: bytesOf(recl.replace(/ \(.*\)$/, '')) };
  }
  return out;
}

function fill(file: string, bytes: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, randomBytes(bytes));
}

const MB = 1e6;

test('temporaries of killed builds and pulls are counted by system df and reclaimed by builder prune and system prune; live ones stay', async () => {
  const tmp = path.join(t.root, 'tmp');
  const layers = path.join(t.root, 'layers');

  // a build killed with -9 in a RUN step: its overlay view of busybox is mounted and its RUN
  // mount (rw, so a copy) is on disk
  const ctxDir = path.join(work, 'ctx');
  fs.mkdirSync(ctxDir);
  fs.writeFileSync(path.join(ctxDir, 'Containerfile'), 'FROM busybox\nRUN --mount=type=bind,from=busybox,target=/mnt,rw sleep 5\n');
  const build = spawn(BERTH_BIN, ['build', ctxDir], { env: t.env, stdio: 'ignore' });
  const closed = new Promise((r) => build.on('close', r));
  let view: string | undefined;
  let scratch: string | undefined;
  for (let i = 0; i < 600 && !(view && scratch); i++) {
    await new Promise((r) => setTimeout(r, 50));
    const names = fs.existsSync(tmp) ? fs.readdirSync(tmp) : [];
    const v = names.find((n) => n.startsWith('build-view-'));
    const s = names.find((n) => n.startsWith('build-mounts-'));
    if (v && s && isMounted(path.join(tmp, v, 'merged')) && fs.existsSync(path.join(tmp, s, 'bind-0', 'bin', 'busybox'))) {
      view = path.join(tmp, v);
      scratch = path.join(tmp, s);
    }
  }
  assert.ok(view && scratch, 'the build reached its RUN step');
  assert.ok(build.pid);
  process.kill(build.pid, 'SIGKILL');
  await closed;
  assert.ok(isMounted(path.join(view, 'merged')), 'the killed build left its view mounted');

  // an exec whose berth was killed while its process ran: its work dir (process.json, runtime log)
  assert.equal((await t.berth(['run', '-d', '--name', 'holder', 'busybox', 'sleep', '1000'])).code, 0);
  const exec = spawn(BERTH_BIN, ['exec', 'holder', 'sleep', '5'], { env: t.env, stdio: 'ignore' });
  const execClosed = new Promise((r) => exec.on('close', r));
  let execDir: string | undefined;
  for (let i = 0; i < 600 && !execDir; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const n = fs.readdirSync(tmp).find((x) => x.startsWith('berth-exec-'));
    if (n && fs.existsSync(path.join(tmp, n, 'process.json'))) execDir = path.join(tmp, n);
  }
  assert.ok(execDir && exec.pid, 'the exec started');
  process.kill(exec.pid, 'SIGKILL');
  await execClosed;
  assert.ok(fs.existsSync(execDir), 'the killed exec left its work dir');

  // a killed pull's temp blob and unpack dir, named by an owner that is gone (a process that ran
  // and ended), and one of an older berth (pid only)
  const dead = spawnSync('true');
  assert.equal(dead.status, 0);
  const deadPid = dead.pid;
  fill(path.join(tmp, `blob-${deadPid}.4242-0123456789abcdef`), 3 * 1024 * 1024);
  fill(path.join(tmp, `blob-${deadPid}-00112233aabbccdd`), 1024 * 1024);
  fill(path.join(layers, `.tmp-${deadPid}.4242-fedcba9876543210`, 'diff', 'f'), 2 * 1024 * 1024);
  // and temporaries whose owner (this test process) is alive: never removed
  const me = `${process.pid}.${readProcStartTime(process.pid)}`;
  const liveBlob = path.join(tmp, `blob-${me}-aaaaaaaaaaaaaaaa`);
  const liveView = path.join(tmp, `build-view-${me}-bbbbbbbbbbbbbbbb`);
  fill(liveBlob, 1024 * 1024);
  fill(path.join(liveView, 'upper', 'x'), 1024 * 1024);

  // system df counts what is reclaimable: the build's copy (~2 MB of busybox), the pull's 6 MiB
  const df = await dfSizes();
  assert.ok(df['Build Cache'] && df['Build Cache'].reclaimable >= 1.5 * MB, JSON.stringify(df));
  assert.ok(df['Images'] && df['Images'].reclaimable >= 6 * MB, JSON.stringify(df));

  // builder prune reclaims the build's leftovers, unmounting its view, and reports the bytes
  const bp = await t.berth(['builder', 'prune', '-f']);
  assert.equal(bp.code, 0, bp.stderr);
  const total = /^Total:\s+(\S+)$/m.exec(bp.stdout)?.[1];
  assert.ok(total && bytesOf(total) >= 1.5 * MB, bp.stdout);
  assert.ok(!isMounted(path.join(view, 'merged')), 'the view is unmounted');
  assert.ok(!fs.existsSync(view) && !fs.existsSync(scratch), 'the build leftovers are gone');
  assert.ok(fs.existsSync(path.join(liveView, 'upper', 'x')), 'a live build view is kept');

  // system prune reclaims the pull's leftovers and counts them
  const sp = await t.berth(['system', 'prune', '-f']);
  assert.equal(sp.code, 0, sp.stderr);
  const reclaimed = /^Total reclaimed space: (\S+)$/m.exec(sp.stdout)?.[1];
  assert.ok(reclaimed && bytesOf(reclaimed) >= 6 * MB, sp.stdout);
  const leftNames = [...fs.readdirSync(tmp), ...fs.readdirSync(layers)];
  assert.deepEqual(
    leftNames.filter((n) => n.startsWith(`blob-${deadPid}`) || n.startsWith(`.tmp-${deadPid}`)),
    [],
    'the dead pull left nothing',
  );
  assert.ok(fs.existsSync(liveBlob), 'a blob being written by a live process is kept');
  assert.ok(!fs.existsSync(execDir), "the killed exec's work dir is gone");
  assert.equal((await t.berth(['rm', '-f', 'holder'])).code, 0);
  const after = await dfSizes();
  assert.ok(after['Images'] && after['Images'].reclaimable < 4 * MB, JSON.stringify(after));
  fs.rmSync(liveBlob);
  fs.rmSync(liveView, { recursive: true });
});
