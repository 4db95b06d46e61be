import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BERTH_BIN, busyboxTarPath, makeTestEnv, type RunResult, type TestEnv } from '../../src/testkit/berth-cli.js';
import { makeTar } from '../../src/core/snapshots/_tar-fixture.js';
import { parseSubIds } from '../../src/core/rootless/id-map.js';
import { startRegistry } from '../../src/testkit/registry.js';

/**
 * Rootless berth end to end, as a real unprivileged user that this file makes (useradd gives it
 * a /etc/subuid and /etc/subgid range) and removes again with everything it started (by pid).
 * berth runs as that user through runuser, with a clean environment: no BERTH_ROOT, no
 * XDG_RUNTIME_DIR, so the user's defaults (~/.local/share/berth, /tmp/berth-UID) are used.
 */
const USER = `brl${randomBytes(3).toString('hex')}`;
const HOME = `/home/${USER}`;
let uid = 0;
let gid = 0;
let subStart = 0;
let root: TestEnv;
/** a second user without subordinate ids: the single-id mapping */
const USER2 = `${USER}s`;
let uid2 = 0;

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** berth as the user, from its home, with the environment a login would give it. */
function ub(args: string[], opts: { timeoutMs?: number; env?: Record<string, string>; user?: string } = {}): Promise<RunResult> {
  const user = opts.user ?? USER;
  const home = `/home/${user}`;
  const env = [
    `HOME=${home}`,
    `USER=${user}`,
    `LOGNAME=${user}`,
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ...Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('runuser', ['-u', user, '--', 'env', '-i', ...env, BERTH_BIN, ...args], { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 255, stdout, stderr });
    });
  });
}

async function ok(args: string[]): Promise<string> {
  const r = await ub(args);
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Every directory above the worktree's berth must let others through (o+x), or the user cannot run it. */
function letOthersThrough(file: string): void {
  for (let d = path.dirname(path.resolve(file)); d !== '/'; d = path.dirname(d)) {
    const mode = fs.statSync(d).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o001);
  }
}

