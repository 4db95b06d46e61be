import os from 'node:os';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';

let t: TestEnv;
before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
});
after(async () => t.cleanup());

test('run --rm prints the output, passes exit 0 and leaves no container', async () => {
  const r = await t.berth(['run', '--rm', 'busybox', 'echo', 'hello']);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'hello\n');
  assert.equal(r.code, 0);
  const ps = await t.berth(['ps', '-aq']);
  assert.equal(ps.stdout, '');
});

test('run passes the container exit code through', async () => {
  const r = await t.berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
  assert.equal(r.code, 7);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
});

test('a command that is not found exits 127 and one that cannot be invoked exits 126', async () => {
  const nf = await t.berth(['run', '--rm', 'busybox', 'no-such-command']);
  assert.equal(nf.code, 127, nf.stderr);
  assert.match(nf.stderr, /no-such-command/);
  const ni = await t.berth(['run', '--rm', 'busybox', '/etc/passwd']);
  assert.equal(ni.code, 126, ni.stderr);
  assert.equal((await t.berth(['ps', '-aq'])).stdout, '', 'the --rm containers are gone');
});

test('an unknown image is a clear error with exit 125 and nothing created', async () => {
  // --pull never: the test must not look up docker.io (no traffic leaves the machine)
  const r = await t.berth(['run', '--rm', '--pull', 'never', 'no-such-image:1', 'true']);
  assert.equal(r.code, 125);
  // one error line (a `hint:` line may follow it)
  assert.equal(
    r.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('hint:')).length,
    1,
    r.stderr,
  );
  assert.match(r.stderr, /no-such-image/);
  // a registry that is not there (a closed loopback port): docker's two lines, exit 125
  const p = await t.berth(['run', '--rm', '127.0.0.1:9/nope:1', 'true']);
  assert.equal(p.code, 125);
  assert.match(p.stderr, /Unable to find image '127\.0\.0\.1:9\/nope:1' locally/);
  assert.ok(p.stderr.trim().split('\n').length <= 3, p.stderr);
  assert.equal((await t.berth(['ps', '-aq'])).stdout, '');
});

test('a bad flag value is refused with exit 125 and nothing created', async () => {
  for (const args of [
    ['--memory', 'lots'],
    ['--security-opt', 'bogus'],
    ['--cpus', 'many'],
    ['--ulimit', 'nofile'],
    ['--restart', 'sometimes'],
    ['--no-such-flag'],
  ]) {
    const r = await t.berth(['run', '--rm', ...args, 'busybox', 'true']);
    assert.equal(r.code, 125, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length <= 2, true, r.stderr);
  }
  assert.equal((await t.berth(['ps', '-aq'])).stdout, '');
});

