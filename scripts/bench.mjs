// `npm run bench`: berth side by side with podman (same busybox image, same runc), and the floor
// (runc run of a ready bundle; node -e 0). Prints medians and ratios; copy them into the README.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeBusyboxRootfs, makeBusyboxTar } from '../dist/src/testkit/busybox-rootfs.js';

const N = Number(process.env.BENCH_RUNS ?? 15);
const BERTH = path.resolve('bin/berth');
const work = fs.mkdtempSync('/tmp/berth-bench-');
const env = { ...process.env, BERTH_ROOT: `${work}/berth`, BERTH_RUNROOT: fs.mkdtempSync('/run/bb-') };
const podmanRoot = ['--root', `${work}/podman`, '--runroot', fs.mkdtempSync('/run/bp-'), '--cgroup-manager', 'cgroupfs', '--runtime', 'runc', '--events-backend', 'file'];
// podman asks for RLIMIT_NOFILE 1048576 by default, which this host's hard limit (no CAP_SYS_RESOURCE) refuses
const podmanConf = path.join(work, 'containers.conf');
fs.writeFileSync(podmanConf, '[containers]\ndefault_ulimits = []\n');
const podmanEnv = { ...process.env, CONTAINERS_CONF: podmanConf };

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

function timeIt(cmd, args, opts = {}) {
  const times = [];
  for (let i = 0; i < N + 2; i++) {
    const t0 = process.hrtime.bigint();
    sh(cmd, args, opts);
    const dt = Number(process.hrtime.bigint() - t0) / 1e6;
    if (i >= 2) times.push(dt); // two warm-up runs
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function maxRssKiB(cmd, args, opts = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', ...opts });
  return Number(r.stderr.trim().split('\n').pop());
}

const results = {};
try {
  const tar = path.join(work, 'busybox.tar');
  makeBusyboxTar(tar);
  sh(BERTH, ['import', tar, 'busybox:latest'], { env });
  const saved = path.join(work, 'saved.tar');
  sh(BERTH, ['save', '-o', saved, 'busybox'], { env });
  sh('podman', [...podmanRoot, 'load', '-q', '-i', saved], { env: podmanEnv });

  // floor: a ready bundle run straight by runc
  const bundle = path.join(work, 'bundle');
  fs.mkdirSync(path.join(bundle, 'rootfs'), { recursive: true });
  makeBusyboxRootfs(path.join(bundle, 'rootfs'));
  execFileSync('runc', ['spec'], { cwd: bundle });
  const spec = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8'));
  spec.process.terminal = false;
  spec.process.args = ['/bin/true'];
  spec.process.rlimits = [];
  fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
  results.runc = timeIt('runc', ['--root', `${work}/runc`, 'run', '-b', bundle, 'bench-floor']);
  results.node = timeIt(process.execPath, ['-e', '0']);
  results.berth = timeIt(BERTH, ['run', '--rm', 'busybox', 'true'], { env });
  results.podman = timeIt('podman', [...podmanRoot, 'run', '--rm', '--network', 'none', 'busybox', 'true'], { env: podmanEnv });
  // podman's own default: its bridge network (CNI on Debian 12), which berth does not have yet
  results.podmanDefault = timeIt('podman', [...podmanRoot, 'run', '--rm', 'busybox', 'true'], { env: podmanEnv });
  results.berthRssKiB = maxRssKiB(BERTH, ['run', '--rm', 'busybox', 'true'], { env });

  // ps with 100 running containers, and what each running container costs in memory
  const ids = [];
  for (let i = 0; i < 100; i++) ids.push(sh(BERTH, ['run', '-d', 'busybox', 'sleep', '600'], { env }).trim());
  results.ps100 = timeIt(BERTH, ['ps'], { env });
  const conmonPids = ids.map((id) => Number(sh(BERTH, ['inspect', '--format', '{{.State.Pid}}', id], { env }).trim())).map((pid) => {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  });
  const rss = conmonPids.map((p) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0));
  results.conmonRssKiB = Math.round(rss.reduce((a, b) => a + b, 0) / rss.length);
  // no berth (node) process may stay behind for a running container: conmon is the only monitor
  results.berthProcsWhileRunning = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      // a node process running bin/berth (conmon's own command line names berth for its exit hook)
      const argv = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      return path.basename(argv[0] ?? '') === 'node' && argv.some((a) => a.endsWith('bin/berth'));
    } catch {
      return false;
    }
  }).length;
  sh(BERTH, ['rm', '-f', ...ids], { env });
} finally {
  spawnSync(BERTH, ['system', 'prune', '-f'], { env });
  spawnSync('podman', [...podmanRoot, 'system', 'reset', '-f'], { env: podmanEnv });
  spawnSync('umount', ['-R', work]);
  fs.rmSync(work, { recursive: true, force: true });
}


const f = (ms) => `${ms.toFixed(0)} ms`;
console.log(`berth bench (${N} runs each, medians)`);
console.log(`  node -e 0                         ${f(results.node)}`);
console.log(`  runc run (ready bundle, floor)    ${f(results.runc)}`);
console.log(`  podman run --rm busybox true      ${f(results.podmanDefault)}   (podman's default bridge network, runc, cgroupfs)`);
console.log(`  podman run --rm --network none    ${f(results.podman)}   (same network as berth's default: loopback only)`);
console.log(`  berth run --rm busybox true       ${f(results.berth)}`);
console.log(`  ratio berth/podman (default)      ${(results.berth / results.podmanDefault).toFixed(2)}x   (target <= 0.5)`);
console.log(`  ratio berth/podman (--network none) ${(results.berth / results.podman).toFixed(2)}x`);
console.log(`  ratio berth/floor (runc + node)   ${(results.berth / (results.runc + results.node)).toFixed(2)}x`);
console.log(`  berth peak RSS (run --rm)         ${(results.berthRssKiB / 1024).toFixed(1)} MiB   (target <= 80)`);
console.log(`  berth ps, 100 running containers  ${f(results.ps100)}   (target < 300 ms)`);
console.log(`  per running container: conmon RSS ${(results.conmonRssKiB / 1024).toFixed(1)} MiB; berth processes alive: ${results.berthProcsWhileRunning}`);
