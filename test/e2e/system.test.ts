import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';

let t: TestEnv;
before(async () => {
  t = makeTestEnv();
});
after(async () => t.cleanup());

test('info reads the backing filesystem and d_type support of the storage root from the host', async () => {
  const onShm = fs.mkdtempSync('/dev/shm/berth-info-');
  try {
    const fmt = '{{range .DriverStatus}}{{index . 0}}={{index . 1}};{{end}}';
    const tmpfs = await t.berth(['--root', onShm, 'info', '--format', fmt]);
    assert.equal(tmpfs.code, 0, tmpfs.stderr);
    assert.equal(tmpfs.stdout, 'Backing Filesystem=tmpfs;Supports d_type=true;\n');
    const text = await t.berth(['--root', onShm, 'info']);
    assert.match(text.stdout, /^ Storage Driver: overlay\n {2}Backing Filesystem: tmpfs\n {2}Supports d_type: true$/m);
    // nothing of the d_type probe is left in the root
    assert.deepEqual(
      fs.readdirSync(onShm).filter((f) => f.startsWith('.d_type')),
      [],
    );
  } finally {
    fs.rmSync(onShm, { recursive: true, force: true });
  }
});

test("info's MemoryLimit, PidsLimit and CPU CFS flags say what the host's cgroups have", async () => {
  const r = await t.berth(['info', '--format', '{{.CgroupVersion}} {{.MemoryLimit}} {{.PidsLimit}} {{.CpuCfsQuota}}']);
  assert.equal(r.code, 0, r.stderr);
  const [version, memory, pids, cfs] = r.stdout.trim().split(' ');
  const v1 = version === '1';
  const controllers = v1 ? [] : fs.readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').split(/\s+/);
  assert.equal(memory, String(v1 ? fs.existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes') : controllers.includes('memory')));
  assert.equal(pids, String(v1 ? fs.existsSync('/sys/fs/cgroup/pids/cgroup.procs') : controllers.includes('pids')));
  assert.equal(cfs, String(v1 ? fs.existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us') : controllers.includes('cpu')));
});

test("--log-level is one of docker's levels; error and fatal hide warnings, warn (the default), info and debug show them", async () => {
  const warning = /^WARNING: Ignoring custom format, because both --format and --quiet are set\.$/m;
  const ps = ['ps', '-q', '--format', '{{.ID}}'];
  assert.match((await t.berth(ps)).stderr, warning);
  for (const l of ['debug', 'info', 'warn']) {
    const r = await t.berth(['--log-level', l, ...ps]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, warning, l);
  }
  for (const l of ['error', 'fatal']) {
    const r = await t.berth([`--log-level=${l}`, ...ps]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', l);
  }
  const bad = await t.berth(['--log-level', 'loud', 'ps']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /unable to parse logging level: loud/);
  assert.equal(bad.stdout, '');
});

test("history -H=false prints sizes in bytes and dates in RFC 3339, as docker's; -H (the default) human ones", async () => {
  await t.importBusybox();
  const bytes = (await t.berth(['image', 'inspect', '--format', '{{.Size}}', 'busybox'])).stdout.trim();
  assert.match(bytes, /^\d{6,}$/);
  for (const flag of ['-H=false', '--human=false']) {
    const raw = await t.berth(['history', flag, '--format', '{{.CreatedSince}}|{{.Size}}', 'busybox']);
    assert.equal(raw.code, 0, raw.stderr);
    assert.match(raw.stdout, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)\\|${bytes}\\n$`), flag);
  }
  const human = await t.berth(['history', '--format', '{{.CreatedSince}}|{{.Size}}|{{.CreatedAt}}', 'busybox']);
  assert.match(human.stdout, /^(\d+ \w+|Less than a second|About an? \w+) ago\|\d+(\.\d+)?[kM]B\|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)\n$/);
  assert.equal((await t.berth(['history', '-H', '--format', '{{.Size}}', 'busybox'])).stdout, `${human.stdout.split('|')[1]}\n`);
});

test("run --disable-content-trust is docker's default; =false asks for verification berth cannot do and is refused", async () => {
  await t.importBusybox();
  const okRun = await t.berth(['run', '--rm', '--disable-content-trust', 'busybox', 'true']);
  assert.equal(okRun.code, 0, okRun.stderr);
  const before = (await t.berth(['ps', '-aq'])).stdout;
  for (const cmd of ['run', 'create']) {
    const r = await t.berth([cmd, '--disable-content-trust=false', 'busybox', 'true']);
    assert.equal(r.code, 125, cmd);
    assert.match(r.stderr, /--disable-content-trust=false: berth does no content trust/);
  }
  assert.equal((await t.berth(['ps', '-aq'])).stdout, before);
});