test('the default isolation matches docker: capabilities, seccomp, namespaces, hostname', async () => {
  const r = await t.berth([
    'run',
    '--rm',
    'busybox',
    'sh',
    '-c',
    'grep -E "^(CapEff|CapBnd|Seccomp|NoNewPrivs):" /proc/self/status; hostname; for n in pid net mnt uts ipc; do readlink /proc/self/ns/$n; done',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /CapEff:\s+00000000a80425fb/);
  assert.match(r.stdout, /CapBnd:\s+00000000a80425fb/);
  assert.match(r.stdout, /Seccomp:\s+2/);
  const lines = r.stdout.trim().split('\n');
  const hostname = lines.find((l) => /^[0-9a-f]{12}$/.test(l));
  assert.ok(hostname, `hostname is the short id: ${r.stdout}`);
  for (const ns of ['pid', 'net', 'mnt', 'uts', 'ipc']) {
    const inner = lines.find((l) => l.startsWith(`${ns}:`));
    assert.ok(inner);
    assert.notEqual(inner, fs.readlinkSync(`/proc/self/ns/${ns}`), `${ns} namespace is the container's own`);
  }
});

test('the default seccomp profile blocks mount and new user namespaces; --privileged lifts it', async () => {
  const r = await t.berth([
    'run',
    '--rm',
    'busybox',
    'sh',
    '-c',
    'mkdir -p /mnt; mount -t tmpfs none /mnt && echo MOUNTED; unshare -U true && echo USERNS; echo done',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /MOUNTED|USERNS/);
  const p = await t.berth([
    'run',
    '--rm',
    '--privileged',
    'busybox',
    'sh',
    '-c',
    'grep Seccomp: /proc/self/status; mkdir -p /mnt; mount -t tmpfs none /mnt && echo MOUNTED',
  ]);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /Seccomp:\s+0/);
  assert.match(p.stdout, /MOUNTED/);
});

test('masked and read-only paths, and only the standard devices', async () => {
  const r = await t.berth(['run', '--rm', 'busybox', 'sh', '-c', 'cat /proc/timer_list | wc -c; echo 1 > /proc/sys/kernel/domainname && echo WROTE; ls /dev']);
  assert.equal(r.code, 0, r.stderr);
  const [size] = r.stdout.split('\n');
  assert.equal(size?.trim(), '0', 'timer_list is masked');
  assert.doesNotMatch(r.stdout, /WROTE/);
  const devs = r.stdout.split('\n').slice(1).join(' ');
  for (const d of ['null', 'zero', 'full', 'random', 'urandom', 'tty', 'pts', 'shm']) assert.match(devs, new RegExp(`\\b${d}\\b`));
  assert.doesNotMatch(devs, /\b(sda|vda|mem|kmsg)\b/);
});

test('--cap-drop ALL and --cap-add change the capability set', async () => {
  const r = await t.berth(['run', '--rm', '--cap-drop', 'ALL', 'busybox', 'grep', 'CapEff', '/proc/self/status']);
  assert.match(r.stdout, /CapEff:\s+0000000000000000/);
  const a = await t.berth(['run', '--rm', '--cap-add', 'NET_ADMIN', 'busybox', 'grep', 'CapEff', '/proc/self/status']);
  assert.match(a.stdout, /CapEff:\s+00000000a80435fb/);
});

test('environment, working dir, user and hostname flags apply', async () => {
  fs.writeFileSync('/tmp/berth-test-envfile', 'FROM_FILE=yes\n# comment\n');
  const r = await t.berth([
    'run',
    '--rm',
    '-e',
    'A=1',
    '--env-file',
    '/tmp/berth-test-envfile',
    '-w',
    '/tmp',
    '-u',
    'nobody',
    '-h',
    'myhost',
    'busybox',
    'sh',
    '-c',
    'echo $A $FROM_FILE; pwd; id -u; hostname',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '1 yes\n/tmp\n65534\nmyhost\n');
});

test('resource limits land in the cgroup and rlimits never exceed the host', async () => {
  const id = (await t.berth(['run', '-d', '--memory', '64m', '--pids-limit', '42', '--cpus', '0.5', 'busybox', 'sleep', '30'])).stdout.trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  try {
    const v2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
    const read = (ctrl: string, f: string) =>
      fs.readFileSync(v2 ? `/sys/fs/cgroup/berth/${id}/${f}` : `/sys/fs/cgroup/${ctrl}/berth/${id}/${f}`, 'utf8').trim();
    assert.equal(read('memory', v2 ? 'memory.max' : 'memory.limit_in_bytes'), '67108864');
    assert.equal(read('pids', 'pids.max'), '42');
    assert.equal(v2 ? read('cpu', 'cpu.max') : read('cpu', 'cpu.cfs_quota_us'), v2 ? '50000 100000' : '50000');
    const lim = await t.berth(['exec', id, 'sh', '-c', 'ulimit -Hn']);
    const hostHard = Number(/Max open files\s+\d+\s+(\d+)/.exec(fs.readFileSync('/proc/self/limits', 'utf8'))?.[1]);
    assert.ok(Number(lim.stdout.trim()) <= hostHard, `nofile ${lim.stdout} <= host ${hostHard}`);
  } finally {
    await t.berth(['rm', '-f', id]);
  }
});

test('--read-only, --tmpfs and bind mounts', async () => {
  fs.mkdirSync('/tmp/berth-test-bind', { recursive: true });
  fs.writeFileSync('/tmp/berth-test-bind/in.txt', 'from host\n');
  const r = await t.berth([
    'run',
    '--rm',
    '--read-only',
    '--tmpfs',
    '/scratch',
    '-v',
    '/tmp/berth-test-bind:/data',
    'busybox',
    'sh',
    '-c',
    'touch /x 2>/dev/null && echo ROOTWRITE; touch /scratch/ok && echo TMPFS; cat /data/in.txt; echo back > /data/out.txt',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /ROOTWRITE/);
  assert.match(r.stdout, /TMPFS/);
  assert.match(r.stdout, /from host/);
  assert.equal(fs.readFileSync('/tmp/berth-test-bind/out.txt', 'utf8'), 'back\n');
  const ro = await t.berth(['run', '--rm', '-v', '/tmp/berth-test-bind:/data:ro', 'busybox', 'sh', '-c', 'echo x > /data/y && echo WROTE']);
  assert.doesNotMatch(ro.stdout, /WROTE/);
});

test('a named volume keeps data between containers', async () => {
  assert.equal((await t.berth(['run', '--rm', '-v', 'berthdata:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f'])).code, 0);
  const r = await t.berth(['run', '--rm', '-v', 'berthdata:/data', 'busybox', 'cat', '/data/f']);
  assert.equal(r.stdout, 'kept\n');
  const ls = await t.berth(['volume', 'ls', '-q']);
  assert.match(ls.stdout, /^berthdata$/m);
  assert.equal((await t.berth(['volume', 'rm', 'berthdata'])).code, 0);
});

test('a volume mounted over image content gets a copy of it', async () => {
  const r = await t.berth(['run', '--rm', '-v', 'etccopy:/etc', 'busybox', 'cat', '/etc/group']);
  assert.match(r.stdout, /^root:x:0:/m);
  await t.berth(['volume', 'rm', 'etccopy']);
});

test('20 run --rm started at once all succeed', async () => {
  const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => t.berth(['run', '--rm', 'busybox', 'echo', `n${i}`])));
  runs.forEach((r, i) => {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `n${i}\n`);
  });
  assert.equal((await t.berth(['ps', '-aq'])).stdout, '');
});

