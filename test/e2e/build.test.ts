import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestEnv, BERTH_BIN, type TestEnv } from '../../src/testkit/berth-cli.js';
import { debianMirrorReachable, debianRootfsTar } from '../../src/testkit/debian-rootfs.js';

let t: TestEnv;
let work: string;

before(async () => {
  t = makeTestEnv();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-build-'));
  await t.importBusybox();
});
after(async () => {
  await t.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

/** A context directory with these files (paths relative to it). */
function context(name: string, files: Record<string, string>): string {
  const dir = path.join(work, name);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

const idOf = (stdout: string) => (/(sha256:[0-9a-f]{64})\s*$/.exec(stdout) ?? [])[1];

async function noBuildContainers(): Promise<void> {
  const ps = await t.berth(['ps', '-aq']);
  assert.equal(ps.stdout, '', 'a build container was left behind');
}

test('a multi-stage build skips stages the target does not need and copies between stages', async () => {
  const dir = context('multi', {
    Containerfile: [
      'ARG BASE=busybox',
      'FROM ${BASE} AS builder',
      'ARG MSG=default',
      'RUN echo "msg=$MSG" > /out.txt',
      'FROM busybox AS unused',
      'RUN echo SHOULD-NOT-RUN',
      'FROM ${BASE}',
      'COPY --from=builder /out.txt /final/',
      'CMD ["cat", "/final/out.txt"]',
      '',
    ].join('\n'),
  });
  const r = await t.berth(['build', '--build-arg', 'MSG=hey', '-t', 'multi:1', '-t', 'multi:2', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /SHOULD-NOT-RUN/);
  assert.match(r.stdout, /^STEP 1\/6: FROM \$\{BASE\} AS builder$/m);
  assert.match(r.stdout, /^STEP 6\/6: CMD/m);
  assert.match(r.stdout, /^Successfully built [0-9a-f]{12}\nSuccessfully tagged multi:1\nSuccessfully tagged multi:2\n/m);
  const run = await t.berth(['run', '--rm', 'multi:2']);
  assert.equal(run.stdout, 'msg=hey\n');
  const target = await t.berth(['build', '-q', '--target', 'unused', '-t', 'unused', dir]);
  assert.equal(target.code, 0, target.stderr);
  assert.match(target.stdout, /^sha256:[0-9a-f]{64}\n$/);
  await noBuildContainers();
});

test('a rebuild with nothing changed runs no RUN and gives the same image id; a changed file re-runs from its COPY', async () => {
  const dir = context('cache', {
    Containerfile: ['FROM busybox', 'RUN echo first-run', 'COPY a.txt /a.txt', 'RUN echo second-run && cat /a.txt', 'ENV X=1', ''].join('\n'),
    'a.txt': 'one\n',
  });
  const first = await t.berth(['build', '-t', 'cached', dir]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^first-run$/m);
  assert.match(first.stdout, /^second-run$/m);
  const id = idOf(first.stdout);
  assert.ok(id);

  const again = await t.berth(['build', '-t', 'cached', dir]);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stdout, /^(first|second)-run$/m);
  assert.equal((again.stdout.match(/--> Using cache [0-9a-f]{64}/g) ?? []).length, 4);
  assert.equal(idOf(again.stdout), id);

  // touching a file without changing it does not bust the cache (docker ignores mtimes)
  const later = new Date(Date.now() + 60_000);
  fs.utimesSync(path.join(dir, 'a.txt'), later, later);
  assert.equal(idOf((await t.berth(['build', '-q', dir])).stdout), id);

  fs.writeFileSync(path.join(dir, 'a.txt'), 'two\n');
  const changed = await t.berth(['build', '-t', 'cached', dir]);
  assert.equal(changed.code, 0, changed.stderr);
  assert.doesNotMatch(changed.stdout, /^first-run$/m);
  assert.match(changed.stdout, /^second-run\ntwo$/m);
  assert.notEqual(idOf(changed.stdout), id);

  const noCache = await t.berth(['build', '--no-cache', dir]);
  assert.match(noCache.stdout, /^first-run$/m);
  assert.doesNotMatch(noCache.stdout, /Using cache/);
});

test('a changed build arg re-runs the RUN steps that see it', async () => {
  const dir = context('args', { Containerfile: 'FROM busybox\nARG V=1\nRUN echo "v is $V"\n' });
  assert.match((await t.berth(['build', dir])).stdout, /^v is 1$/m);
  assert.doesNotMatch((await t.berth(['build', dir])).stdout, /^v is/m);
  assert.match((await t.berth(['build', '--build-arg', 'V=2', dir])).stdout, /^v is 2$/m);
});

test('COPY --chown and --chmod, globs, and .dockerignore with an exception', async () => {
  const dir = context('copy', {
    Containerfile: ['FROM busybox', 'COPY --chown=www-data:33 --chmod=0640 sub/ /data/', 'COPY *.log /logs/', 'COPY a.txt rel.txt', ''].join('\n'),
    'sub/s.txt': 's',
    'sub/deep/d.txt': 'd',
    'x.log': 'x',
    'keep.log': 'k',
    'a.txt': 'a',
    '.dockerignore': '*.log\n!keep.log\n',
  });
  const r = await t.berth(['build', '-q', '-t', 'copied', dir]);
  assert.equal(r.code, 0, r.stderr);
  const ls = await t.berth(['run', '--rm', 'copied', 'sh', '-c', 'stat -c "%n %a %u:%g" /data/s.txt /data/deep/d.txt; ls /logs; ls /rel.txt']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.equal(ls.stdout, '/data/s.txt 640 33:33\n/data/deep/d.txt 640 33:33\nkeep.log\n/rel.txt\n');
});

test('ADD unpacks local tar archives in every compression docker accepts', async () => {
  const dir = context('add', { Containerfile: '', 'payload/hello.txt': 'hi\n' });
  const files: string[] = [];
  for (const [name, flag] of [
    ['p.tar', ''],
    ['p.tar.gz', '-z'],
    ['p.tar.bz2', '-j'],
    ['p.tar.xz', '-J'],
    ['p.tar.zst', '--zstd'],
  ] as const) {
    execFileSync('tar', ['-C', path.join(dir, 'payload'), ...(flag ? [flag] : []), '-cf', path.join(dir, name), 'hello.txt']);
    files.push(`ADD ${name} /out/${name.replace(/\./g, '_')}/`);
  }
  fs.writeFileSync(path.join(dir, 'Containerfile'), ['FROM busybox', ...files, ''].join('\n'));
  const r = await t.berth(['build', '-q', '-t', 'added', dir]);
  assert.equal(r.code, 0, r.stderr);
  const cat = await t.berth(['run', '--rm', 'added', 'sh', '-c', 'cat /out/*/hello.txt | wc -l']);
  assert.equal(cat.stdout.trim(), '5');
});

test('the image config carries every instruction, and history names each step', async () => {
  const dir = context('config', {
    Containerfile: [
      'FROM busybox',
      'ENV A=1 B="two words"',
      'WORKDIR /srv',
      'WORKDIR app',
      'USER nobody',
      'EXPOSE 80 53/udp',
      'VOLUME /v',
      'LABEL l1=x "l 2"=y',
      'STOPSIGNAL SIGTERM',
      'HEALTHCHECK --interval=30s --retries=2 CMD ["true"]',
      'SHELL ["/bin/sh", "-ec"]',
      'ENTRYPOINT ["sh"]',
      'CMD echo $A',
      'ONBUILD RUN echo triggered',
      '',
    ].join('\n'),
  });
  const r = await t.berth(['build', '-q', '--label', 'extra=1', '-t', 'configured', dir]);
  assert.equal(r.code, 0, r.stderr);
  const c = JSON.parse((await t.berth(['image', 'inspect', '--format', '{{json .Config}}', 'configured'])).stdout) as Record<string, unknown>;
  assert.deepEqual(c['Env'], ['A=1', 'B=two words']);
  assert.equal(c['WorkingDir'], '/srv/app');
  assert.equal(c['User'], 'nobody');
  assert.deepEqual(c['ExposedPorts'], { '80/tcp': {}, '53/udp': {} });
  assert.deepEqual(c['Volumes'], { '/v': {} });
  assert.deepEqual(c['Labels'], { l1: 'x', 'l 2': 'y', extra: '1' });
  assert.equal(c['StopSignal'], 'SIGTERM');
  assert.deepEqual(c['Healthcheck'], { Test: ['CMD', 'true'], Interval: 30_000_000_000, Retries: 2 });
  assert.deepEqual(c['Shell'], ['/bin/sh', '-ec']);
  assert.deepEqual(c['Entrypoint'], ['sh']);
  assert.deepEqual(c['Cmd'], ['/bin/sh', '-ec', 'echo $A']);
  assert.deepEqual(c['OnBuild'], ['RUN echo triggered']);
  const h = await t.berth(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'configured']);
  assert.match(h.stdout, /^ONBUILD RUN echo triggered$/m);
  assert.match(h.stdout, /^WORKDIR \/srv\/app$/m);

  // ONBUILD triggers run in the image built FROM this one, and are not inherited further
  const child = context('child', { Containerfile: 'FROM configured\nRUN echo child-run\n' });
  const b = await t.berth(['build', '-t', 'child', child]);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout, /Executing 1 build trigger\ntriggered\nSTEP 2\/2: RUN echo child-run\nchild-run\n/);
  assert.equal((await t.berth(['image', 'inspect', '--format', '{{json .Config.OnBuild}}', 'child'])).stdout.trim(), 'null');
});

test('RUN heredocs, exec form, the stage user and workdir', async () => {
  const dir = context('heredoc', {
    Containerfile: [
      'FROM busybox',
      'WORKDIR /w',
      'RUN <<EOF',
      'echo "script in $(pwd)" > out',
      'EOF',
      'RUN ["sh", "-c", "cat > /w/fed <<X\\nfed line\\nX"]',
      'COPY <<F /w/inline',
      'inline $HOME',
      'F',
      'USER nobody',
      'RUN echo "uid=$(id -u)"',
      '',
    ].join('\n'),
  });
  const r = await t.berth(['build', '-t', 'heredoc', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^uid=65534$/m);
  const out = await t.berth(['run', '--rm', '-u', 'root', 'heredoc', 'cat', '/w/out', '/w/fed', '/w/inline']);
  assert.equal(out.stdout, 'script in /w\nfed line\ninline \n');
});

test('RUN --mount: cache kept between builds, tmpfs, binds from the context and a stage, secrets; none of it in the image', async () => {
  const secret = path.join(work, 'token.txt');
  fs.writeFileSync(secret, 's3cr3t-value\n');
  const dir = context('mounts', {
    'data/conf.txt': 'from the context\n',
    Containerfile: [
      'FROM busybox AS base',
      'RUN mkdir /made && echo made-in-base > /made/it',
      'FROM busybox',
      'WORKDIR /app',
      'RUN --mount=type=cache,target=/var/cache/tool,id=tool echo run >> /var/cache/tool/log && echo "runs=$(wc -l < /var/cache/tool/log)"',
      'RUN --mount=type=tmpfs,target=/scratch touch /scratch/x && echo "tmpfs=$(ls /scratch)"',
      'RUN --mount=type=bind,source=data,target=ctx cat ctx/conf.txt && ! touch ctx/new 2>/dev/null',
      'RUN --mount=type=bind,source=data,target=/rw,rw touch /rw/new && echo rw-ok',
      'RUN --mount=type=bind,from=base,source=/made,target=/from-base cp /from-base/it /copied',
      'RUN --mount=type=secret,id=token cat /run/secrets/token > /dev/null && echo "secret-len=$(wc -c < /run/secrets/token)"',
      'RUN --mount=type=secret,id=absent echo optional-secret-skipped',
      '',
    ].join('\n'),
  });
  const r = await t.berth(['build', '--secret', `id=token,src=${secret}`, '-t', 'mounts', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^runs=1$/m);
  assert.match(r.stdout, /^tmpfs=x$/m);
  assert.match(r.stdout, /^from the context$/m);
  assert.match(r.stdout, /^rw-ok$/m);
  assert.match(r.stdout, /^secret-len=13$/m);
  assert.match(r.stdout, /^optional-secret-skipped$/m);
  // what the steps wrote stays; their mount points and the secret do not
  const ls = await t.berth([
    'run',
    '--rm',
    'mounts',
    'sh',
    '-c',
    'cat /copied; ls -a /app; ls -d /var/cache/tool /scratch /rw /from-base /run/secrets 2>&1 | grep -c "No such file"',
  ]);
  assert.equal(ls.stdout, 'made-in-base\n.\n..\n5\n');
  assert.ok(
    !fs.readFileSync(path.join(dir, 'data', 'conf.txt'), 'utf8').includes('new') && !fs.existsSync(path.join(dir, 'data', 'new')),
    'an rw bind does not write to the context',
  );
  const saved = execFileSync(BERTH_BIN, ['save', 'mounts'], { env: { ...process.env, BERTH_ROOT: t.root, BERTH_RUNROOT: t.runRoot }, maxBuffer: 64 << 20 });
  assert.ok(!saved.includes('s3cr3t-value'), 'the secret is in no layer');

  // the cache survives a rebuild without the layer cache; a bind's content is part of the key
  const again = await t.berth(['build', '--no-cache', '--secret', `id=token,src=${secret}`, '-t', 'mounts', dir]);
  assert.match(again.stdout, /^runs=2$/m);
  fs.writeFileSync(path.join(dir, 'data', 'conf.txt'), 'changed\n');
  const changed = await t.berth(['build', '--secret', `id=token,src=${secret}`, '-t', 'mounts', dir]);
  assert.match(changed.stdout, /^changed$/m);
  assert.match(changed.stdout, /STEP 5\/11[^\n]*\n--> Using cache/);

  fs.writeFileSync(path.join(dir, 'Containerfile'), 'FROM busybox\nRUN --mount=type=secret,id=needed,required true\n');
  const missing = await t.berth(['build', dir]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /secret "needed" is required/);
  await noBuildContainers();
});

test("build -o writes the result's files to a directory or as a tar, and keeps no unnamed image", async () => {
  const dir = context('output', {
    Containerfile: 'FROM busybox AS b\nRUN mkdir /out && echo artifact > /out/result.txt && ln -s result.txt /out/link\nFROM scratch\nCOPY --from=b /out/ /\n',
  });
  const before = (await t.berth(['images', '-q'])).stdout;
  const dest = path.join(work, 'output-dir');
  const r = await t.berth(['build', '-o', dest, dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.readFileSync(path.join(dest, 'result.txt'), 'utf8'), 'artifact\n');
  assert.equal(fs.readlinkSync(path.join(dest, 'link')), 'result.txt');
  const tarFile = path.join(work, 'output.tar');
  assert.equal((await t.berth(['build', '--output', `type=tar,dest=${tarFile}`, dir])).code, 0);
  assert.deepEqual(execFileSync('tar', ['-tf', tarFile], { encoding: 'utf8' }).trim().split('\n').sort(), ['link', 'result.txt']);
  const piped = execFileSync(BERTH_BIN, ['build', '-o', '-', dir], {
    env: { ...process.env, BERTH_ROOT: t.root, BERTH_RUNROOT: t.runRoot },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  assert.deepEqual(execFileSync('tar', ['-t'], { input: piped, encoding: 'utf8' }).trim().split('\n').sort(), ['link', 'result.txt']);
  assert.equal((await t.berth(['images', '-q'])).stdout, before);
  assert.equal((await t.berth(['build', '-o', 'type=registry', dir])).code, 1);
});

test('builder prune empties the build cache and the RUN cache mounts; system df counts them', async () => {
  const dir = context('prunable', {
    Containerfile: 'FROM busybox\nRUN --mount=type=cache,target=/c,id=prunable echo . >> /c/n && echo "n=$(wc -l < /c/n)" && echo made > /made\n',
  });
  const first = await t.berth(['build', '-t', 'prunable', dir]);
  assert.match(first.stdout, /^n=1$/m);
  const df = await t.berth(['system', 'df', '--format', '{{.Type}} {{.TotalCount}}']);
  assert.match(df.stdout, /^Build Cache [1-9]\d*$/m);
  // until= keeps what was used since; a --keep-storage above the cache's size keeps it all
  await t.berth(['builder', 'prune', '-f', '--filter', 'until=1h']);
  await t.berth(['builder', 'prune', '-f', '--keep-storage', '1g']);
  assert.match((await t.berth(['build', '-t', 'prunable', dir])).stdout, /Using cache/);
  assert.match((await t.berth(['builder', 'prune', '--filter', 'id=x'])).stderr, /invalid filter 'id=x'/);
  const p = await t.berth(['builder', 'prune', '-f']);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /^Total:\t\S+$/m);
  assert.match((await t.berth(['system', 'df', '--format', '{{.Type}} {{.TotalCount}}'])).stdout, /^Build Cache 0$/m);
  const again = await t.berth(['build', '-t', 'prunable', dir]);
  assert.doesNotMatch(again.stdout, /Using cache/);
  assert.match(again.stdout, /^n=1$/m);
  // the image the first build tagged kept its layers
  assert.equal((await t.berth(['run', '--rm', 'prunable', 'cat', '/made'])).stdout, 'made\n');
});

test('-f - reads the Containerfile from stdin; a tar context; --iidfile', async () => {
  const dir = context('stdin', { 'f.txt': 'from tar\n' });
  const iid = path.join(work, 'iid');
  const r = await t.berth(['build', '-q', '-f', '-', '--iidfile', iid, dir], { input: 'FROM busybox\nCOPY f.txt /\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.readFileSync(iid, 'utf8'), r.stdout.trim());
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\nCOPY f.txt /\nCMD ["cat", "/f.txt"]\n');
  const tar = execFileSync('tar', ['-C', dir, '-c', '.']);
  const fromTar = await t.berth(['build', '-q', '-t', 'fromtar', '-'], { input: tar });
  assert.equal(fromTar.code, 0, fromTar.stderr);
  assert.equal((await t.berth(['run', '--rm', 'fromtar'])).stdout, 'from tar\n');
});

test('bad input fails with a clear error, exit 1 as docker build, nothing tagged and no container left', async () => {
  const cases: Array<[string, RegExp]> = [
    ['FROM busybox\nRUN echo partial; exit 3\n', /Containerfile:2: RUN: running "\/bin\/sh -c echo partial; exit 3": exit status 3/],
    ['FROM busybox\n\nFORM x\n', /Containerfile:3: unknown instruction: FORM: "FORM x"/],
    ['FROM busybox\nCOPY --from=nostage /x /y\n', /--from=nostage: no build stage or image of that name/],
    ['FROM busybox\nCOPY ../outside /y\n', /forbidden path outside the build context: \.\.\/outside/],
    ['FROM busybox\nCOPY missing.txt /y\n', /file not found in build context.*missing\.txt/],
    ['FROM busybox\nCOPY *.none /y/\n', /no source files were specified/],
    ['FROM nosuchimage\n', /image "nosuchimage" is not stored here/],
    ['FROM busybox\nADD http://127.0.0.1:9/file /x\n', /ADD http:\/\/127\.0\.0\.1:9\/file: cannot download/],
  ];
  for (const [file, re] of cases) {
    const dir = context('bad', { Containerfile: file });
    const r = await t.berth(['build', '-t', 'must-not-exist', dir]);
    assert.equal(r.code, 1, `${file}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('Error:')).length, 1);
  }
  assert.equal((await t.berth(['images', '-q', 'must-not-exist'])).stdout, '');
  await noBuildContainers();
  assert.deepEqual(fs.readdirSync(path.join(t.root, 'tmp')), []);
});

test('Ctrl-C during a RUN stops the build and removes its container', async () => {
  const dir = context('cancel', { Containerfile: 'FROM busybox\nRUN echo started; sleep 60\n' });
  const child = spawn(BERTH_BIN, ['build', dir], { env: t.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('started')) resolve();
    });
  });
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 130, err);
  assert.match(err, /build cancelled/);
  await noBuildContainers();
  const mounts = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(t.root));
  assert.deepEqual(mounts, []);
});

test('FROM a debootstrap Debian, RUN apt-get install over the host network', { timeout: 600_000 }, async (tt) => {
  if (!debianMirrorReachable()) {
    tt.skip("Debian's mirror (deb.debian.org) is unreachable from this machine");
    return;
  }
  const tar = debianRootfsTar();
  assert.equal((await t.berth(['import', tar, 'debian:bookworm'])).code, 0);
  const dir = context('debian', {
    Containerfile:
      'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends hello && rm -rf /var/lib/apt/lists/*\nCMD ["hello"]\n',
  });
  const r = await t.berth(['build', '--network', 'host', '-t', 'debian-hello', dir], { timeoutMs: 540_000 });
  assert.equal(r.code, 0, r.stderr);
  const run = await t.berth(['run', '--rm', 'debian-hello']);
  assert.equal(run.stdout, 'Hello, world!\n');
  const again = await t.berth(['build', '--network', 'host', '-t', 'debian-hello', dir]);
  assert.doesNotMatch(again.stdout, /^(Get:|Setting up)/m);
  assert.equal(idOf(again.stdout), idOf(r.stdout));
});

test('build passes --memory, --ulimit, --shm-size and --add-host to RUN steps; image build and builder build are build', async () => {
  const dir = context('runflags', {
    Dockerfile: 'FROM busybox\nRUN ulimit -n > /u && grep -c myhost /etc/hosts > /h && df -k /dev/shm | tail -1 | tr -s " " | cut -d" " -f2 > /s\n',
  });
  const r = await t.berth(
    [
      'image',
      'build',
      '-t',
      'runflags',
      '-m',
      '64m',
      '--ulimit',
      'nofile=123:123',
      '--shm-size',
      '8m',
      '--add-host',
      'myhost:10.1.2.3',
      '--cache-from',
      'whatever',
      '--compress',
      dir,
    ],
    { timeoutMs: 60000 },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /--cache-from is not used/);
  const out = await t.berth(['run', '--rm', 'runflags', 'cat', '/u', '/h', '/s']);
  assert.equal(out.stdout, '123\n1\n8192\n');
  // the RUN step's /etc/hosts was a mount: the image has none of its own
  const ls = await t.berth(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', 'runflags', '-c', 'grep -c myhost /etc/hosts || true']);
  assert.equal(ls.stdout, '0\n');
  const q = await t.berth(['builder', 'build', '-q', dir]);
  assert.equal(q.code, 0, q.stderr);
  assert.match(q.stdout, /^sha256:[0-9a-f]{64}\n$/);
  const squash = await t.berth(['build', '--squash', dir]);
  assert.equal(squash.code, 1);
  assert.match(squash.stderr, /--squash is not supported/);
  await t.berth(['rmi', 'runflags']);
});

test("RUN steps are on the default bridge, not the host's network; --network host and RUN --network=none|host choose", async () => {
  const dir = context('netns', {
    Dockerfile:
      'FROM busybox\nRUN readlink /proc/self/ns/net > /ns-default && ip -4 -o addr show eth0 | wc -l > /eth0\nRUN --network=host readlink /proc/self/ns/net > /ns-host\nRUN --network=none sh -c "ip -o link | wc -l" > /links-none\n',
  });
  const r = await t.berth(['build', '--no-cache', '-t', 'netns', dir], { timeoutMs: 60000 });
  assert.equal(r.code, 0, r.stderr);
  const host = fs.readlinkSync('/proc/self/ns/net');
  const out = (await t.berth(['run', '--rm', 'netns', 'cat', '/ns-default', '/eth0', '/ns-host', '/links-none'])).stdout.split('\n');
  assert.notEqual(out[0], host, "a RUN step shared the host's network namespace");
  assert.equal(out[1], '1', 'the default RUN network has an eth0 with an address');
  assert.equal(out[2], host);
  assert.equal(out[3], '1', 'RUN --network=none has only lo');
  const hostBuild = await t.berth([
    'build',
    '--no-cache',
    '--network',
    'host',
    '-q',
    context('netns2', { Dockerfile: 'FROM busybox\nRUN readlink /proc/self/ns/net > /ns\n' }),
  ]);
  assert.equal(hostBuild.code, 0, hostBuild.stderr);
  assert.equal((await t.berth(['run', '--rm', hostBuild.stdout.trim(), 'cat', '/ns'])).stdout, `${host}\n`);
  await t.berth(['rmi', 'netns', hostBuild.stdout.trim()]);
});

/** Lines of this process's mount table under the test's storage root. */
function mountsUnderRoot(): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => (l.split(' ')[4] ?? '').startsWith(t.root));
}

test('a FIFO in the context is copied as a FIFO (never opened), and a build that copied one ends promptly on SIGINT with nothing left mounted', async () => {
  const dir = context('fifo', { Containerfile: 'FROM busybox\nCOPY . /x\nRUN test -p /x/fifo && echo started; sleep 60\n', 'a.txt': 'a\n' });
  execFileSync('mkfifo', [path.join(dir, 'fifo')]);
  const child = spawn(BERTH_BIN, ['build', dir], { env: t.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const started = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('started')) {
        clearTimeout(timer);
        resolve(true);
      }
    });
  });
  const t0 = Date.now();
  child.kill('SIGINT');
  // a build that ignores SIGINT is killed at last, so that the test ends
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await closed;
  clearTimeout(killer);
  const ms = Date.now() - t0;
  assert.ok(started, `COPY of a FIFO did not get to the RUN step: ${out}${err}`);
  assert.ok(ms < 10_000, `the build took ${ms} ms to end after SIGINT`);
  assert.equal(code, 130, err);
  assert.deepEqual(mountsUnderRoot(), []);
  assert.deepEqual(fs.readdirSync(path.join(t.root, 'tmp')), []);
  await noBuildContainers();

  // and the image has the FIFO, as docker's, and a device node as one; a socket is skipped
  fs.writeFileSync(path.join(dir, 'Containerfile'), 'FROM busybox\nCOPY . /x\n');
  execFileSync('mknod', [path.join(dir, 'null'), 'c', '1', '3']);
  execFileSync('python3', ['-c', `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(path.join(dir, 'sock'))})`]);
  const b = await t.berth(['build', '-q', '-t', 'with-fifo', dir], { timeoutMs: 30_000 });
  assert.equal(b.code, 0, b.stderr);
  const ls = await t.berth([
    'run',
    '--rm',
    'with-fifo',
    'sh',
    '-c',
    'test -p /x/fifo && test -c /x/null && ! test -e /x/sock && stat -c %t,%T /x/null && cat /x/a.txt',
  ]);
  assert.equal(ls.stdout, '1,3\na\n', ls.stderr);
});

test('ADD of a tar whose entry climbs out (../../../../var/tmp/x) is a one-line error: nothing written outside, nothing left mounted', async () => {
  const dir = context('evil', { Containerfile: 'FROM busybox\nADD evil.tar /\n' });
  const name = `berth-evil-${process.pid}`;
  fs.writeFileSync(path.join(work, name), 'evil\n');
  // GNU tar keeps the ../ only with -P
  execFileSync('tar', ['-C', work, '-P', '-cf', path.join(dir, 'evil.tar'), '--transform', 's|^|../../../../var/tmp/|', name]);
  try {
    const r = await t.berth(['build', '-t', 'evil', dir], { timeoutMs: 30_000 });
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr.slice(0, 2000));
    assert.match(
      r.stderr,
      /^Error: Containerfile:2: ADD: evil\.tar: archive entry "\.\.\/\.\.\/\.\.\/\.\.\/var\/tmp\/berth-evil-\d+" is outside of the destination\n$/,
    );
    assert.equal(fs.existsSync(`/var/tmp/${name}`), false);
    assert.deepEqual(mountsUnderRoot(), []);
    assert.deepEqual(fs.readdirSync(path.join(t.root, 'tmp')), []);
    assert.equal((await t.berth(['images', '-q', 'evil'])).stdout, '');
  } finally {
    fs.rmSync(`/var/tmp/${name}`, { force: true });
  }
});

test('SIGTERM during an ADD of a URL that does not answer cancels the build (143), nothing left behind', async () => {
  const http = await import('node:http');
  const server = http.createServer(() => undefined); // never answers
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const dir = context('slow-add', { Containerfile: `FROM busybox\nADD http://127.0.0.1:${port}/file /x\n` });
    const child = spawn(BERTH_BIN, ['build', dir], { env: t.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    for (let i = 0; i < 600 && !out.includes('STEP 2/2'); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await closed;
    clearTimeout(killer);
    assert.ok(Date.now() - t0 < 5000, `the build took ${Date.now() - t0} ms to end`);
    assert.equal(code, 143, err);
    assert.equal(err, 'Error: build cancelled\n');
    assert.deepEqual(mountsUnderRoot(), []);
    assert.deepEqual(fs.readdirSync(path.join(t.root, 'tmp')), []);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('--secret from a FIFO is refused in one line instead of blocking berth (and Ctrl-C) while a RUN step copies it', async () => {
  const dir = context('secret-fifo', { Containerfile: 'FROM busybox\nRUN --mount=type=secret,id=s cat /run/secrets/s\n' });
  const fifo = path.join(work, 'secret-fifo.pipe');
  execFileSync('mkfifo', [fifo]);
  const r = await t.berth(['build', '--secret', `id=s,src=${fifo}`, dir], { timeoutMs: 20_000 });
  assert.notEqual(r.code, 0);
  assert.equal(r.stderr, `Error: --secret id=s,src=${fifo}: ${fifo}: not a regular file\n`);
  assert.deepEqual(fs.readdirSync(path.join(t.root, 'tmp')), []);
});