/** Processes of the user, and of its subordinate ids (its containers' other users). */
function userProcesses(): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const m = /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${d}/status`, 'utf8'));
      const u = Number(m?.[1]);
      if (u === uid || u === uid2 || (u >= subStart && u < subStart + 65536)) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/index.html', timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

before(async () => {
  sh('useradd', ['-m', '-s', '/bin/sh', USER]);
  uid = Number(sh('id', ['-u', USER]).trim());
  gid = Number(sh('id', ['-g', USER]).trim());
  const ranges = parseSubIds(fs.readFileSync('/etc/subuid', 'utf8'), USER, uid);
  assert.ok(ranges.length > 0, 'useradd gave the user a subordinate uid range');
  subStart = (ranges[0] as { start: number }).start;
  letOthersThrough(BERTH_BIN);
  // slirp4netns opens /dev/net/tun as the user: some VMs ship it 0600 (setup.sh makes it 0666 too)
  if ((fs.statSync('/dev/net/tun').mode & 0o777) !== 0o666) fs.chmodSync('/dev/net/tun', 0o666);
  // the busybox image tar, where the user can read it
  fs.copyFileSync(busyboxTarPath(), path.join(HOME, 'busybox.tar'));
  fs.chownSync(path.join(HOME, 'busybox.tar'), uid, gid);
  root = makeTestEnv();
  await root.importBusybox('rootonly:latest');
  sh('useradd', ['-m', '-s', '/bin/sh', USER2]);
  uid2 = Number(sh('id', ['-u', USER2]).trim());
  for (const [file, flag] of [
    ['/etc/subuid', '--del-subuids'],
    ['/etc/subgid', '--del-subgids'],
  ] as const) {
    for (const r of parseSubIds(fs.readFileSync(file, 'utf8'), USER2, uid2)) sh('usermod', [flag, `${r.start}-${r.start + r.count - 1}`, USER2]);
  }
  fs.copyFileSync(busyboxTarPath(), `/home/${USER2}/busybox.tar`);
  fs.chownSync(`/home/${USER2}/busybox.tar`, uid2, uid2);
});

after(async () => {
  try {
    const ids = (await ub(['ps', '-aq', '--no-trunc'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await ub(['rm', '-f', ...ids]);
  } finally {
    // whatever the user still runs (the pause process, conmons, slirp4netns, exit hooks), by pid
    for (let i = 0; i < 50; i++) {
      const left = userProcesses();
      if (left.length === 0) break;
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const [u, id] of [
      [USER, uid],
      [USER2, uid2],
    ] as const) {
      spawnSync('userdel', ['-r', '-f', u]);
      fs.rmSync(`/home/${u}`, { recursive: true, force: true });
      if (id > 0) fs.rmSync(`/tmp/berth-${id}`, { recursive: true, force: true });
    }
    await root.cleanup();
  }
});

test('an ordinary user gets a store of its own under ~/.local/share/berth and run state in a private /tmp dir', async () => {
  assert.match(await ok(['import', 'busybox.tar', 'busybox:latest']), /^sha256:[0-9a-f]{64}\n$/);
  const store = path.join(HOME, '.local/share/berth');
  assert.equal(fs.statSync(path.join(store, 'berth.db')).uid, uid);
  const run = fs.statSync(`/tmp/berth-${uid}`);
  assert.equal(run.uid, uid);
  assert.equal(run.mode & 0o777, 0o700);
  // the user's namespace is held by a pause process of the user's, which later commands enter
  // straight from bin/berth (the enter file names it)
  const [pausePid, , , who] = fs.readFileSync(`/tmp/berth-${uid}/enter`, 'utf8').split('\n')[0]?.split(' ') ?? [];
  assert.equal(who, `${uid}:${gid}:${USER}`);
  assert.match(fs.readFileSync(`/proc/${pausePid}/status`, 'utf8'), new RegExp(`^Uid:\\s+${uid}\\s`, 'm'));
  assert.notEqual(fs.readlinkSync(`/proc/${pausePid}/ns/user`), fs.readlinkSync('/proc/self/ns/user'));
  // the layer's files are root's inside, so the user's on the host
  const layers = fs.readdirSync(path.join(store, 'layers'));
  assert.ok(layers.length > 0);
  assert.equal(fs.statSync(path.join(store, 'layers', layers[0] as string, 'diff/bin/busybox')).uid, uid);
});

test('berth info shows rootless mode, the id mappings, the network helper and that limits are unavailable', async () => {
  const out = await ok(['info']);
  assert.match(out, /^ Rootless: true$/m);
  assert.match(out, new RegExp(`^  UID Map: 0:${uid}:1 1:${subStart}:65536 `, 'm'));
  assert.match(out, /^  Network Helper: slirp4netns /m);
  assert.match(out, /^  Resource Limits: unavailable: an ordinary user gets no cgroup of its own on a cgroup v1 host/m);
  assert.match(out, new RegExp(`^ Storage Root: ${HOME}/\\.local/share/berth$`, 'm'));
});

test('run --rm: root inside, the user outside', async () => {
  const out = await ok(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'id; cat /proc/self/uid_map']);
  assert.match(out, /^uid=0\(root\) gid=0\(root\)/);
  assert.match(out, new RegExp(`^\\s+0\\s+${uid}\\s+1$`, 'm'));
  assert.match(out, new RegExp(`^\\s+1\\s+${subStart}\\s+65536$`, 'm'));
  // nothing of it is left: no runtime state (removed without a runtime process), no mount
  assert.deepEqual(fs.readdirSync(`/tmp/berth-${uid}/runtime`), []);
  assert.deepEqual(fs.readdirSync(path.join(HOME, '.local/share/berth/containers')), []);
});

test('run -d, logs, exec, stop and rm; the container process is the user on the host', async () => {
  await ok(['run', '-d', '--name', 'bg', '--network', 'none', 'busybox', 'sh', '-c', 'echo started; exec sleep 300']);
  const pid = Number((await ok(['inspect', '-f', '{{.State.Pid}}', 'bg'])).trim());
  assert.ok(pid > 0);
  assert.match(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), new RegExp(`^Uid:\\s+${uid}\\s`, 'm'));
  for (let i = 0; i < 50 && !(await ub(['logs', 'bg'])).stdout.includes('started'); i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await ok(['logs', 'bg']), 'started\n');
  assert.equal(await ok(['exec', 'bg', 'sh', '-c', 'echo from-exec; id -u']), 'from-exec\n0\n');
  await ok(['stop', '-t', '1', 'bg']);
  assert.match(await ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'bg']), /^exited 137\n$/);
  assert.equal(fs.existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8')), false);
  await ok(['rm', 'bg']);
  assert.equal(await ok(['ps', '-aq']), '');
});

test('a bind mount: files made by container root are the user own, by another container user a subordinate id', async () => {
  const data = path.join(HOME, 'data');
  fs.mkdirSync(data);
  fs.chownSync(data, uid, gid);
  fs.chmodSync(data, 0o777);
  await ok(['run', '--rm', '--network', 'none', '-v', `${data}:/data`, 'busybox', 'touch', '/data/by-root']);
  await ok(['run', '--rm', '--network', 'none', '--user', '1000:1000', '-v', `${data}:/data`, 'busybox', 'touch', '/data/by-1000']);
  const st = (f: string) => fs.statSync(path.join(data, f));
  assert.deepEqual([st('by-root').uid, st('by-root').gid], [uid, gid]);
  assert.equal(st('by-1000').uid, subStart + 999);
  // and the user's own file is root's inside
  fs.writeFileSync(path.join(data, 'mine'), 'x');
  fs.chownSync(path.join(data, 'mine'), uid, gid);
  assert.match(await ok(['run', '--rm', '--network', 'none', '-v', `${data}:/data`, 'busybox', 'stat', '-c', '%u', '/data/mine']), /^0\n$/);
});

test('--userns=keep-id: the user own uid inside, and files in a bind mount stay the user own', async () => {
  const data = path.join(HOME, 'keep');
  fs.mkdirSync(data);
  fs.chownSync(data, uid, gid);
  const out = await ok([
    'run',
    '--rm',
    '--network',
    'none',
    '--userns=keep-id',
    '-v',
    `${data}:/data`,
    'busybox',
    'sh',
    '-c',
    'id -u; id -g; touch /data/made-inside',
  ]);
  assert.equal(out, `${uid}\n${gid}\n`);
  const made = fs.statSync(path.join(data, 'made-inside'));
  assert.deepEqual([made.uid, made.gid], [uid, gid]);
  // the image's files keep their owners inside (root's stay root's, 1000's stay 1000's), as
  // podman's keep-id shows them; the user has a passwd and group entry and $HOME
  await ok(['run', '--name', 'kid', '--network', 'none', 'busybox', 'sh', '-c', 'echo x > /f1000; chown 1000:1000 /f1000']);
  await ok(['commit', 'kid', 'kidimg']);
  await ok(['rm', 'kid']);
  const inside = await ok([
    'run',
    '--rm',
    '--network',
    'none',
    '--userns=keep-id',
    'kidimg',
    'sh',
    '-c',
    `stat -c "%u:%g %n" / /bin/busybox /etc/passwd /f1000; echo "HOME=$HOME"; id -un; grep "^${USER}:" /etc/passwd /etc/group`,
  ]);
  assert.equal(
    inside,
    [
      '0:0 /',
      '0:0 /bin/busybox',
      '0:0 /etc/passwd',
      '1000:1000 /f1000',
      `HOME=${HOME}`,
      USER,
      `/etc/passwd:${USER}:*:${uid}:${gid}:${USER}:${HOME}:/bin/sh`,
      `/etc/group:${USER}:x:${gid}:`,
      '',
    ].join('\n'),
  );
  // the image's own layers are untouched: a container without keep-id sees the same owners
  assert.equal(await ok(['run', '--rm', '--network', 'none', 'kidimg', 'stat', '-c', '%u:%g', '/f1000', '/bin/busybox']), '1000:1000\n0:0\n');
  // commit and export carry the owners the keep-id container sees
  await ok([
    'run',
    '--name',
    'kid2',
    '--network',
    'none',
    '--userns=keep-id',
    '--user',
    '0',
    'kidimg',
    'sh',
    '-c',
    `echo r > /by-root; echo u > /by-user; chown ${uid}:${gid} /by-user; echo t > /by-1000; chown 1000:1000 /by-1000`,
  ]);
  await ok(['commit', 'kid2', 'kidcommitted']);
  assert.equal(
    await ok(['run', '--rm', '--network', 'none', 'kidcommitted', 'stat', '-c', '%u:%g %n', '/by-root', '/by-user', '/by-1000', '/f1000']),
    `0:0 /by-root\n${uid}:${gid} /by-user\n1000:1000 /by-1000\n1000:1000 /f1000\n`,
  );
  const exported = spawnSync('runuser', ['-u', USER, '--', 'env', '-i', `HOME=${HOME}`, 'PATH=/usr/bin:/bin', BERTH_BIN, 'export', 'kid2'], {
    cwd: HOME,
    maxBuffer: 64 << 20,
  });
  assert.equal(exported.status, 0, String(exported.stderr));
  const listing = spawnSync('tar', ['-tvf', '-', '--numeric-owner'], { input: exported.stdout, encoding: 'utf8' }).stdout;
  assert.match(listing, /^-\S+ 0\/0 .* by-root$/m);
  assert.match(listing, new RegExp(`^-\\S+ ${uid}/${gid} .* by-user$`, 'm'));
  assert.match(listing, /^-\S+ 1000\/1000 .* f1000$/m);
  assert.match(listing, /^-\S+ 0\/0 .* bin\/busybox$/m);
  await ok(['rm', 'kid2']);
  await ok(['rmi', 'kidimg', 'kidcommitted']);
  // root refuses it: it is a rootless mode
  const r = await root.berth(['run', '--rm', '--userns=keep-id', 'rootonly', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /keep-id is for rootless berth/);
});

test('--network host and the default network (slirp4netns) with a published port answering on the host', async () => {
  assert.equal(await ok(['run', '--rm', '--network', 'host', 'busybox', 'hostname']), `${os.hostname()}\n`);
  assert.match(await ok(['run', '--rm', 'busybox', 'ip', '-4', 'addr', 'show', 'tap0']), /inet 10\.0\.2\.100\/24/);
  const port = await freePort();
  await ok(['run', '-d', '--name', 'web', '-p', `${port}:8080`, 'busybox', 'sh', '-c', 'echo hello-rootless > /tmp/index.html; exec httpd -f -p 8080 -h /tmp']);
  let body = '';
  for (let i = 0; i < 50 && body === ''; i++) {
    body = await httpGet(port).catch(() => '');
    if (body === '') await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(body, 'hello-rootless\n');
  assert.equal(await ok(['port', 'web']), `8080/tcp -> 0.0.0.0:${port}\n`);
  assert.match(await ok(['ps', '--format', '{{.Names}} {{.Ports}}']), new RegExp(`^web 0\\.0\\.0\\.0:${port}->8080/tcp$`, 'm'));
  assert.equal(await ok(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'web']), '10.0.2.100\n');
  // slirp4netns goes with the container
  const slirps = () =>
    userProcesses().filter((p) => {
      try {
        return (
          fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith('/usr/bin/slirp4netns') && !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${p}/status`, 'utf8'))
        );
      } catch {
        return false; // ended meanwhile
      }
    });
  assert.equal(slirps().length, 1);
  // -P: every exposed port on a port the host picks
  await ok(['run', '-d', '--name', 'all', '-P', '--expose', '9000', 'busybox', 'sleep', '60']);
  assert.match(await ok(['port', 'all']), /^9000\/tcp -> 0\.0\.0\.0:\d+\n$/);
  await ok(['rm', '-f', 'all']);
  await ok(['rm', '-f', 'web']);
  assert.equal(slirps().length, 0);
  await assert.rejects(httpGet(port));
});