test('--init runs a static init as pid 1, --security-opt no-new-privileges and --device apply', async () => {
  const init = await t.berth(['run', '--rm', '--init', 'busybox', 'cat', '/proc/1/cmdline']);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /^\/dev\/init\0--\0cat/);
  const nnp = await t.berth(['run', '--rm', '--security-opt', 'no-new-privileges', 'busybox', 'grep', 'NoNewPrivs', '/proc/self/status']);
  assert.match(nnp.stdout, /NoNewPrivs:\s+1/);
  const dev = await t.berth(['run', '--rm', '--device', '/dev/fuse', 'busybox', 'sh', '-c', 'ls -l /dev/fuse && echo x > /dev/fuse; echo $?']);
  assert.match(dev.stdout, /^c.* 10, +229 /m);
  const none = await t.berth(['run', '--rm', 'busybox', 'ls', '/dev/fuse']);
  assert.notEqual(none.code, 0, 'no host device without --device');
});

test('run -t without a terminal on our side still gives the container a tty', async () => {
  const r = await t.berth(['run', '--rm', '-t', 'busybox', 'tty']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\/dev\/pts\/\d+\r?\n$/);
});

test('--network host shares the host network namespace; none has only loopback', async () => {
  const host = await t.berth(['run', '--rm', '--network', 'host', 'busybox', 'readlink', '/proc/self/ns/net']);
  assert.equal(host.stdout.trim(), fs.readlinkSync('/proc/self/ns/net'));
  const none = await t.berth(['run', '--rm', '--network', 'none', 'busybox', 'ls', '/sys/class/net']);
  assert.equal(none.stdout.trim(), 'lo');
  const bad = await t.berth(['run', '--rm', '--network', 'nosuchnet', 'busybox', 'true']);
  assert.equal(bad.code, 125);
});

test('a non-root user can use the root filesystem and has no effective capabilities, as in docker', async () => {
  const r = await t.berth(['run', '--rm', '-u', 'nobody', 'busybox', 'sh', '-c', 'stat -c %a /; touch /tmp/x && echo touched; grep CapEff /proc/self/status']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^755$/m);
  assert.match(r.stdout, /touched/);
  assert.match(r.stdout, /CapEff:\s+0000000000000000/);
});

test("--cidfile, --label-file, --expose (with -P), --cgroupns, --uts host and docker's --flag=false forms", async () => {
  const dir = fs.mkdtempSync('/tmp/berth-runflags-');
  const cid = `${dir}/cid`;
  fs.writeFileSync(`${dir}/labels`, 'a=1\n# a comment\n\nb=two\n');
  const id = (
    await t.berth(['run', '-d', '--cidfile', cid, '--label-file', `${dir}/labels`, '--expose', '7000-7001', '-P', 'busybox', 'sleep', '30'])
  ).stdout.trim();
  assert.equal(fs.readFileSync(cid, 'utf8'), id);
  assert.equal((await t.berth(['inspect', '-f', '{{json .Config.Labels}}', id])).stdout, '{"a":"1","b":"two"}\n');
  const ports = (await t.berth(['port', id])).stdout;
  assert.match(ports, /^7000\/tcp -> 0\.0\.0\.0:\d+$/m);
  assert.match(ports, /^7001\/tcp -> 0\.0\.0\.0:\d+$/m);
  // an existing cidfile is refused before anything is made
  const again = await t.berth(['run', '--rm', '--cidfile', cid, 'busybox', 'true']);
  assert.equal(again.code, 125);
  assert.match(again.stderr, /container ID file found/);
  await t.berth(['rm', '-f', id]);
  assert.equal((await t.berth(['ps', '-aq'])).stdout, '');

  const hostNs = fs.readlinkSync('/proc/self/ns/cgroup');
  assert.notEqual((await t.berth(['run', '--rm', '--cgroupns', 'private', 'busybox', 'readlink', '/proc/self/ns/cgroup'])).stdout.trim(), hostNs);
  assert.equal((await t.berth(['run', '--rm', '--cgroupns', 'host', 'busybox', 'readlink', '/proc/self/ns/cgroup'])).stdout.trim(), hostNs);
  const os = await import('node:os');
  assert.equal(
    (await t.berth(['run', '--rm', '--uts', 'host', 'busybox', 'sh', '-c', 'hostname; cat /etc/hostname'])).stdout,
    `${os.hostname()}\n${os.hostname()}\n`,
  );

  const fg = await t.berth(['run', '--rm=true', '-d=false', '--tty=false', 'busybox', 'echo', '--rm=false']);
  assert.equal(fg.code, 0, fg.stderr);
  assert.equal(fg.stdout, '--rm=false\n', "after the image, arguments are the command's");
  assert.equal((await t.berth(['ps', '-aq'])).stdout, '');
  fs.rmSync(dir, { recursive: true, force: true });
});

