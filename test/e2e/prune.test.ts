import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';

let t: TestEnv;
before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
});
after(async () => t.cleanup());

async function ok(args: string[]): Promise<string> {
  const r = await t.berth(args);
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function volumes(): Promise<string[]> {
  return (await ok(['volume', 'ls', '-q'])).split('\n').filter(Boolean).sort();
}

test('volume prune --filter removes only the unused volumes the labels select, and -a decides whether named ones count', async () => {
  await ok(['volume', 'create', '--label', 'drop=1', 'vdrop']);
  await ok(['volume', 'create', '--label', 'keep=1', 'vkeep']);
  await ok(['volume', 'create', '--label', 'drop=2', 'vdrop2']);
  // an anonymous volume (a container's, then the container goes without -v)
  const c = (await ok(['create', '-v', '/data', '--label', 'x=1', 'busybox', 'true'])).trim();
  const anon = (await ok(['inspect', '--format', '{{range .Mounts}}{{.Name}}{{end}}', c])).trim();
  assert.match(anon, /^[0-9a-f]{64}$/);
  await ok(['rm', c]);
  await ok(['volume', 'create', '--label', 'drop=1', 'vused']);
  const user = (await ok(['create', '-v', 'vused:/u', 'busybox', 'true'])).trim();

  // without -a: anonymous volumes only, so the named drop=1 volume stays
  const p0 = await ok(['volume', 'prune', '-f', '--filter', 'label=drop=1']);
  assert.doesNotMatch(p0, /vdrop/);
  assert.deepEqual(await volumes(), [anon, 'vdrop', 'vdrop2', 'vkeep', 'vused'].sort());

  // -a with label=drop=1: vdrop goes; keep=1, drop=2, the anonymous one (no label) and the used one stay
  const p1 = await ok(['volume', 'prune', '-a', '-f', '--filter', 'label=drop=1']);
  assert.match(p1, /^Deleted Volumes:\nvdrop\n\n/);
  assert.deepEqual(await volumes(), [anon, 'vdrop2', 'vkeep', 'vused'].sort());

  // all=true is -a; label!=keep spares vkeep; label=drop (any value) with it
  const p2 = await ok(['volume', 'prune', '-f', '--filter', 'all=true', '--filter', 'label=drop', '--filter', 'label!=keep']);
  assert.match(p2, /vdrop2/);
  assert.deepEqual(await volumes(), [anon, 'vkeep', 'vused'].sort());

  // filters docker does not take for volume prune are refused, and nothing is removed
  for (const bad of ['name=vkeep', 'dangling=true', 'until=1h', 'driver=local', 'all=maybe']) {
    const r = await t.berth(['volume', 'prune', '-a', '-f', '--filter', bad]);
    assert.notEqual(r.code, 0, bad);
    assert.match(r.stderr, /invalid filter/);
  }
  assert.deepEqual(await volumes(), [anon, 'vkeep', 'vused'].sort());

  // no filter, without -a: the anonymous one only
  const p3 = await ok(['volume', 'prune', '-f']);
  assert.match(p3, new RegExp(`^Deleted Volumes:\\n${anon}\\n`));
  assert.deepEqual(await volumes(), ['vkeep', 'vused']);
  await ok(['rm', user]);
  await ok(['volume', 'rm', 'vkeep', 'vused']);
});

test('system prune --volumes applies the label filters to volumes and refuses until= with them', async () => {
  const c1 = (await ok(['create', '-v', '/a', '--label', 'tier=web', 'busybox', 'true'])).trim();
  const c2 = (await ok(['create', '-v', '/b', 'busybox', 'true'])).trim();
  const va = (await ok(['inspect', '--format', '{{range .Mounts}}{{.Name}}{{end}}', c1])).trim();
  const vb = (await ok(['inspect', '--format', '{{range .Mounts}}{{.Name}}{{end}}', c2])).trim();
  await ok(['rm', c1, c2]);
  const r = await t.berth(['system', 'prune', '-f', '--volumes', '--filter', 'until=1h']);
  // docker's CLI refuses it itself, as a plain error: exit 1
  assert.equal(r.code, 1);
  assert.match(r.stderr, /the "until" filter is not supported with "--volumes"/);
  assert.deepEqual(await volumes(), [va, vb].sort());
  // anonymous volumes carry no labels of their own: label!=tier selects both, label=tier none
  await ok(['system', 'prune', '-f', '--volumes', '--filter', 'label=tier']);
  assert.deepEqual(await volumes(), [va, vb].sort());
  await ok(['system', 'prune', '-f', '--volumes', '--filter', 'label!=tier']);
  assert.deepEqual(await volumes(), []);
});

test('system df and system df -v count the build cache the same way (one computation), not a fixed 0B', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(t.root, 'ctx-'));
  fs.writeFileSync(
    path.join(dir, 'Containerfile'),
    'FROM busybox\nRUN --mount=type=cache,target=/c,id=dfcount head -c 300000 /dev/zero > /c/blob && echo made > /made\n',
  );
  await ok(['build', '-t', 'dfcount', dir]);
  const row = (await ok(['system', 'df', '--format', '{{.Type}}|{{.TotalCount}}|{{.Size}}'])).split('\n').find((l) => l.startsWith('Build Cache|'));
  const [, count, size] = (row ?? '').split('|');
  assert.notEqual(size, '0B');
  assert.match(size ?? '', /^\d+(\.\d+)?[kM]B$/);
  const v = await ok(['system', 'df', '-v']);
  const usage = /^Build cache usage: (\S+)$/m.exec(v);
  assert.equal(usage?.[1], size);
  const table = v.slice(v.indexOf('Build cache usage:')).split('\n').slice(2).filter(Boolean);
  assert.match(table[0] ?? '', /^CACHE ID\s+CACHE TYPE\s+SIZE\s+CREATED\s+LAST USED\s+SHARED$/);
  assert.equal(table.length - 1, Number(count));
  assert.ok(
    table.some((l) => /^\S+\s+exec\.cachemount\s+300kB\s/.test(l)),
    table.join('\n'),
  );
  await ok(['builder', 'prune', '-f']);
  assert.match(await ok(['system', 'df', '-v']), /^Build cache usage: 0B$/m);
  await ok(['rmi', 'dfcount']);
});