test('the stores of root and the user are apart', async () => {
  assert.doesNotMatch(await ok(['images']), /rootonly/);
  assert.doesNotMatch((await root.berth(['images'])).stdout, /busybox/);
  // root's store is not the user's to open
  const r = await ub(['images'], { env: { BERTH_ROOT: root.root, BERTH_RUNROOT: root.runRoot } });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /permission denied|EACCES/i);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  // nor is another user's
  const other = await ub(['images'], { user: USER2, env: { BERTH_ROOT: path.join(HOME, '.local/share/berth'), BERTH_RUNROOT: `/tmp/berth-${uid}` } });
  assert.notEqual(other.code, 0);
  assert.match(other.stderr, /permission denied|EACCES/i);
});

test('resource limits are refused on cgroup v1 with the reason, and nothing is created', async () => {
  for (const flags of [
    ['--memory', '64m'],
    ['--cpus', '0.5'],
    ['--pids-limit', '10'],
  ]) {
    const r = await ub(['run', '--rm', '--network', 'none', ...flags, 'busybox', 'true']);
    assert.equal(r.code, 125, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `^Error: ${flags[0]}: resource limits are not available to rootless containers here: an ordinary user gets no cgroup of its own on a cgroup v1 host`,
      ),
    );
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.equal(await ok(['ps', '-aq']), '');
  // and on a running container: update's limits and pause (the freezer) are refused alike; top works
  await ok(['run', '-d', '--name', 'lim', '--network', 'none', 'busybox', 'sh', '-c', 'sleep 300 & exec sleep 301']);
  const u = await ub(['update', '--memory', '64m', 'lim']);
  assert.equal(u.code, 1);
  assert.match(u.stderr, /^Error: --memory: resource limits are not available to rootless containers here: /);
  const p = await ub(['pause', 'lim']);
  assert.equal(p.code, 1);
  assert.match(p.stderr, /^Error: pausing a rootless container needs its own cgroup \(the freezer\), which it does not have here: /);
  const top = await ok(['top', 'lim']);
  assert.match(top, /sleep 301\n/);
  assert.match(top, /sleep 300\n/);
  // stats from the processes' own counters (no cgroup to read)
  assert.match(await ok(['stats', '--no-stream', '--format', '{{.PIDs}} {{.MemUsage}}', 'lim']), /^2 [1-9][0-9.]*[kMG]i?B \/ /);
  await ok(['rm', '-f', 'lim']);
});