test("update changes a running container's limits in its cgroup and its restart policy; bad values change nothing", async () => {
  const id = (await t.berth(['run', '-d', '--memory', '64m', 'busybox', 'sleep', '30'])).stdout.trim();
  try {
    const v2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
    const read = (ctrl: string, f: string) =>
      fs.readFileSync(v2 ? `/sys/fs/cgroup/berth/${id}/${f}` : `/sys/fs/cgroup/${ctrl}/berth/${id}/${f}`, 'utf8').trim();
    const u = await t.berth(['update', '-m', '128m', '--pids-limit', '50', id]);
    assert.equal(u.code, 0, u.stderr);
    assert.equal(u.stdout, `${id}\n`);
    assert.equal(read('memory', v2 ? 'memory.max' : 'memory.limit_in_bytes'), '134217728');
    assert.equal(read('pids', 'pids.max'), '50');
    assert.equal((await t.berth(['update', '--restart', 'on-failure:3', id])).code, 0);
    assert.equal(
      (
        await t.berth([
          'inspect',
          '-f',
          '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}',
          id,
        ])
      ).stdout,
      '134217728 50 on-failure:3\n',
    );
    const bad = await t.berth(['update', '-m', 'lots', id]);
    assert.equal(bad.code, 125);
    assert.equal(read('memory', v2 ? 'memory.max' : 'memory.limit_in_bytes'), '134217728');
  } finally {
    await t.berth(['rm', '-f', id]);
  }
  const rm = (await t.berth(['run', '-d', '--rm', 'busybox', 'sleep', '30'])).stdout.trim();
  const refused = await t.berth(['update', '--restart', 'always', rm]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /AutoRemove is enabled/);
  await t.berth(['rm', '-f', rm]);
});

