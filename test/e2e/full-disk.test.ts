import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';

// A store on a small filesystem that a container fills to ENOSPC, then emptied with berth
// commands only (issue 12, item 2): reading and removing must work on a full disk, and the run
// that filled it keeps its exit code.
const SIZE_MIB = 48;
let t: TestEnv;

function free(): number {
  const st = fs.statfsSync(t.root);
  return st.bavail * st.bsize;
}

const MiB = 1024 * 1024;

before(async () => {
  t = makeTestEnv();
  // the storage root itself is the small filesystem: containers' upper dirs are inside it
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_MIB}m,mode=0700`, 'berth-full-disk-test', t.root], { encoding: 'utf8' });
  assert.equal(m.status, 0, m.stderr);
  await t.importBusybox();
});

after(async () => {
  await t.cleanup(); // unmounts everything under the root, the tmpfs last
});

async function ok(args: string[]): Promise<string> {
  const r = await t.berth(args, { timeoutMs: 60_000 });
  assert.equal(r.code, 0, `berth ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /disk is full|disk I\/O error/);
  return r.stdout;
}

/** Run a container that writes zeros until the filesystem is full; dd exits 1 then. */
async function fill(name: string, extra: string[] = []): Promise<void> {
  const r = await t.berth(['run', '--name', name, ...extra, 'busybox', 'dd', 'if=/dev/zero', 'of=/fill', 'bs=1M'], { timeoutMs: 60_000 });
  assert.match(r.stderr, /No space left on device/, 'the container filled the disk');
  // the run that filled the disk returns, with its container's exit code
  assert.equal(r.code, 1, r.stderr);
  assert.ok(free() < 6 * MiB, `the filesystem is (nearly) full: ${free()} bytes free`);
}

test('a store on a full disk can be read, its containers and images removed, and the space freed', async () => {
  await ok(['run', '-d', '--name', 'sleeper', 'busybox', 'sleep', '1000']);
  // a second image, 4 MiB bigger than busybox, for rmi on a full disk
  await ok(['run', '--name', 'mk', 'busybox', 'dd', 'if=/dev/urandom', 'of=/big', 'bs=1M', 'count=4']);
  await ok(['commit', 'mk', 'big:1']);
  await ok(['rm', 'mk']);

  await fill('filler');
  // reading works and tells the truth
  const ps = await ok(['ps', '-a', '--format', '{{.Names}} {{.State}}']);
  assert.match(ps, /^filler exited$/m);
  assert.match(ps, /^sleeper running$/m);
  assert.match(await ok(['images', '--format', '{{.Repository}}:{{.Tag}}']), /busybox:latest/);
  assert.equal((await ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'filler'])).trim(), 'exited 1');
  // the exited container is not active: only sleeper is
  const df = await ok(['system', 'df', '--format', '{{.Type}} {{.TotalCount}} {{.Active}}']);
  assert.match(df, /^Containers 2 1$/m);

  // rm of the container that filled the disk gives the space back
  const before1 = free();
  await ok(['rm', 'filler']);
  assert.ok(free() > before1 + 25 * MiB, `rm freed the space: ${before1} -> ${free()}`);

  // container prune on a full disk
  await fill('filler2');
  const before2 = free();
  const pruned = await ok(['container', 'prune', '-f']);
  assert.match(pruned, /Total reclaimed space: [1-9]/);
  assert.ok(free() > before2 + 25 * MiB, `container prune freed the space: ${before2} -> ${free()}`);

  // rm -f of a running container that filled the disk and still runs
  const r = await t.berth(['run', '-d', '--name', 'filler3', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/fill bs=1M; sleep 1000'], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  for (let i = 0; i < 100 && free() > 6 * MiB; i++) await new Promise((res) => setTimeout(res, 100));
  assert.ok(free() < 6 * MiB, 'filler3 filled the disk');
  assert.match(await ok(['ps', '--format', '{{.Names}}']), /^filler3$/m);
  const before3 = free();
  await ok(['rm', '-f', 'filler3']);
  assert.ok(free() > before3 + 25 * MiB, `rm -f freed the space: ${before3} -> ${free()}`);

  // rmi and system prune -af on a full disk
  await fill('filler4');
  const before4 = free();
  await ok(['rmi', 'big:1']);
  assert.ok(free() > before4 + 3 * MiB, `rmi freed the image's layer: ${before4} -> ${free()}`);
  await fill('filler5');
  await ok(['rm', '-f', 'sleeper']);
  const before5 = free();
  const sp = await ok(['system', 'prune', '-af']);
  assert.match(sp, /Total reclaimed space: [1-9]/);
  assert.ok(free() > before5 + 25 * MiB, `system prune -af freed the space: ${before5} -> ${free()}`);
  assert.equal((await ok(['ps', '-aq'])).trim(), '');
  assert.equal((await ok(['images', '-q'])).trim(), '');
});

test('with no reserve left and not a byte free, the store can still be read and a container removed to free space', async () => {
  await t.importBusybox();
  await ok(['run', '--name', 'big', 'busybox', 'dd', 'if=/dev/zero', 'of=/big', 'bs=1M', 'count=10']);
  // a store made before reserves (or one whose reserve is spent), filled to the last byte from outside
  fs.rmSync(`${t.root}/.reserve`, { force: true });
  const hog = `${t.root}/hog`;
  const fd = fs.openSync(hog, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (e) {
    assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    fs.closeSync(fd);
  }
  assert.ok(free() < 64 * 1024, `full: ${free()} bytes free`);
  try {
    assert.match(await ok(['ps', '-a', '--format', '{{.Names}} {{.Status}}']), /^big Exited \(0\)/m);
    assert.match(await ok(['images', '--format', '{{.Repository}}']), /busybox/);
    assert.equal((await ok(['inspect', '-f', '{{.State.ExitCode}}', 'big'])).trim(), '0');
    const before = free();
    await ok(['rm', 'big']);
    // berth takes its reserve back from what the removal freed
    const reserve = fs.statSync(`${t.root}/.reserve`, { throwIfNoEntry: false })?.size ?? 0;
    assert.ok(free() + reserve > before + 9 * MiB, `rm freed the space: ${before} -> ${free()} + ${reserve}`);
    assert.equal((await ok(['ps', '-aq'])).trim(), '');
  } finally {
    fs.rmSync(hog, { force: true });
  }
});