test('a layer with other owners is shifted into the subordinate range on the host', async () => {
  const tar = path.join(HOME, 'owners.tar');
  fs.writeFileSync(
    tar,
    await makeTar([{ header: { name: 'srv/', type: 'directory', uid: 33, gid: 33 } }, { header: { name: 'srv/www', uid: 33, gid: 33 }, body: 'www' }]),
  );
  fs.chownSync(tar, uid, gid);
  await ok(['import', 'owners.tar', 'owners:latest']);
  const store = path.join(HOME, '.local/share/berth/layers');
  const found = fs
    .readdirSync(store)
    .map((l) => path.join(store, l, 'diff/srv/www'))
    .filter((f) => fs.existsSync(f));
  assert.equal(found.length, 1);
  const st = fs.statSync(found[0] as string);
  assert.deepEqual([st.uid, st.gid], [subStart + 32, Number(/* subgid */ parseSubIds(fs.readFileSync('/etc/subgid', 'utf8'), USER, uid)[0]?.start) + 32]);
});

test('a hostile layer (../../x, an absolute symlink escape) writes nothing outside the user store', async () => {
  const victim = path.join(HOME, 'victim');
  fs.mkdirSync(victim);
  fs.chownSync(victim, uid, gid);
  const cases: Array<{ name: string; entries: Parameters<typeof makeTar>[0] }> = [
    {
      name: 'dotdot',
      entries: [
        { header: { name: '../../x' }, body: 'pwned' },
        { header: { name: '../../../../../../x' }, body: 'pwned' },
      ],
    },
    {
      name: 'symlink',
      entries: [{ header: { name: 'esc', type: 'symlink', linkname: victim } }, { header: { name: 'esc/pwned' }, body: 'pwned' }],
    },
  ];
  for (const c of cases) {
    const tar = path.join(HOME, `${c.name}.tar`);
    fs.writeFileSync(tar, await makeTar(c.entries));
    fs.chownSync(tar, uid, gid);
    const r = await ub(['import', `${c.name}.tar`, `hostile-${c.name}`]);
    // refused in one line (and berth's hint), as for root; no image left behind
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^Error: importing root filesystem: unsafe (path|symlink|link)[^\n]*\n(hint: [^\n]*\n)?$/);
    assert.doesNotMatch(await ok(['images']), new RegExp(`hostile-${c.name}`));
  }
  assert.deepEqual(fs.readdirSync(victim), []);
  // nothing named x anywhere in the user's home but inside the store
  // (the home and the run dir: /tmp itself is shared with other users' files)
  const stray = spawnSync('find', [HOME, `/tmp/berth-${uid}`, '-xdev', '-name', 'x', '-not', '-path', `${HOME}/.local/share/berth/*`], {
    encoding: 'utf8',
  }).stdout.trim();
  assert.equal(stray, '');
  assert.equal(fs.existsSync(path.join(HOME, '.local/share/x')), false);
  assert.equal(fs.existsSync(path.join(HOME, '.local/x')), false);
});

