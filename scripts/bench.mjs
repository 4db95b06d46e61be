// `npm run bench`: berth side by side with podman (same busybox image, same runc, cgroupfs) and
// the floor (runc run of a ready bundle; node -e 0). Prints medians and ratios; the README quotes
// them. Sections: run, rund (100 detached starts), ps/memory, published-port throughput, registry
// pull/push, pull6 (issue 18's image), build.
// BENCH_RUNS (default 15) sets the repetitions of the short measurements; BENCH_SECTIONS picks sections.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { makeBusyboxRootfs, makeBusyboxTar } from '../dist/src/testkit/busybox-rootfs.js';
import { startRegistry, makeOciLayout, skopeoCopy } from '../dist/src/testkit/registry.js';

const N = Number(process.env.BENCH_RUNS ?? 15);
const BERTH = path.resolve('bin/berth');
const work = fs.mkdtempSync('/tmp/berth-bench-');
const env = { ...process.env, BERTH_ROOT: `${work}/berth`, BERTH_RUNROOT: fs.mkdtempSync('/run/bb-') };
// --tmpdir of its own: podman's default (/run/libpod) is shared by every podman on the host, and
// another one's `system reset` there made this one "refresh" its containers as after a reboot
const podmanRoot = [
  '--root',
  `${work}/podman`,
  '--runroot',
  fs.mkdtempSync('/run/bp-'),
  '--tmpdir',
  fs.mkdtempSync('/run/bpt-'),
  '--cgroup-manager',
  'cgroupfs',
  '--runtime',
  'runc',
  '--events-backend',
  'file',
];
// podman asks for RLIMIT_NOFILE 1048576 by default, which this host's hard limit (no CAP_SYS_RESOURCE) refuses
const podmanConf = path.join(work, 'containers.conf');
fs.writeFileSync(podmanConf, '[containers]\ndefault_ulimits = []\n');
const podmanEnv = { ...process.env, CONTAINERS_CONF: podmanConf };
const hasPodman = spawnSync('podman', ['--version']).status === 0;
const hasWrk = spawnSync('wrk', ['--version']).status !== null && fs.existsSync('/usr/bin/wrk');

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function once(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  sh(cmd, args, opts);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Median wall time of N runs after two warm-up runs. */
function timeIt(cmd, args, opts = {}, runs = N) {
  const times = [];
  for (let i = 0; i < runs + 2; i++) {
    const dt = once(cmd, args, opts);
    if (i >= 2) times.push(dt);
  }
  return median(times);
}

/** Medians of two commands run in alternation (after two warm-up rounds): a shared machine's load falls on both alike. */
function timePair(a, b, runs = N) {
  const ta = [];
  const tb = [];
  for (let i = 0; i < runs + 2; i++) {
    const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
    const t1 = once(...first);
    const t2 = once(...second);
    if (i < 2) continue;
    (first === a ? ta : tb).push(t1);
    (second === a ? ta : tb).push(t2);
  }
  return [median(ta), median(tb)];
}

/**
 * Debian's dockerd 20.10 (package docker.io) with a containerd of its own, everything under a
 * temporary directory, no bridge and no iptables rules: the reference daemon for `berth serve`.
 * Undefined when it is not installed. stop() removes what it made (its processes by pid).
 */
function startReferenceDockerd() {
  if (!fs.existsSync('/usr/sbin/dockerd') || !fs.existsSync('/usr/bin/containerd')) return undefined;
  const dir = fs.mkdtempSync('/tmp/berth-bench-dockerd-');
  fs.writeFileSync(
    path.join(dir, 'containerd.toml'),
    `version = 2\nroot = "${dir}/containerd"\nstate = "${dir}/containerd-state"\n[grpc]\n  address = "${dir}/containerd.sock"\n`,
  );
  const containerd = spawn('/usr/bin/containerd', ['--config', path.join(dir, 'containerd.toml')], { stdio: 'ignore' });
  const sock = path.join(dir, 'docker.sock');
  let dockerd;
  const exited = (p) => new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', r)));
  const ready = (async () => {
    for (let i = 0; i < 100 && !fs.existsSync(path.join(dir, 'containerd.sock')); i++) await new Promise((r) => setTimeout(r, 50));
    // prettier-ignore
    dockerd = spawn(
      '/usr/sbin/dockerd',
      [
        '--data-root',
        `${dir}/data`,
        '--exec-root',
        `${dir}/exec`,
        '--pidfile',
        `${dir}/dockerd.pid`,
        '-H',
        `unix://${sock}`,
        '--containerd',
        `${dir}/containerd.sock`,
        '--bridge=none',
        '--iptables=false',
        '--ip-masq=false',
        '--default-ulimit',
        'nofile=1024:1024',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 200 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
    if (!fs.existsSync(sock)) throw new Error('the reference dockerd did not start');
  })();
  return {
    sock,
    ready,
    async stop() {
      await ready.catch(() => undefined);
      if (dockerd) {
        dockerd.kill('SIGTERM');
        await exited(dockerd);
      }
      containerd.kill('SIGTERM');
      await exited(containerd);
      spawnSync('umount', ['-R', dir]);
      for (const m of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
        const target = m.split(' ')[4];
        if (target?.startsWith(`${dir}/`)) spawnSync('umount', ['-l', target]);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Wall time and peak RSS (KiB) of one run, through GNU time. */
function timed(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, rssKiB: Number(r.stderr.trim().split('\n').pop()) };
}

const results = {};
// BENCH_SECTIONS=run,registry runs only those sections
const only = process.env.BENCH_SECTIONS ? new Set(process.env.BENCH_SECTIONS.split(',')) : null;
const section = async (name, fn) => {
  if (only && !only.has(name)) return;
  try {
    await fn();
  } catch (e) {
    results[`${name}Error`] = e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
};

function floorBundle() {
  const bundle = path.join(work, 'bundle');
  fs.mkdirSync(path.join(bundle, 'rootfs'), { recursive: true });
  makeBusyboxRootfs(path.join(bundle, 'rootfs'));
  execFileSync('runc', ['spec'], { cwd: bundle });
  const spec = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8'));
  spec.process.terminal = false;
  spec.process.args = ['/bin/true'];
  spec.process.rlimits = [];
  fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
  return bundle;
}

/** wrk against busybox httpd published on 127.0.0.1:port; requests per second. */
function wrk(port) {
  const out = sh('wrk', ['-t2', '-c32', '-d8s', `http://127.0.0.1:${port}/hostname`]);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
}

async function waitHttp(port) {
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((res) => setTimeout(res, 100));
  }
}

try {
  const tar = path.join(work, 'busybox.tar');
  makeBusyboxTar(tar);
  sh(BERTH, ['import', tar, 'busybox:latest'], { env });
  const saved = path.join(work, 'saved.tar');
  sh(BERTH, ['save', '-o', saved, 'busybox'], { env });
  if (hasPodman) sh('podman', [...podmanRoot, 'load', '-q', '-i', saved], { env: podmanEnv });

  await section('run', () => {
    const bundle = floorBundle();
    results.runc = timeIt('runc', ['--root', `${work}/runc`, 'run', '-b', bundle, 'bench-floor']);
    results.node = timeIt(process.execPath, ['-e', '0']);
    // bin/berth starts node without $NODE_EXTRA_CA_CERTS, which node parses at start when set
    const { NODE_EXTRA_CA_CERTS: _extra, ...bareEnv } = process.env;
    results.nodeBare = timeIt(process.execPath, ['-e', '0'], { env: bareEnv });
    if (hasPodman) {
      // berth and podman in alternation
      [results.berth, results.podman] = timePair(
        [BERTH, ['run', '--rm', 'busybox', 'true'], { env }],
        ['podman', [...podmanRoot, 'run', '--rm', 'busybox', 'true'], { env: podmanEnv }],
      );
      [results.berthNone, results.podmanNone] = timePair(
        [BERTH, ['run', '--rm', '--network', 'none', 'busybox', 'true'], { env }],
        ['podman', [...podmanRoot, 'run', '--rm', '--network', 'none', 'busybox', 'true'], { env: podmanEnv }],
      );
    } else {
      results.berth = timeIt(BERTH, ['run', '--rm', 'busybox', 'true'], { env });
      results.berthNone = timeIt(BERTH, ['run', '--rm', '--network', 'none', 'busybox', 'true'], { env });
    }
    results.berthRssKiB = timed(BERTH, ['run', '--rm', 'busybox', 'true'], { env }).rssKiB;
  });

  await section('kube', () => {
    // kube play of a two-container pod and kube down, on the same manifest (podman on its own bridge)
    const manifest = path.join(work, 'pod.yaml');
    fs.writeFileSync(
      manifest,
      'apiVersion: v1\nkind: Pod\nmetadata: {name: bench-pod}\nspec:\n  containers:\n' +
        '  - {name: web, image: busybox, command: [/bin/httpd, -f, -p, "8080"]}\n' +
        '  - {name: side, image: busybox, command: [/bin/sleep, "600"]}\n',
    );
    const pair = (cmd, prefix, opts) => {
      const play = [];
      const down = [];
      for (let i = 0; i < Math.max(5, Math.floor(N / 3)) + 1; i++) {
        const p = once(cmd, [...prefix, 'kube', 'play', manifest], opts);
        const d = once(cmd, [...prefix, 'kube', 'down', manifest], opts);
        if (i > 0) {
          play.push(p);
          down.push(d);
        }
      }
      return [median(play), median(down)];
    };
    [results.kubePlay, results.kubeDown] = pair(BERTH, [], { env });
    if (hasPodman) [results.podmanKubePlay, results.podmanKubeDown] = pair('podman', podmanRoot, { env: podmanEnv });
  });

  await section('rootless', () => {
    // run --rm as an ordinary user, berth and rootless podman (runc, slirp4netns), through runuser
    // both: a user made for it (useradd gives it subordinate ids), removed with what it started
    const user = `brlbench${crypto.randomBytes(2).toString('hex')}`;
    sh('useradd', ['-m', '-s', '/bin/sh', user]);
    const uid = Number(sh('id', ['-u', user]).trim());
    const home = `/home/${user}`;
    const sub = Number(
      fs
        .readFileSync('/etc/subuid', 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`${user}:`))
        ?.split(':')[1] ?? -1,
    );
    try {
      if ((fs.statSync('/dev/net/tun').mode & 0o777) !== 0o666) fs.chmodSync('/dev/net/tun', 0o666);
      for (let d = path.dirname(BERTH); d !== '/'; d = path.dirname(d)) fs.chmodSync(d, fs.statSync(d).mode | 0o001);
      fs.copyFileSync(tar, path.join(home, 'busybox.tar'));
      fs.writeFileSync(path.join(home, 'containers.conf'), '[containers]\ndefault_ulimits = []\n');
      for (const f of ['busybox.tar', 'containers.conf']) fs.chownSync(path.join(home, f), uid, uid);
      const as = (args) => [
        '-u',
        user,
        '--',
        'env',
        '-i',
        `HOME=${home}`,
        'PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
        `CONTAINERS_CONF=${home}/containers.conf`,
        ...args,
      ];
      const opts = { cwd: home };
      sh('runuser', as([BERTH, 'import', 'busybox.tar', 'busybox']), opts);
      const berthRun = (net) => ['runuser', as([BERTH, 'run', '--rm', ...net, 'busybox', 'true']), opts];
      const podmanRun = (net) => ['runuser', as(['podman', '--runtime', 'runc', 'run', '--rm', ...net, 'busybox', 'true']), opts];
      if (hasPodman) {
        sh('runuser', as(['podman', '--runtime', 'runc', 'import', '-q', 'busybox.tar', 'busybox']), opts);
        // in alternation: a shared machine's load falls on both alike
        [results.rootlessBerth, results.rootlessPodman] = timePair(berthRun([]), podmanRun([]));
        [results.rootlessBerthNone, results.rootlessPodmanNone] = timePair(berthRun(['--network', 'none']), podmanRun(['--network', 'none']));
      } else {
        results.rootlessBerth = timeIt(...berthRun([]));
        results.rootlessBerthNone = timeIt(...berthRun(['--network', 'none']));
      }
    } finally {
      // the user's pause processes, conmons, slirp4netns: by pid
      for (let i = 0; i < 20; i++) {
        const left = fs
          .readdirSync('/proc')
          .filter((d) => /^\d+$/.test(d))
          .filter((d) => {
            try {
              const u = Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${d}/status`, 'utf8'))?.[1]);
              return u === uid || (sub > 0 && u >= sub && u < sub + 65536);
            } catch {
              return false;
            }
          });
        if (left.length === 0) break;
        for (const d of left)
          try {
            process.kill(Number(d), 'SIGKILL');
          } catch {
            /* gone */
          }
        spawnSync('sleep', ['0.1']);
      }
      spawnSync('userdel', ['-r', '-f', user]);
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(`/tmp/berth-${uid}`, { recursive: true, force: true });
    }
  });

  // issue 18: `run -d --name N -e X=Y busybox sleep 3600` 100 times in a row (the default
  // network), berth's hundred and podman's in alternating rounds; the median of each start
  await section('rund', () => {
    const rounds = Number(process.env.BENCH_RUND_ROUNDS ?? 3);
    const per = Number(process.env.BENCH_RUND_COUNT ?? 100);
    const t = { berth: [], podman: [] };
    const engines = [{ name: 'berth', cmd: BERTH, pre: [], env }];
    if (hasPodman) engines.push({ name: 'podman', cmd: 'podman', pre: podmanRoot, env: podmanEnv });
    for (let r = 0; r < rounds; r++) {
      for (const e of r % 2 === 0 ? engines : [...engines].reverse()) {
        const names = [];
        try {
          for (let i = 0; i < per; i++) {
            const name = `bench-d-${r}-${i}`;
            names.push(name);
            t[e.name].push(once(e.cmd, [...e.pre, 'run', '-d', '--name', name, '-e', 'X=Y', 'busybox', 'sleep', '3600'], { env: e.env }));
          }
        } finally {
          spawnSync(e.cmd, [...e.pre, 'rm', '-f', ...(e.name === 'podman' ? ['-t', '0'] : []), ...names], { env: e.env });
        }
      }
    }
    results.rund = median(t.berth);
    if (t.podman.length) results.rundPodman = median(t.podman);
  });

  await section('ps', () => {
    // ps with 100 running containers (beside podman's ps with as many), and what each running
    // container costs in memory
    const ids = [];
    const pids = [];
    try {
      for (let i = 0; i < 100; i++) ids.push(sh(BERTH, ['run', '-d', '--network', 'none', 'busybox', 'sleep', '600'], { env }).trim());
      if (hasPodman)
        for (let i = 0; i < 100; i++)
          pids.push(sh('podman', [...podmanRoot, 'run', '-d', '--network', 'none', 'busybox', 'sleep', '600'], { env: podmanEnv }).trim());
      const t = { berth: [], podman: [] };
      for (let i = 0; i < N + 2; i++) {
        const b = once(BERTH, ['ps'], { env });
        const p = hasPodman ? once('podman', [...podmanRoot, 'ps'], { env: podmanEnv }) : undefined;
        if (i < 2) continue;
        t.berth.push(b);
        if (p !== undefined) t.podman.push(p);
      }
      results.ps100 = median(t.berth);
      if (t.podman.length) results.ps100Podman = median(t.podman);
      const conmons = ids.map((id) => {
        const pid = Number(sh(BERTH, ['inspect', '--format', '{{.State.Pid}}', id], { env }).trim());
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      });
      const rss = conmons.map((p) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0));
      results.conmonRssKiB = Math.round(rss.reduce((a, b) => a + b, 0) / rss.length);
      // no berth (node) process stays behind for a running container: conmon is the only monitor
      results.berthProcsWhileRunning = fs
        .readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .filter((d) => {
          try {
            const argv = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
            return path.basename(argv[0] ?? '') === 'node' && argv.some((a) => a.endsWith('bin/berth.cjs'));
          } catch {
            return false;
          }
        }).length;
    } finally {
      if (ids.length) spawnSync(BERTH, ['rm', '-f', ...ids], { env });
      if (pids.length) spawnSync('podman', [...podmanRoot, 'rm', '-f', '-t', '0', ...pids], { env: podmanEnv });
    }
  });

  await section('wrk', async () => {
    if (!hasWrk || !hasPodman) throw new Error('wrk or podman missing (apt-get install wrk podman)');
    const httpd = ['busybox', 'httpd', '-f', '-p', '80', '-h', '/etc'];
    sh(BERTH, ['run', '-d', '--name', 'bench-web', '-p', '127.0.0.1:18180:80', ...httpd], { env });
    sh('podman', [...podmanRoot, 'run', '-d', '--name', 'bench-web', '-p', '127.0.0.1:18181:80', ...httpd], { env: podmanEnv });
    try {
      await waitHttp(18180);
      await waitHttp(18181);
      results.wrkBerth = wrk(18180);
      results.wrkPodman = wrk(18181);
    } finally {
      spawnSync(BERTH, ['rm', '-f', 'bench-web'], { env });
      spawnSync('podman', [...podmanRoot, 'rm', '-f', 'bench-web'], { env: podmanEnv });
    }
  });

  await section('registry', async () => {
    const reg = await startRegistry();
    try {
      const img = await makeOciLayout(
        path.join(work, 'layout'),
        [40e6, 25e6, 20e6, 10e6, 5e6].map((size) => ({ size, compression: 'gzip' })),
      );
      skopeoCopy(`oci:${img.dir}:latest`, `docker://${reg.host}/bench:1`);
      const ref = `${reg.host}/bench:1`;
      const r = { berth: [], skopeo: [], podman: [], rss: [], berthPush: [], skopeoPush: [] };
      for (let i = 0; i < 3; i++) {
        const e = { ...process.env, BERTH_ROOT: fs.mkdtempSync(path.join(work, 'b-')), BERTH_RUNROOT: fs.mkdtempSync('/run/bbr-') };
        const b = timed(BERTH, ['pull', '-q', ref], { env: e });
        r.berth.push(b.ms);
        r.rss.push(b.rssKiB);
        const to = await startRegistry(); // pushes go to an empty registry: nothing skipped or mounted
        try {
          r.berthPush.push(timed(BERTH, ['push', '-q', ref, `${to.host}/bench:1`], { env: e }).ms);
        } finally {
          await to.stop();
        }
        fs.rmSync(e.BERTH_ROOT, { recursive: true, force: true });
        fs.rmSync(e.BERTH_RUNROOT, { recursive: true, force: true });
        const oci = fs.mkdtempSync(path.join(work, 's-'));
        r.skopeo.push(timed('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `oci:${oci}:x`]).ms);
        const to2 = await startRegistry();
        try {
          r.skopeoPush.push(timed('skopeo', ['copy', '-q', '--dest-tls-verify=false', `oci:${oci}:x`, `docker://${to2.host}/bench:1`]).ms);
        } finally {
          await to2.stop();
        }
        fs.rmSync(oci, { recursive: true, force: true });
        if (hasPodman) {
          const proot = fs.mkdtempSync(path.join(work, 'p-'));
          const prun = fs.mkdtempSync('/run/bpr-');
          r.podman.push(timed('podman', ['--root', proot, '--runroot', prun, '--storage-driver', 'overlay', 'pull', '-q', '--tls-verify=false', ref]).ms);
          spawnSync('podman', ['--root', proot, '--runroot', prun, '--storage-driver', 'overlay', 'system', 'reset', '-f']);
          fs.rmSync(proot, { recursive: true, force: true });
          fs.rmSync(prun, { recursive: true, force: true });
        }
      }
      results.pull = median(r.berth);
      results.pullSkopeo = median(r.skopeo);
      if (r.podman.length) results.pullPodman = median(r.podman);
      results.pullRssMiB = median(r.rss) / 1024;
      results.push = median(r.berthPush);
      results.pushSkopeo = median(r.skopeoPush);
    } finally {
      await reg.stop();
    }
  });

  // issue 18's image: five layers of 20 MiB of random bytes plus busybox (~400 entries), pulled
  // into a store that stays warm (the image removed between rounds), interleaved with skopeo
  // (to an OCI layout, which unpacks nothing) and podman (removed between rounds too)
  await section('pull6', async () => {
    const reg = await startRegistry();
    try {
      const bbTar = path.join(work, 'bb-layer.tar');
      makeBusyboxTar(bbTar);
      const layers = [
        { tar: fs.readFileSync(bbTar), compression: 'gzip' },
        ...Array.from({ length: 5 }, () => ({ size: 20 * 1024 * 1024, compression: 'gzip' })),
      ];
      const img = await makeOciLayout(path.join(work, 'layout6'), layers);
      const ref = `${reg.host}/bench6:1`;
      skopeoCopy(`oci:${img.dir}:latest`, `docker://${ref}`);
      const e = { ...process.env, BERTH_ROOT: fs.mkdtempSync(path.join(work, 'b6-')), BERTH_RUNROOT: fs.mkdtempSync('/run/bb6-') };
      const proot = fs.mkdtempSync(path.join(work, 'p6-'));
      const prun = fs.mkdtempSync('/run/bp6-');
      const pargs = ['--root', proot, '--runroot', prun, '--storage-driver', 'overlay'];
      const r = { berth: [], skopeo: [], podman: [] };
      const rounds = Number(process.env.BENCH_PULL_RUNS ?? 7);
      try {
        for (let i = 0; i < rounds + 1; i++) {
          const b = once(BERTH, ['pull', '-q', ref], { env: e });
          sh(BERTH, ['rmi', ref], { env: e });
          const oci = fs.mkdtempSync(path.join(work, 's6-'));
          const s = once('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `oci:${oci}:x`]);
          fs.rmSync(oci, { recursive: true, force: true });
          if (i === 0) continue; // warm-up round
          r.berth.push(b);
          r.skopeo.push(s);
          if (hasPodman) {
            r.podman.push(once('podman', [...pargs, 'pull', '-q', '--tls-verify=false', ref]));
            sh('podman', [...pargs, 'rmi', ref]);
          }
        }
      } finally {
        if (hasPodman) spawnSync('podman', [...pargs, 'system', 'reset', '-f']);
        for (const d of [e.BERTH_ROOT, e.BERTH_RUNROOT, proot, prun]) fs.rmSync(d, { recursive: true, force: true });
      }
      results.pull6 = median(r.berth);
      results.pull6Skopeo = median(r.skopeo);
      if (r.podman.length) results.pull6Podman = median(r.podman);
    } finally {
      await reg.stop();
    }
  });

  await section('build', () => {
    // 5 RUN steps and a COPY of a 20 MB context; the first build (no cache) and a fully cached rebuild
    const ctxDir = path.join(work, 'build-ctx');
    fs.mkdirSync(ctxDir);
    fs.writeFileSync(path.join(ctxDir, 'blob.bin'), crypto.randomBytes(20 * 1024 * 1024));
    const steps = [1, 2, 3, 4, 5].map((i) => `RUN echo step${i} > /s${i}`);
    fs.writeFileSync(path.join(ctxDir, 'Containerfile'), ['FROM busybox', 'COPY blob.bin /data/blob.bin', ...steps, ''].join('\n'));
    const runs = Number(process.env.BENCH_BUILD_RUNS ?? 5);
    const t = { bf: [], bc: [], pf: [], pc: [] };
    // both on the host network: berth's RUN default, and no network setup in podman's figures
    for (let i = 0; i < runs; i++) {
      t.bf.push(once(BERTH, ['build', '-q', '--no-cache', '--network', 'host', '-t', 'bench-build', ctxDir], { env }));
      t.bc.push(once(BERTH, ['build', '-q', '--network', 'host', '-t', 'bench-build', ctxDir], { env }));
      if (hasPodman) {
        t.pf.push(
          once('podman', [...podmanRoot, 'build', '--no-cache', '-q', '--layers', '--network', 'host', '-t', 'bench-build', ctxDir], { env: podmanEnv }),
        );
        t.pc.push(once('podman', [...podmanRoot, 'build', '-q', '--layers', '--network', 'host', '-t', 'bench-build', ctxDir], { env: podmanEnv }));
      }
    }
    results.buildFirst = median(t.bf);
    results.buildCached = median(t.bc);
    if (t.pf.length) {
      results.podmanBuildFirst = median(t.pf);
      results.podmanBuildCached = median(t.pc);
    }
  });
} finally {
  spawnSync(BERTH, ['system', 'prune', '-a', '-f'], { env });
  await section('serve', async () => {
    // the docker CLI through berth serve (warm: each call is one HTTP exchange), beside Debian's
    // dockerd 20.10 when it is installed: its own containerd, data and exec roots, no bridge,
    // no iptables, so it stays off the host's networks; both get --network none where both run
    const DOCKER = '/usr/local/bin/docker';
    if (!fs.existsSync(DOCKER)) throw new Error('no docker CLI at /usr/local/bin/docker');
    // the build section's system prune took the image away
    sh(BERTH, ['import', path.join(work, 'busybox.tar'), 'busybox:latest'], { env });
    const sock = path.join(env.BERTH_RUNROOT, 'bench.sock');
    const server = spawn(BERTH, ['serve', '-H', `unix://${sock}`], { env, stdio: 'ignore' });
    const ref = startReferenceDockerd();
    const ids = [];
    const refIds = [];
    const config = path.join(work, 'docker-config');
    const denv = { ...process.env, DOCKER_HOST: `unix://${sock}`, DOCKER_CONFIG: config };
    const renv = ref ? { ...process.env, DOCKER_HOST: `unix://${ref.sock}`, DOCKER_CONFIG: config } : undefined;
    try {
      for (let i = 0; i < 100 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      results.serveRun = timeIt(DOCKER, ['run', '--rm', 'busybox', 'true'], { env: denv });
      const none = (rm) => ['run', rm ? '--rm' : '-d', '--network', 'none', 'busybox', 'true'];
      if (renv) {
        await ref.ready;
        sh(DOCKER, ['import', path.join(work, 'busybox.tar'), 'busybox:latest'], { env: renv });
        [results.serveRunNone, results.dockerdRunNone] = timePair([DOCKER, none(true), { env: denv }], [DOCKER, none(true), { env: renv }]);
        [results.serveRunD, results.dockerdRunD] = timePair([DOCKER, none(false), { env: denv }], [DOCKER, none(false), { env: renv }]);
        sh(DOCKER, ['container', 'prune', '-f'], { env: renv });
      } else {
        results.serveRunD = timeIt(DOCKER, none(false), { env: denv });
      }
      spawnSync(BERTH, ['container', 'prune', '-f'], { env });
      const sleeper = ['run', '-d', '--network', 'none', 'busybox', 'sleep', '600'];
      for (let i = 0; i < 100; i++) ids.push(sh(DOCKER, sleeper, { env: denv }).trim());
      if (renv) {
        for (let i = 0; i < 100; i++) refIds.push(sh(DOCKER, sleeper, { env: renv }).trim());
        [results.servePs100, results.dockerdPs100] = timePair([DOCKER, ['ps'], { env: denv }], [DOCKER, ['ps'], { env: renv }]);
      } else {
        results.servePs100 = timeIt(DOCKER, ['ps'], { env: denv });
      }
      results.serveRssKiB = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0);
    } finally {
      if (ids.length) spawnSync(BERTH, ['rm', '-f', ...ids], { env });
      spawnSync(BERTH, ['container', 'prune', '-f'], { env });
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
      if (ref) {
        if (refIds.length) spawnSync(DOCKER, ['rm', '-f', ...refIds], { env: renv });
        await ref.stop();
      }
    }
  });

  if (hasPodman) spawnSync('podman', [...podmanRoot, 'system', 'reset', '-f'], { env: podmanEnv });
  spawnSync('umount', ['-R', work]);
  fs.rmSync(work, { recursive: true, force: true });
  // the run roots live in /run (tmpfs, as berth's and podman's defaults do)
  for (const d of [env.BERTH_RUNROOT, podmanRoot[3], podmanRoot[5]]) fs.rmSync(d, { recursive: true, force: true });
}

const f = (ms) => (ms === undefined ? 'n/a' : `${ms.toFixed(0)} ms`);
const ratio = (a, b) => (a !== undefined && b ? `${(a / b).toFixed(2)}x` : 'n/a');
const lines = [
  `berth bench (${N} runs each, medians; podman ${hasPodman ? 'with runc and cgroupfs' : 'not installed'})`,
  `  node -e 0                              ${f(results.node)}${process.env.NODE_EXTRA_CA_CERTS ? `   (${f(results.nodeBare)} without $NODE_EXTRA_CA_CERTS, as bin/berth starts it)` : ''}`,
  `  runc run (ready bundle, floor)         ${f(results.runc)}`,
  `  podman run --rm busybox true           ${f(results.podman)}   (its default bridge network)`,
  `  berth run --rm busybox true            ${f(results.berth)}   (its default bridge network)   ratio ${ratio(results.berth, results.podman)} (target <= 0.5)`,
  `  podman run --rm --network none         ${f(results.podmanNone)}`,
  `  rootless podman run --rm busybox true  ${f(results.rootlessPodman)}   (slirp4netns)`,
  `  rootless berth run --rm busybox true   ${f(results.rootlessBerth)}   (slirp4netns)   ratio ${ratio(results.rootlessBerth, results.rootlessPodman)} (target <= 0.5)`,
  `  rootless podman run --rm --network none ${f(results.rootlessPodmanNone)}`,
  `  rootless berth run --rm --network none ${f(results.rootlessBerthNone)}   ratio ${ratio(results.rootlessBerthNone, results.rootlessPodmanNone)} (target <= 0.5)`,
  `  berth run --rm --network none          ${f(results.berthNone)}   ratio ${ratio(results.berthNone, results.podmanNone)} (target <= 0.7)`,
  `  berth peak RSS (run --rm)              ${results.berthRssKiB ? (results.berthRssKiB / 1024).toFixed(1) : 'n/a'} MiB   (target <= 80)`,
  `  podman run -d --name N -e X=Y (x100)   ${f(results.rundPodman)}   (each, its default bridge network)`,
  `  berth run -d --name N -e X=Y (x100)    ${f(results.rund)}   (each, its default bridge network)   ratio ${ratio(results.rund, results.rundPodman)} (target <= 0.6)`,
  `  podman ps, 100 running containers      ${f(results.ps100Podman)}`,
  `  berth ps, 100 running containers       ${f(results.ps100)}   ratio ${ratio(results.ps100, results.ps100Podman)} (target <= 0.7)`,
  `  per running container                  conmon ${results.conmonRssKiB ? (results.conmonRssKiB / 1024).toFixed(1) : 'n/a'} MiB RSS; berth processes alive: ${results.berthProcsWhileRunning ?? 'n/a'}`,
  `  published port, wrk req/s              berth ${results.wrkBerth?.toFixed(0) ?? 'n/a'}  podman ${results.wrkPodman?.toFixed(0) ?? 'n/a'}   ratio ${ratio(results.wrkBerth, results.wrkPodman)} (target >= 0.9)`,
  `  pull ~100 MB, 5 layers                 berth ${f(results.pull)}  skopeo ${f(results.pullSkopeo)}  podman ${f(results.pullPodman)}   ratios ${ratio(results.pull, results.pullSkopeo)} / ${ratio(results.pull, results.pullPodman)} (target <= 1.0)`,
  `  pull 100 MiB random + busybox, 6 layers berth ${f(results.pull6)}  skopeo ${f(results.pull6Skopeo)}  podman ${f(results.pull6Podman)}   ratios ${ratio(results.pull6, results.pull6Skopeo)} / ${ratio(results.pull6, results.pull6Podman)} (target <= 1.0; warm store, image removed between rounds)`,
  `  berth peak RSS during pull             ${results.pullRssMiB?.toFixed(1) ?? 'n/a'} MiB   (target < 150)`,
  `  push ~100 MB                           berth ${f(results.push)}  skopeo ${f(results.pushSkopeo)}   ratio ${ratio(results.push, results.pushSkopeo)} (target <= 1.0)`,
  `  build, 5 RUN + 20 MB COPY, first       berth ${f(results.buildFirst)}  podman ${f(results.podmanBuildFirst)}   ratio ${ratio(results.buildFirst, results.podmanBuildFirst)} (target <= 1.2)`,
  `  docker run --rm busybox true (serve)  ${f(results.serveRun)}   (its default bridge network)`,
  `  docker run --rm --network none         serve ${f(results.serveRunNone)}  dockerd ${f(results.dockerdRunNone)}   ratio ${ratio(results.serveRunNone, results.dockerdRunNone)} (target <= 0.5)`,
  `  docker run -d --network none           serve ${f(results.serveRunD)}  dockerd ${f(results.dockerdRunD)}   ratio ${ratio(results.serveRunD, results.dockerdRunD)} (target <= 0.5)`,
  `  docker ps, 100 running                 serve ${f(results.servePs100)}  dockerd ${f(results.dockerdPs100)}   ratio ${ratio(results.servePs100, results.dockerdPs100)} (target <= 1.0)`,
  `  berth serve RSS, 100 running           ${results.serveRssKiB ? (results.serveRssKiB / 1024).toFixed(1) : 'n/a'} MiB   (target < 100)`,
  `  kube play, 2-container pod            berth ${f(results.kubePlay)}  podman ${f(results.podmanKubePlay)}   ratio ${ratio(results.kubePlay, results.podmanKubePlay)} (target <= 0.5)`,
  `  kube down, same pod                    berth ${f(results.kubeDown)}  podman ${f(results.podmanKubeDown)}   ratio ${ratio(results.kubeDown, results.podmanKubeDown)} (target <= 0.5)`,
  `  build, fully cached rebuild            berth ${f(results.buildCached)}  podman ${f(results.podmanBuildCached)}   ratio ${ratio(results.buildCached, results.podmanBuildCached)} (target <= 0.5)`,
];
for (const [k, v] of Object.entries(results)) if (k.endsWith('Error')) lines.push(`  ${k.replace('Error', '')} section failed: ${v}`);
console.log(lines.join('\n'));