test('--volumes-from (ro, rw), --oom-score-adj, --memory-swappiness, --annotation, --log-driver/--log-opt and -a', async () => {
  assert.equal(
    (await t.berth(['run', '-d', '--name', 'vsrc', '-v', '/data', '-v', 'vfnamed:/named', 'busybox', 'sh', '-c', 'echo shared > /data/f; sleep 30'])).code,
    0,
  );
  const ro = await t.berth([
    'run',
    '--rm',
    '--volumes-from',
    'vsrc:ro',
    'busybox',
    'sh',
    '-c',
    'cat /data/f; ls -d /named; touch /data/x 2>/dev/null || echo read-only',
  ]);
  assert.equal(ro.stdout, 'shared\n/named\nread-only\n');
  assert.equal(
    (await t.berth(['run', '--rm', '--volumes-from', 'vsrc', 'busybox', 'sh', '-c', 'echo more >> /data/f && cat /data/f'])).stdout,
    'shared\nmore\n',
  );
  const missing = await t.berth(['run', '--rm', '--volumes-from', 'nosuch', 'busybox', 'true']);
  assert.equal(missing.code, 125);

  assert.equal((await t.berth(['run', '--rm', '--oom-score-adj', '321', 'busybox', 'cat', '/proc/self/oom_score_adj'])).stdout, '321\n');
  assert.equal((await t.berth(['run', '--rm', '--oom-score-adj', '2000', 'busybox', 'true'])).code, 125);
  assert.equal((await t.berth(['run', '--rm', '--memory-swappiness', '101', 'busybox', 'true'])).code, 125);
  assert.equal(
    (await t.berth(['create', '--name', 'annotated', '--annotation', 'team=infra', '--volumes-from', 'vsrc', '--memory-swappiness', '20', 'busybox', 'true']))
      .code,
    0,
  );
  assert.equal(
    (await t.berth(['inspect', '-f', '{{.HostConfig.Annotations.team}} {{.HostConfig.VolumesFrom}} {{.HostConfig.MemorySwappiness}}', 'annotated'])).stdout,
    'infra [vsrc] 20\n',
  );

  // --log-driver none: the output is shown attached, kept nowhere, and logs says so
  const quiet = await t.berth(['run', '--name', 'nolog', '--log-driver', 'none', 'busybox', 'echo', 'seen']);
  assert.equal(quiet.stdout, 'seen\n');
  const logs = await t.berth(['logs', 'nolog']);
  assert.equal(logs.code, 1);
  assert.match(logs.stderr, /configured logging driver does not support reading/);
  assert.equal(
    (
      await t.berth([
        'run',
        '--name',
        'capped',
        '--log-driver',
        'json-file',
        '--log-opt',
        'max-size=8k',
        'busybox',
        'sh',
        '-c',
        'i=0; while [ $i -lt 1000 ]; do echo line-$i-with-some-padding; i=$((i+1)); done',
      ])
    ).code,
    0,
  );
  const kept = (await t.berth(['logs', 'capped'])).stdout.split('\n').filter(Boolean);
  assert.ok(kept.length > 0 && kept.length < 1000, `max-size keeps the log short: ${kept.length} lines`);
  assert.equal(kept.at(-1), 'line-999-with-some-padding');
  assert.equal(
    (await t.berth(['inspect', '-f', '{{.HostConfig.LogConfig.Type}} {{index .HostConfig.LogConfig.Config "max-size"}}', 'capped'])).stdout,
    'json-file 8k\n',
  );
  assert.equal((await t.berth(['run', '--rm', '--log-driver', 'syslog', 'busybox', 'true'])).code, 125);
  assert.equal((await t.berth(['run', '--rm', '--log-opt', 'bogus=1', 'busybox', 'true'])).code, 125);

  // -a: only the streams asked for
  const a = await t.berth(['run', '--rm', '-a', 'stdout', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 4']);
  assert.deepEqual([a.stdout, a.stderr, a.code], ['out\n', '', 4]);
  const b = await t.berth(['run', '--rm', '-a', 'STDERR', 'busybox', 'sh', '-c', 'echo out; echo err >&2']);
  assert.deepEqual([b.stdout, b.stderr], ['', 'err\n']);
  assert.equal((await t.berth(['run', '-d', '-a', 'stdout', 'busybox', 'true'])).code, 1);
  await t.berth(['rm', '-f', 'vsrc', 'annotated', 'nolog', 'capped']);
});

test('--device-cgroup-rule reaches the devices cgroup; flags berth cannot honour say so; --detach-keys is checked', async () => {
  // v1 shows the rule in devices.list; v2 has no such file (an eBPF program holds the rules)
  const v1 = fs.existsSync('/sys/fs/cgroup/devices/devices.list');
  const dev = await t.berth([
    'run',
    '--rm',
    '--device-cgroup-rule',
    'c 1:3 rwm',
    'busybox',
    'sh',
    '-c',
    v1 ? 'cat /sys/fs/cgroup/devices/devices.list' : 'head -c0 /dev/null && echo allowed',
  ]);
  assert.equal(dev.code, 0, dev.stderr);
  assert.match(dev.stdout, v1 ? /^c 1:3 rwm$/m : /^allowed$/m);
  for (const [args, message] of [
    [['--device-cgroup-rule', 'x 1:3 rwm'], /invalid device cgroup format/],
    [['--blkio-weight', '5'], /range is 10 to 1000/],
    [['--storage-opt', 'size=1G'], /--storage-opt is supported only for overlay over xfs/],
    [['--ip6', '::1'], /no berth network has an IPv6 subnet/],
    [['--runtime', 'kata'], /unknown or invalid runtime name: kata/],
    [['--isolation', 'hyperv'], /Linux only supports "default"/],
    [['--detach-keys', 'bogus!'], /invalid detach key/],
  ] as const) {
    const r = await t.berth(['run', '--rm', ...args, 'busybox', 'true']);
    assert.equal(r.code, 125, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const kept = await t.berth([
    'run',
    '--rm',
    '--kernel-memory',
    '10m',
    '--runtime',
    'runc',
    '--isolation',
    'default',
    '--disable-content-trust',
    '--detach-keys',
    'ctrl-x,x',
    'busybox',
    'echo',
    'ran',
  ]);
  assert.equal(kept.stdout, 'ran\n');
  assert.match(kept.stderr, /kernel memory limit is deprecated/);
});

test('--cpuset-mems and --cpu-rt-* reach the cgroup (the parent gets a real-time budget); unavailable CPUs and Windows-only flags are answered as docker does', async () => {
  const v1 = fs.existsSync('/sys/fs/cgroup/cpu/cpu.rt_runtime_us');
  const r = await t.berth(
    [
      'run',
      '--name',
      'cg1',
      '--cpuset-cpus',
      '0',
      '--cpuset-mems',
      '0',
      ...(v1 ? ['--cpu-rt-period', '1000000', '--cpu-rt-runtime', '10000'] : []),
      'busybox',
      'sh',
      '-c',
      v1 ? 'cat /sys/fs/cgroup/cpuset/cpuset.mems /sys/fs/cgroup/cpu/cpu.rt_runtime_us' : 'cat /sys/fs/cgroup/cpuset.mems',
    ],
    { timeoutMs: 20000 },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, v1 ? '0\n10000\n' : '0\n');
  const hc = await t.berth([
    'inspect',
    '--format',
    '{{.HostConfig.CpusetMems}} {{.HostConfig.CpuRealtimeRuntime}} {{.HostConfig.CpuCount}} {{len .HostConfig.MaskedPaths}}',
    'cg1',
  ]);
  assert.match(hc.stdout, new RegExp(`^0 ${v1 ? 10000 : 0} 0 [1-9]\\d*\\n$`));
  await t.berth(['rm', 'cg1']);
  for (const [args, message] of [
    [['--cpuset-cpus', '999'], /Requested CPUs are not available - requested 999, available: /],
    [['--cpuset-mems', '63'], /Requested memory nodes are not available - requested 63/],
    [['--cpuset-mems', 'x'], /invalid value "x" for cpuset mems/],
    [['--cpu-rt-period', '1000', '--cpu-rt-runtime', '2000'], /cpu-rt-runtime cannot be higher than cpu-rt-period/],
    [['--io-maxiops', '10'], /linux does not support configuration of maximum bandwidth or maximum IOps/],
    [['--volume-driver', 'nfsplugin'], /plugin "nfsplugin" not found/],
    [['--use-api-socket'], /no engine API socket/],
  ] as const) {
    const bad = await t.berth(['run', '--rm', ...args, 'busybox', 'true']);
    assert.equal(bad.code, 125, `${args.join(' ')}: ${bad.stderr}`);
    assert.match(bad.stderr, message);
  }
  const warned = await t.berth(['run', '--rm', '--cpu-count', '2', '--cpu-percent', '50', '--volume-driver', 'local', '--sig-proxy', 'busybox', 'echo', 'ran']);
  assert.equal(warned.stdout, 'ran\n');
  assert.match(warned.stderr, /linux does not support CPU count\. Count discarded/);
  assert.match(warned.stderr, /linux does not support CPU percent\. Percent discarded/);
});

test("--network host: /etc/hosts is a copy of the host's with --add-host appended, /etc/hostname the host's name", async () => {
  const r = await t.berth([
    'run',
    '--rm',
    '--network',
    'host',
    '--add-host',
    'extra.example:10.9.8.7',
    'busybox',
    'sh',
    '-c',
    'cat /etc/hosts; echo =; cat /etc/hostname',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const [hosts, name] = r.stdout.split('=\n');
  assert.ok((hosts ?? '').startsWith(fs.readFileSync('/etc/hosts', 'utf8').trimEnd()), hosts);
  assert.match(hosts ?? '', /^10\.9\.8\.7\textra\.example$/m);
  assert.equal(name, `${os.hostname()}\n`);
  assert.equal(fs.readFileSync('/etc/hosts', 'utf8').includes('extra.example'), false, "the host's file is untouched");
});

test('rm --link forgets a link; create -q/-a, exec --detach-keys, start --checkpoint, --platform on image commands and network flags are answered as docker does', async () => {
  await t.berth(['run', '-d', '--name', 'lk-db', 'busybox', 'sleep', '60']);
  await t.berth(['create', '--name', 'lk-web', '--link', 'lk-db:db', 'busybox', 'true']);
  const rl = await t.berth(['rm', '--link', '/lk-web/db']);
  assert.equal(rl.code, 0, rl.stderr);
  assert.equal(rl.stdout, '/lk-web/db\n');
  assert.equal((await t.berth(['inspect', '-f', '{{len .HostConfig.Links}}', 'lk-web'])).stdout, '0\n');
  assert.match((await t.berth(['rm', '--link', '/lk-web/db'])).stderr, /Could not find link/);
  assert.equal((await t.berth(['ps', '-a', '--filter', 'name=lk-web', '-q'])).stdout.trim().length, 12, 'rm --link keeps the container');
  assert.match((await t.berth(['create', '-a', 'bogus', 'busybox', 'true'])).stderr, /valid streams are STDIN, STDOUT and STDERR/);
  const cq = await t.berth(['create', '-q', '-a', 'stdout', 'busybox', 'true']);
  assert.match(cq.stdout, /^[0-9a-f]{64}\n$/);
  // docker's Config.Attach*: what -a named; a detached run attaches nothing
  const attached = (id: string) => t.berth(['inspect', '-f', '{{.Config.AttachStdin}} {{.Config.AttachStdout}} {{.Config.AttachStderr}}', id]);
  assert.equal((await attached(cq.stdout.trim())).stdout, 'false true false\n');
  assert.equal((await attached('lk-db')).stdout, 'false false false\n');
  assert.equal((await attached('lk-web')).stdout, 'false true true\n');
  assert.match((await t.berth(['exec', '--detach-keys', 'bad!', 'lk-db', 'true'])).stderr, /invalid detach key/);
  assert.equal((await t.berth(['exec', '--detach-keys', 'ctrl-x', 'lk-db', 'true'])).code, 0);
  assert.match((await t.berth(['start', '--checkpoint', 'c1', 'lk-web'])).stderr, /checkpoint\/restore is not supported/);
  const wrong = await t.berth(['image', 'inspect', '--platform', 'linux/arm64', 'busybox']);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /does not match the specified platform: wanted linux\/arm64, actual: linux\/amd64/);
  assert.equal((await t.berth(['history', '--platform', 'linux/amd64', '-q', 'busybox'])).code, 0);
  for (const [args, message] of [
    [['--ipam-driver', 'foo'], /IPAM driver "foo" not found/],
    [['--aux-address', 'a=10.5.0.9'], /--aux-address is not supported/],
    [['--scope', 'swarm'], /berth networks are local/],
    [['--ipv4=false'], /berth networks are IPv4/],
  ] as const) {
    const r = await t.berth(['network', 'create', ...args, 'badnet']);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, message);
  }
  assert.equal((await t.berth(['network', 'ls', '-q', '--filter', 'name=badnet'])).stdout, '');
  await t.berth(['rm', '-f', 'lk-db', 'lk-web', cq.stdout.trim()]);
});

test('a container killed for memory is OOMKilled with 137 and an oom event; its next run starts clean', async () => {
  // the first run eats memory; the next ones (the file is in the container's layer) sleep
  const r = await t.berth(
    [
      'run',
      '--name',
      'oomer',
      '-m',
      '8m',
      '--memory-swap',
      '8m',
      'busybox',
      'sh',
      '-c',
      'if [ -f /oomed ]; then sleep 30; else touch /oomed; tail /dev/zero; fi',
    ],
    { timeoutMs: 30000 },
  );
  assert.equal(r.code, 137, r.stderr);
  assert.equal((await t.berth(['inspect', '-f', '{{.State.OOMKilled}} {{.State.ExitCode}}', 'oomer'])).stdout, 'true 137\n');
  const ev = await t.berth(['events', '--since', '1m', '--until', '0s', '--filter', 'container=oomer', '--format', '{{.Action}}']);
  assert.match(ev.stdout, /^oom\ndie$/m);
  // the same container's next run: no OOM carried over
  await t.berth(['start', 'oomer']);
  assert.equal((await t.berth(['inspect', '-f', '{{.State.OOMKilled}}', 'oomer'])).stdout, 'false\n');
  await t.berth(['rm', '-f', 'oomer']);
});

test('volume create -o: a tmpfs shared by the containers using it, gone with the last; a bind of a host directory; bad options refused', async () => {
  const mounted = () => fs.readFileSync('/proc/self/mountinfo', 'utf8').includes(`${t.root}/volumes/tmpv/_data`);
  assert.equal((await t.berth(['volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=1m,uid=1000', 'tmpv'])).code, 0);
  assert.equal((await t.berth(['volume', 'inspect', '-f', '{{.Options.type}} {{.Options.o}}', 'tmpv'])).stdout, 'tmpfs size=1m,uid=1000\n');
  assert.match((await t.berth(['volume', 'inspect', '-f', '{{.CreatedAt}}', 'tmpv'])).stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
  const df = await t.berth(['run', '--rm', '-v', 'tmpv:/d', 'busybox', 'sh', '-c', 'df -k /d | tail -1; stat -c %u /d']);
  assert.match(df.stdout, /^tmpfs\s+1024\s/m);
  assert.match(df.stdout, /^1000$/m);
  assert.ok(!mounted(), 'unmounted when its last container stopped');
  assert.equal((await t.berth(['run', '-d', '--name', 'holder', '-v', 'tmpv:/d', 'busybox', 'sleep', '30'])).code, 0);
  assert.equal((await t.berth(['run', '--rm', '-v', 'tmpv:/d', 'busybox', 'sh', '-c', 'echo shared > /d/f'])).code, 0);
  assert.equal((await t.berth(['exec', 'holder', 'cat', '/d/f'])).stdout, 'shared\n');
  assert.ok(mounted());
  await t.berth(['rm', '-f', 'holder']);
  assert.ok(!mounted());

  const host = fs.mkdtempSync('/var/tmp/berth-volbind-');
  try {
    fs.writeFileSync(`${host}/from-host`, 'yes\n');
    assert.equal((await t.berth(['volume', 'create', '-o', 'type=none', '-o', 'o=bind', '-o', `device=${host}`, 'bindv'])).code, 0);
    assert.equal((await t.berth(['run', '--rm', '-v', 'bindv:/b', 'busybox', 'cat', '/b/from-host'])).stdout, 'yes\n');
    assert.equal((await t.berth(['volume', 'rm', 'bindv', 'tmpv'])).code, 0);
    assert.ok(fs.existsSync(`${host}/from-host`), 'removing the volume leaves the host directory alone');
  } finally {
    fs.rmSync(host, { recursive: true, force: true });
  }
  // the same through --mount's volume-opt, for a volume the container creates
  const viaMount = await t.berth([
    'run',
    '--rm',
    '--mount',
    'type=volume,src=mountv,dst=/m,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=size=2m,volume-label=team=a',
    'busybox',
    'df',
    '-k',
    '/m',
  ]);
  assert.match(viaMount.stdout, /^tmpfs\s+2048\s/m);
  assert.equal((await t.berth(['volume', 'inspect', '-f', '{{.Options.type}} {{.Labels.team}}', 'mountv'])).stdout, 'tmpfs a\n');
  await t.berth(['volume', 'rm', 'mountv']);
  for (const [opts, message] of [
    [['-o', 'type=tmpfs'], /missing required option: "device"/],
    [['-o', 'color=red'], /invalid option key: "color"/],
    [['-o', 'type=none', '-o', 'device=/tmp'], /needs o=bind/],
  ] as const) {
    const r = await t.berth(['volume', 'create', ...opts, 'badv']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, message);
  }
});

test('--link NAME:ALIAS puts the linked container in /etc/hosts (alias, short id, name); a stopped one is refused', async () => {
  const db = await t.berth(['run', '-d', '--name', 'linkdb', 'busybox', 'sleep', '30']);
  assert.equal(db.code, 0, db.stderr);
  const ip = (await t.berth(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'linkdb'])).stdout.trim();
  const r = await t.berth([
    'run',
    '--rm',
    '--link',
    'linkdb:database',
    'busybox',
    'sh',
    '-c',
    'grep database /etc/hosts; ping -c1 -W2 database >/dev/null && echo reachable',
  ]);
  assert.equal(r.stdout, `${ip}\tdatabase ${db.stdout.trim().slice(0, 12)} linkdb\nreachable\n`);
  await t.berth(['stop', '-t', '0', 'linkdb']);
  const refused = await t.berth(['run', '--rm', '--link', 'linkdb', 'busybox', 'true']);
  assert.equal(refused.code, 125);
  assert.match(refused.stderr, /Cannot link to a non running container: \/linkdb/);
  await t.berth(['rm', '-f', 'linkdb']);
});

test("--cgroup-parent puts the container's cgroup under that parent; a relative climb or a systemd slice is refused", async () => {
  const parent = `berthtest${process.pid}`;
  try {
    const r = await t.berth(['run', '--rm', '--cgroup-parent', parent, 'busybox', 'cat', '/proc/self/cgroup']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`:/${parent}/[0-9a-f]{64}$`, 'm'));
    for (const bad of ['../x', 'x.slice']) assert.equal((await t.berth(['run', '--rm', '--cgroup-parent', bad, 'busybox', 'true'])).code, 125);
  } finally {
    // runc made the parent in every hierarchy; remove what the test made
    for (const d of fs.readdirSync('/sys/fs/cgroup')) {
      try {
        fs.rmdirSync(`/sys/fs/cgroup/${d}/${parent}`);
      } catch {
        /* not there */
      }
    }
  }
});

test("cp gives copied files to root in the container and to the caller on the host, or keeps owners with -a; a running container's / is a destination", async () => {
  const dir = fs.mkdtempSync('/var/tmp/berth-cpown-');
  try {
    fs.writeFileSync(`${dir}/f`, 'x\n');
    fs.chownSync(`${dir}/f`, 1234, 1234);
    assert.equal((await t.berth(['run', '-d', '--name', 'cpown', 'busybox', 'sh', '-c', 'echo y > /o; chown 65534:65534 /o; sleep 30'])).code, 0);
    for (let i = 0; i < 20 && (await t.berth(['exec', 'cpown', 'test', '-f', '/o'])).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await t.berth(['cp', `${dir}/f`, 'cpown:/plain'])).code, 0);
    assert.equal((await t.berth(['cp', '-a', `${dir}/f`, 'cpown:/kept'])).code, 0);
    assert.equal((await t.berth(['exec', 'cpown', 'stat', '-c', '%n %u:%g', '/plain', '/kept'])).stdout, '/plain 0:0\n/kept 1234:1234\n');
    assert.equal((await t.berth(['cp', 'cpown:/o', `${dir}/o1`])).code, 0);
    assert.equal((await t.berth(['cp', '-a', 'cpown:/o', `${dir}/o2`])).code, 0);
    assert.deepEqual([fs.statSync(`${dir}/o1`).uid, fs.statSync(`${dir}/o2`).uid], [process.getuid?.() ?? 0, 65534]);
  } finally {
    await t.berth(['rm', '-f', 'cpown']);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--device-read-bps/--device-write-iops reach the blkio cgroup; a missing device and --gpus are refused', async () => {
  const disk = ['/dev/vda', '/dev/sda', '/dev/nvme0n1', '/dev/xvda'].find((d) => fs.existsSync(d) && fs.statSync(d).isBlockDevice());
  assert.ok(disk, 'the host has a block device to throttle');
  // cgroup v1: the blkio throttle files; v2: io.max
  const v1 = fs.existsSync('/sys/fs/cgroup/blkio/blkio.throttle.read_bps_device');
  const files = v1
    ? ['/sys/fs/cgroup/blkio/blkio.throttle.read_bps_device', '/sys/fs/cgroup/blkio/blkio.throttle.write_iops_device']
    : ['/sys/fs/cgroup/io.max'];
  const r = await t.berth(['run', '--rm', '--device-read-bps', `${disk}:1mb`, '--device-write-iops', `${disk}:100`, 'busybox', 'cat', ...files]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, v1 ? /^\d+:\d+ 1048576\n\d+:\d+ 100\n$/ : /^\d+:\d+ rbps=1048576 wbps=max riops=max wiops=100$/m);
  for (const args of [
    ['--device-read-bps', '/dev/nope:1mb'],
    ['--device-write-bps', '/dev/null:1mb'],
    ['--gpus', 'all'],
  ]) {
    assert.equal((await t.berth(['run', '--rm', ...args, 'busybox', 'true'])).code, 125, args.join(' '));
  }
});

test("--pid container:NAME sees that container's processes; --ipc container:NAME shares a shareable one's /dev/shm", async () => {
  assert.equal(
    (await t.berth(['run', '-d', '--name', 'donor', '--ipc', 'shareable', 'busybox', 'sh', '-c', 'echo shared > /dev/shm/marker; exec sleep 30'])).code,
    0,
  );
  for (let i = 0; i < 30 && (await t.berth(['exec', 'donor', 'test', '-f', '/dev/shm/marker'])).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
  const ps = await t.berth(['run', '--rm', '--pid', 'container:donor', 'busybox', 'ps', '-o', 'pid,comm']);
  assert.match(ps.stdout, /^\s*1 sleep$/m);
  assert.equal((await t.berth(['run', '--rm', '--ipc', 'container:donor', 'busybox', 'cat', '/dev/shm/marker'])).stdout, 'shared\n');
  assert.equal((await t.berth(['run', '-d', '--name', 'private-ipc', 'busybox', 'sleep', '30'])).code, 0);
  const refused = await t.berth(['run', '--rm', '--ipc', 'container:private-ipc', 'busybox', 'true']);
  assert.equal(refused.code, 125);
  assert.match(refused.stderr, /non-shareable IPC/);
  await t.berth(['rm', '-f', 'donor', 'private-ipc']);
  assert.ok(!fs.readFileSync('/proc/self/mountinfo', 'utf8').includes(`${t.root}/containers/`), 'no shm mount outlives its container');
  await t.berth(['create', '--name', 'idle', 'busybox', 'true']);
  const stopped = await t.berth(['run', '--rm', '--pid', 'container:idle', 'busybox', 'true']);
  assert.match(stopped.stderr, /cannot join PID of a non running container: idle/);
  await t.berth(['rm', 'idle']);
});