test('a user without subordinate ids gets the single-id mapping, with a warning saying what will not work', async () => {
  const warning = new RegExp(`^WARNING: no subordinate ids for ${USER2} in /etc/subuid: containers get only uid and gid 0, .*usermod --add-subuids`, 'm');
  const imp = await ub(['import', 'busybox.tar', 'busybox'], { user: USER2 });
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stderr, warning);
  const r = await ub(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'id -u; cat /proc/self/uid_map'], { user: USER2 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^0\n\\s+0\\s+${uid2}\\s+1\n$`));
  assert.match(r.stderr, warning);
  const k = await ub(['run', '--rm', '--network', 'none', '--userns=keep-id', 'busybox', 'true'], { user: USER2 });
  assert.equal(k.code, 125);
  assert.match(k.stderr, /^Error: --userns=keep-id needs subordinate ids for /m);
});

test('containers outlive a killed pause process: the next command holds their namespace again and reaches them', async () => {
  await ok(['run', '-d', '--name', 'survivor', '--network', 'none', 'busybox', 'sleep', '300']);
  const enter = () => fs.readFileSync(`/tmp/berth-${uid}/enter`, 'utf8').split(' ');
  const oldPause = Number(enter()[0]);
  const ns = fs.readlinkSync(`/proc/${oldPause}/ns/user`);
  process.kill(oldPause, 'SIGKILL');
  // killed, not only signalled: gone, or a zombie (a signal is delivered a moment later)
  const dead = () => {
    try {
      return /^State:\s+[ZX]/m.test(fs.readFileSync(`/proc/${oldPause}/status`, 'utf8'));
    } catch {
      return true;
    }
  };
  for (let i = 0; i < 100 && !dead(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(dead());
  assert.match(await ok(['ps', '--format', '{{.Names}} {{.State}}']), /^survivor running$/m);
  const newPause = Number(enter()[0]);
  assert.notEqual(newPause, oldPause);
  assert.equal(fs.readlinkSync(`/proc/${newPause}/ns/user`), ns);
  assert.equal(await ok(['exec', 'survivor', 'echo', 'reached']), 'reached\n');
  await ok(['rm', '-f', 'survivor']);
});

test('run flags work rootless or are refused with the reason', async () => {
  for (const flags of [
    ['--privileged'],
    ['--tmpfs', '/x'],
    ['-v', 'vol1:/data'],
    ['--read-only'],
    ['--init'],
    ['--ulimit', 'nofile=512:512'],
    ['--cap-add', 'NET_ADMIN'],
    ['--pid', 'host'],
    ['--ipc', 'host'],
    ['--uts', 'host'],
    ['--oom-score-adj', '500'],
    ['-u', '1000'],
  ]) {
    const r = await ub(['run', '--rm', '--network', 'none', ...flags, 'busybox', 'true']);
    assert.equal(r.code, 0, `${flags.join(' ')}: ${r.stderr}`);
  }
  // --pid host sees the host's processes
  assert.ok(Number((await ok(['run', '--rm', '--network', 'none', '--pid', 'host', 'busybox', 'sh', '-c', 'ls -d /proc/[0-9]* | wc -l'])).trim()) > 20);
  const r = await ub(['run', '--rm', '--network', 'none', '--oom-score-adj', '-500', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /^Error: --oom-score-adj -500: a rootless container cannot have a lower OOM score adjustment than its user's \(0\)\n$/);
  await ok(['volume', 'rm', 'vol1']);
});

test('diff, commit (not paused: no freezer) and export keep owners as the container sees them', async () => {
  await ok(['run', '-d', '--name', 'src', '--network', 'none', 'busybox', 'sh', '-c', 'echo hi > /f; chown 33:33 /f; exec sleep 300']);
  for (let i = 0; i < 50 && !(await ok(['diff', 'src'])).includes('A /f'); i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(await ok(['diff', 'src']), /^A \/f$/m);
  assert.match(await ok(['commit', 'src', 'committed']), /^sha256:[0-9a-f]{64}\n$/);
  assert.equal(await ok(['run', '--rm', '--network', 'none', 'committed', 'stat', '-c', '%u:%g %s', '/f']), '33:33 3\n');
  const exported = spawnSync('runuser', ['-u', USER, '--', 'env', '-i', `HOME=${HOME}`, 'PATH=/usr/bin:/bin', BERTH_BIN, 'export', 'src'], {
    cwd: HOME,
    maxBuffer: 64 << 20,
  });
  assert.equal(exported.status, 0, String(exported.stderr));
  const listing = spawnSync('tar', ['-tvf', '-'], { input: exported.stdout, encoding: 'utf8' }).stdout;
  assert.match(listing, /^-rw-r--r-- 33\/33 +3 .* f$/m);
  await ok(['rm', '-f', 'src']);
  await ok(['rmi', 'committed']);
});

test('a user-defined network: two containers reach each other by name and by address in a namespace the user owns; -p publishes on the host', async () => {
  const bridge = `berthrl${randomBytes(3).toString('hex')}`;
  await ok(['network', 'create', '-o', `com.docker.network.bridge.name=${bridge}`, 'rnet']);
  await ok(['run', '-d', '--network', 'rnet', '--name', 'na', 'busybox', 'sleep', '300']);
  const port = await freePort();
  await ok([
    'run',
    '-d',
    '--network',
    'rnet',
    '--name',
    'nb',
    '-p',
    `${port}:80`,
    'busybox',
    'sh',
    '-c',
    'echo hello-net > /tmp/index.html; exec httpd -f -p 80 -h /tmp',
  ]);
  const ipB = (await ok(['inspect', '-f', '{{.NetworkSettings.Networks.rnet.IPAddress}}', 'nb'])).trim();
  // its namespace is a file of the user's run dir (root's /run/netns is not the user's)
  assert.match(await ok(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', 'nb']), new RegExp(`^/tmp/berth-${uid}/netns/berth-[0-9a-f]{32}\n$`));
  assert.match(ipB, /^10\.\d+\.\d+\.\d+$/);
  // by name (the network's DNS server) and by address; busybox's wget bounded by timeout
  const byName = await ub(['exec', 'na', 'timeout', '5', 'wget', '-q', '-O-', 'http://nb/index.html']);
  assert.equal(byName.stdout, 'hello-net\n', byName.stderr);
  assert.equal(await ok(['exec', 'na', 'timeout', '5', 'wget', '-q', '-O-', `http://${ipB}/index.html`]), 'hello-net\n');
  assert.match(await ok(['exec', 'na', 'nslookup', 'nb']), new RegExp(`Address: ${ipB.replace(/\./g, '\\.')}`));
  // the published port answers on the host
  let body = '';
  for (let i = 0; i < 50 && body === ''; i++) {
    body = await httpGet(port).catch(() => '');
    if (body === '') await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(body, 'hello-net\n');
  assert.match(await ok(['ps', '--format', '{{.Names}} {{.Ports}}']), new RegExp(`^nb 0\\.0\\.0\\.0:${port}->80/tcp$`, 'm'));
  // the bridge is in the user's network namespace, not on the host: its helpers are the user's
  assert.notEqual(spawnSync('ip', ['link', 'show', bridge], { stdio: 'ignore' }).status, 0);
  const helpers = () =>
    userProcesses()
      .map((p) => {
        try {
          return /^State:\s+Z/m.test(fs.readFileSync(`/proc/${p}/status`, 'utf8')) ? '' : fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
        } catch {
          return '';
        }
      })
      .filter((c) => c.includes('--netns-type=path') || c.includes('aardvark-dns'));
  assert.equal(helpers().length, 2, helpers().join('\n'));
  // the DNS server runs, as the user, where the bridge is
  const dnsPid = userProcesses().find((p) => {
    try {
      return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('aardvark-dns');
    } catch {
      return false;
    }
  });
  assert.ok(dnsPid);
  assert.equal(spawnSync('nsenter', [`--target=${dnsPid}`, '--net', 'ip', 'link', 'show', bridge], { stdio: 'ignore' }).status, 0);
  assert.notEqual(fs.readlinkSync(`/proc/${dnsPid}/ns/net`), fs.readlinkSync('/proc/self/ns/net'));
  // the last container takes the namespace, slirp4netns and the DNS server with it
  await ok(['rm', '-f', 'na', 'nb']);
  for (let i = 0; i < 50 && helpers().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(helpers(), []);
  await assert.rejects(httpGet(port));
  await ok(['network', 'rm', 'rnet']);
});

test('pull and push with a registry on 127.0.0.1, and build: owners shifted into the subordinate range on the host', async () => {
  const reg = await startRegistry();
  try {
    const ctxDir = path.join(HOME, 'bctx');
    fs.mkdirSync(ctxDir);
    fs.writeFileSync(path.join(ctxDir, 'Dockerfile'), 'FROM busybox\nRUN echo made > /made && chown 1000:1000 /made\nCOPY --chown=1000:1000 a /a\n');
    fs.writeFileSync(path.join(ctxDir, 'a'), 'a\n');
    spawnSync('chown', ['-R', `${uid}:${gid}`, ctxDir]);
    await ok(['build', '-q', '-t', 'owned', 'bctx']);
    const owners = "stat -c '%u:%g %n' /made /a";
    assert.equal(await ok(['run', '--rm', '--network', 'none', 'owned', 'sh', '-c', owners]), '1000:1000 /made\n1000:1000 /a\n');
    const layerFiles = (name: string) => {
      const store = path.join(HOME, '.local/share/berth/layers');
      return fs
        .readdirSync(store)
        .map((l) => path.join(store, l, 'diff', name))
        .filter((f) => fs.existsSync(f));
    };
    const subGid = Number(parseSubIds(fs.readFileSync('/etc/subgid', 'utf8'), USER, uid)[0]?.start);
    const hostOwners = (name: string) => {
      const files = layerFiles(name);
      assert.equal(files.length, 1, name);
      const st = fs.statSync(files[0] as string);
      return [st.uid, st.gid];
    };
    assert.deepEqual(hostOwners('made'), [subStart + 999, subGid + 999]);
    assert.deepEqual(hostOwners('a'), [subStart + 999, subGid + 999]);
    const ref = `${reg.host}/owned:1`;
    await ok(['tag', 'owned', ref]);
    await ok(['push', ref]);
    await ok(['rmi', 'owned', ref]);
    assert.deepEqual(layerFiles('made'), []);
    await ok(['pull', '-q', ref]);
    assert.equal(await ok(['run', '--rm', '--network', 'none', ref, 'sh', '-c', owners]), '1000:1000 /made\n1000:1000 /a\n');
    assert.deepEqual(hostOwners('made'), [subStart + 999, subGid + 999]);
    // what was pushed has the owners the container saw: root's berth pulls it and sees 1000 too
    const r = await root.berth(['pull', '-q', ref]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await root.berth(['run', '--rm', '--network', 'none', ref, 'sh', '-c', owners])).stdout, '1000:1000 /made\n1000:1000 /a\n');
    await ok(['rmi', ref]);
  } finally {
    await reg.stop();
  }
});

test('a user network under concurrent starts and removals: every container joins, and the namespace goes with the last', async () => {
  await ok(['network', 'create', 'cnet']);
  const helpers = () =>
    userProcesses().filter((p) => {
      try {
        const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
        return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${p}/status`, 'utf8')) && (cmd.includes('--netns-type=path') || cmd.includes('aardvark-dns'));
      } catch {
        return false;
      }
    });
  for (let round = 0; round < 3; round++) {
    const names = ['c1', 'c2', 'c3'];
    const started = await Promise.all(names.map((n) => ub(['run', '-d', '--network', 'cnet', '--name', n, 'busybox', 'sleep', '300'])));
    for (const r of started) assert.equal(r.code, 0, r.stderr);
    for (const n of names) {
      // aardvark-dns reloads on SIGHUP, a moment after the start that sent it
      let r = await ub(['exec', 'c1', 'ping', '-c', '1', '-W', '2', n]);
      for (let i = 0; i < 10 && r.code !== 0; i++) {
        await new Promise((res) => setTimeout(res, 200));
        r = await ub(['exec', 'c1', 'ping', '-c', '1', '-W', '2', n]);
      }
      assert.equal(r.code, 0, `round ${round}: c1 reaching ${n}: ${r.stdout}${r.stderr}`);
    }
    // one leaves while the others stay: they still reach each other
    await ok(['rm', '-f', 'c3']);
    assert.equal((await ub(['exec', 'c1', 'ping', '-c', '1', '-W', '2', 'c2'])).code, 0);
    const removed = await Promise.all(['c1', 'c2'].map((n) => ub(['rm', '-f', n])));
    for (const r of removed) assert.equal(r.code, 0, r.stderr);
    for (let i = 0; i < 50 && helpers().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(helpers(), [], `round ${round}`);
  }
  await ok(['network', 'rm', 'cnet']);
});

test("every process of the user killed (as by a reboot): its user network's stale endpoints go, and the network and port are usable again", async () => {
  await ok(['network', 'create', 'knet']);
  const port = await freePort();
  await ok(['run', '-d', '--network', 'knet', '--name', 'k1', '-p', `${port}:80`, 'busybox', 'sleep', '300']);
  // the pause process, conmon, the container, slirp4netns, aardvark-dns: all of them
  for (let i = 0; i < 50 && userProcesses().length > 0; i++) {
    for (const pid of userProcesses()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const r = await ub(['run', '--rm', '--network', 'knet', '-p', `${port}:80`, 'busybox', 'sh', '-c', 'ip -4 addr show eth0 | grep -c inet']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '1\n');
  assert.match(await ok(['ps', '-a', '--format', '{{.Names}} {{.Status}} [{{.Ports}}]']), /^k1 Exited \(\d+\) .* \[\]$/m);
  await ok(['rm', 'k1']);
  await ok(['network', 'rm', 'knet']);
});
