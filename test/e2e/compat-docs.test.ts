import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { busyboxTarPath, makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';

// Behaviour the docs.docker.com CLI reference documents, each checked as docker shows it.

let t: TestEnv;
let work: string;
before(async () => {
  t = makeTestEnv();
  await t.importBusybox();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-compat-docs-'));
});
after(async () => {
  fs.rmSync(work, { recursive: true, force: true });
  await t.cleanup();
});

async function ok(args: string[], input?: string): Promise<string> {
  const r = await t.berth(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** docker's units.HumanSizeWithPrecision(n, 3): at most three significant digits */
const SIZE3 = /^(\d{1,3}|\d\.\d{1,2}|\d\d\.\d)(B|kB|MB|GB)$/;

test('images: a REPOSITORY argument with a glob filters as a reference pattern; -q is one ID per row; SIZE has 3 significant digits', async () => {
  await ok(['tag', 'busybox', 'globbed:v1']);
  await ok(['tag', 'busybox', 'globbed:v2']);
  await ok(['tag', 'busybox', 'team/globbed:v1']);
  const rows = (await ok(['images', 'glob*', '--format', '{{.Repository}}:{{.Tag}}'])).trim().split('\n').sort();
  assert.deepEqual(rows, ['globbed:v1', 'globbed:v2']);
  assert.deepEqual((await ok(['images', 'globbed:v?', '--format', '{{.Tag}}'])).trim().split('\n').sort(), ['v1', 'v2']);
  assert.deepEqual((await ok(['images', '*/globbed', '--format', '{{.Repository}}'])).trim().split('\n'), ['team/globbed']);
  // one ID per listed row (an image with several tags shows several times), as docker's {{.ID}}
  const q = (await ok(['images', '-q', 'globbed'])).trim().split('\n');
  assert.equal(q.length, 2);
  assert.equal(q[0], q[1]);
  assert.match(q[0] ?? '', /^[0-9a-f]{12}$/);
  for (const s of (await ok(['images', '--format', '{{.Size}}'])).trim().split('\n')) assert.match(s, SIZE3);
  const bad = await t.berth(['images', '--filter', 'dangling=maybe']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, "Error: invalid filter 'dangling=maybe'\n");
  await ok(['rmi', 'globbed:v1', 'globbed:v2', 'team/globbed:v1']);
});

test('commit: -m is the image Comment and -a its Author; the base image keeps its own', async () => {
  await ok(['create', '--name', 'cm', 'busybox', 'true']);
  await ok(['commit', '-a', 'Jane <j@x>', '-m', 'my message', 'cm', 'cm:1']);
  assert.equal(await ok(['image', 'inspect', '-f', '{{.Comment}}|{{.Author}}', 'cm:1']), 'my message|Jane <j@x>\n');
  // without -m and -a: empty, not the base image's "Imported from …"
  await ok(['commit', 'cm', 'cm:2']);
  assert.equal(await ok(['image', 'inspect', '-f', '{{.Comment}}|{{.Author}}', 'cm:2']), '|\n');
  assert.match(await ok(['image', 'inspect', '-f', '{{.Comment}}', 'busybox']), /^Imported from /);
  await ok(['rm', 'cm']);
  await ok(['rmi', 'cm:1', 'cm:2']);
});

test('cp -L follows a symlink in a local SRC_PATH: the target is copied under the link name', async () => {
  fs.writeFileSync(path.join(work, 'real.txt'), 'real content\n');
  fs.symlinkSync('real.txt', path.join(work, 'link'));
  await ok(['create', '--name', 'cpl', 'busybox', 'true']);
  await ok(['cp', '-L', path.join(work, 'link'), 'cpl:/tmp/followed']);
  await ok(['cp', '-L', path.join(work, 'link'), 'cpl:/tmp/']);
  await ok(['cp', path.join(work, 'link'), 'cpl:/tmp/kept']);
  const out = path.join(work, 'out');
  fs.mkdirSync(out);
  await ok(['cp', 'cpl:/tmp/.', out]);
  assert.equal(fs.readFileSync(path.join(out, 'followed'), 'utf8'), 'real content\n');
  assert.ok(!fs.lstatSync(path.join(out, 'followed')).isSymbolicLink());
  assert.ok(!fs.lstatSync(path.join(out, 'link')).isSymbolicLink());
  assert.equal(fs.readFileSync(path.join(out, 'link'), 'utf8'), 'real content\n');
  // without -L the link itself is copied
  assert.equal(fs.readlinkSync(path.join(out, 'kept')), 'real.txt');
  // docker's rules out of a container, in its words (not cp(1)'s)
  const noDir = await t.berth(['cp', 'cpl:/etc/passwd', `${path.join(work, 'nodir')}/`]);
  assert.equal(noDir.code, 1);
  assert.equal(noDir.stderr, `Error: destination directory "${path.join(work, 'nodir')}/" does not exist\n`);
  const dirToFile = await t.berth(['cp', 'cpl:/etc', path.join(work, 'real.txt')]);
  assert.equal(dirToFile.code, 1);
  assert.equal(dirToFile.stderr, `Error: cannot copy a directory to a file: "${path.join(work, 'real.txt')}"\n`);
  await ok(['rm', 'cpl']);
});

test('system df: shared layers count once; RECLAIMABLE an integer percentage, none for an empty total or the build cache', async () => {
  await ok(['tag', 'busybox', 'dfshare:1']);
  await ok(['tag', 'busybox', 'dfshare:2']);
  const bbSize = Number((await ok(['image', 'inspect', '-f', '{{.Size}}', 'busybox'])).trim());
  const rows = Object.fromEntries(
    (await ok(['system', 'df', '--format', '{{.Type}}|{{.Size}}|{{.Reclaimable}}']))
      .trim()
      .split('\n')
      .map((l) => {
        const [type, ...rest] = l.split('|');
        return [type, rest];
      }),
  );
  // one image under three tags, one layer: its size once (docker's LayersSize)
  const images = rows['Images'] as [string, string];
  const m = /^([\d.]+)(B|kB|MB)$/.exec(images[0]);
  assert.ok(m, images[0]);
  const bytes = Number(m[1]) * { B: 1, kB: 1e3, MB: 1e6 }[m[2] as 'B' | 'kB' | 'MB'];
  assert.ok(Math.abs(bytes - bbSize) < bbSize * 0.01, `${images[0]} vs ${bbSize}`);
  assert.match(images[1], /^\S+ \(\d+%\)$/);
  assert.deepEqual(rows['Build Cache'], ['0B', '0B']);
  assert.deepEqual(rows['Local Volumes'], ['0B', '0B']);
  // -v: one row per image (under its first tag), not one per tag
  const id = (await ok(['image', 'inspect', '-f', '{{.Id}}', 'busybox'])).trim().replace('sha256:', '').slice(0, 12);
  const v = await ok(['system', 'df', '-v']);
  assert.equal(v.split('\n').filter((l) => l.includes(id)).length, 1, v);
  await ok(['rmi', 'dfshare:1', 'dfshare:2']);
});

test('network ls: sorted by name; values of one filter key are ORed (-f type=custom -f type=builtin), name= is a pattern', async () => {
  await ok(['network', 'create', 'cdn10']);
  await ok(['network', 'create', 'cdn9']);
  await ok(['network', 'create', '--label', 'tier=a', '--label', 'zone=z', 'cdlab']);
  const names = async (...f: string[]) => (await ok(['network', 'ls', ...f, '--format', '{{.Name}}'])).trim().split('\n');
  const all = await names();
  assert.deepEqual(
    all.filter((n) => ['bridge', 'host', 'none', 'cdn9', 'cdn10', 'cdlab'].includes(n)),
    ['bridge', 'cdlab', 'cdn9', 'cdn10', 'host', 'none'],
  );
  assert.deepEqual(await names('-f', 'type=custom', '-f', 'type=builtin'), all);
  assert.deepEqual(await names('-f', 'name=cdn9', '-f', 'name=cdlab'), ['cdlab', 'cdn9']);
  assert.deepEqual(await names('-f', 'name=^cdn'), ['cdn9', 'cdn10']);
  // every label filter must match
  assert.deepEqual(await names('-f', 'label=tier=a', '-f', 'label=zone'), ['cdlab']);
  assert.deepEqual(await names('-f', 'label=tier=a', '-f', 'label=zone=other'), ['']);
  await ok(['network', 'rm', 'cdn10', 'cdn9', 'cdlab']);
});

test('volume ls: sorted by name; values of one filter key are ORed, label filters all must match', async () => {
  for (const v of ['cdv10', 'cdv9', 'cdv1']) await ok(['volume', 'create', v]);
  await ok(['volume', 'create', '--label', 'a=1', '--label', 'b=2', 'cdvl']);
  const names = async (...f: string[]) => (await ok(['volume', 'ls', '-q', ...f])).trim().split('\n');
  assert.deepEqual(
    (await names()).filter((n) => n.startsWith('cdv')),
    ['cdv1', 'cdv9', 'cdv10', 'cdvl'],
  );
  assert.deepEqual(await names('-f', 'name=cdv9', '-f', 'name=cdvl'), ['cdv9', 'cdvl']);
  assert.deepEqual(await names('-f', 'label=a', '-f', 'label=b=2'), ['cdvl']);
  assert.deepEqual(await names('-f', 'label=a', '-f', 'label=b=3'), ['']);
  const bad = await t.berth(['volume', 'ls', '-f', 'dangling=maybe']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid filter 'dangling=maybe'/);
  await ok(['volume', 'rm', 'cdv10', 'cdv9', 'cdv1', 'cdvl']);
  // docker's hidden older spelling, volume create --name NAME
  assert.equal(await ok(['volume', 'create', '--name', 'cdnamed']), 'cdnamed\n');
  const both = await t.berth(['volume', 'create', '--name', 'x', 'y']);
  assert.equal(both.code, 1);
  assert.match(both.stderr, /conflicting options: either specify --name or provide positional arg, not both/);
  await ok(['volume', 'rm', 'cdnamed']);
});

test('inspect --format json prints the array compact on one line; a missing object of a kind is "No such <kind>: NAME"', async () => {
  await ok(['volume', 'create', 'cdjson']);
  const j = await ok(['volume', 'inspect', '--format', 'json', 'cdjson']);
  assert.equal(j.split('\n').length, 2);
  assert.equal((JSON.parse(j) as Array<{ Name: string }>)[0]?.Name, 'cdjson');
  const i = await ok(['image', 'inspect', '-f', 'json', 'busybox']);
  assert.match(i, /^\[\{"Id":"sha256:[0-9a-f]{64}",/);
  assert.equal(i.split('\n').length, 2);
  for (const [args, msg] of [
    [['image', 'inspect', 'nope'], 'No such image: nope'],
    [['network', 'inspect', 'nope'], 'No such network: nope'],
    [['volume', 'inspect', 'nope'], 'No such volume: nope'],
    [['container', 'inspect', 'nope'], 'No such container: nope'],
    [['inspect', 'nope'], 'No such object: nope'],
  ] as Array<[string[], string]>) {
    const r = await t.berth(args);
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.stderr, `Error: ${msg}\n`, args.join(' '));
    assert.equal(r.stdout, '[]\n');
  }
  await ok(['volume', 'rm', 'cdjson']);
});

test('prune commands prompt as docker: only "y" goes ahead, a no or an empty stdin removes nothing; -f does not ask', async () => {
  await ok(['create', '--name', 'prq', 'busybox', 'true']);
  const names = async () => (await ok(['ps', '-a', '--format', '{{.Names}}'])).split('\n');
  for (const input of ['n\n', '', 'yes\n']) {
    const r = await t.berth(['container', 'prune'], { input });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ');
    assert.ok((await names()).includes('prq'), `answer ${JSON.stringify(input)}`);
  }
  const y = await t.berth(['container', 'prune'], { input: ' Y \n' });
  assert.match(y.stdout, /\[y\/N\] Deleted Containers:\n[0-9a-f]{64}\n\nTotal reclaimed space: /);
  assert.ok(!(await names()).includes('prq'));
  const sys = await t.berth(['system', 'prune', '--volumes', '--filter', 'label=x'], { input: 'n\n' });
  assert.equal(
    sys.stdout,
    'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n  - all anonymous volumes not used by at least one container\n  - all dangling images\n  - unused build cache\n\n  Items to be pruned will be filtered with:\n  - label=x\n\nAre you sure you want to continue? [y/N] ',
  );
  assert.match(
    (await t.berth(['image', 'prune', '-a'], { input: '' })).stdout,
    /^WARNING! This will remove all images without at least one container associated to them\.\n/,
  );
  assert.match(
    (await t.berth(['volume', 'prune'], { input: '' })).stdout,
    /^WARNING! This will remove anonymous local volumes not used by at least one container\.\n/,
  );
  await ok(['network', 'create', 'cdprune']);
  assert.match(
    (await t.berth(['network', 'prune'], { input: '' })).stdout,
    /^WARNING! This will remove all custom networks not used by at least one container\.\n/,
  );
  assert.match(await ok(['network', 'ls', '--format', '{{.Name}}']), /^cdprune$/m);
  // docker prints the list of removed networks and a blank line
  assert.match(await ok(['network', 'prune'], 'y\n'), /\[y\/N\] Deleted Networks:\n(.*\n)*cdprune\n\n$/);
  // -f: no question, straight to the result
  assert.match(await ok(['container', 'prune', '-f']), /^Total reclaimed space: /);
  const both = await t.berth(['volume', 'prune', '-a', '--filter', 'all=1', '-f']);
  assert.equal(both.code, 1);
  assert.match(both.stderr, /conflicting options: cannot specify both --all and --filter all=1/);
});

test('logs --since/--until take any Go duration (1.5h, 300ms) and the date layouts the reference lists', async () => {
  await ok(['run', '--name', 'lgs', '--network', 'none', 'busybox', 'echo', 'hello']);
  for (const v of ['1.5h', '90m', '2m30s', '2000-01-02', '2000-01-02T13:23', '2000-01-02T13:23:37', '2000-01-02T13:23:37.5Z', '946684800.5']) {
    assert.equal(await ok(['logs', '--since', v, 'lgs']), 'hello\n', v);
  }
  assert.equal(await ok(['logs', '--until', '-1h', 'lgs']), 'hello\n');
  // --tail: a negative number is every line, as docker's daemon reads it
  assert.equal(await ok(['logs', '--tail', '-5', 'lgs']), 'hello\n');
  assert.equal(await ok(['logs', '--tail', '0', 'lgs']), '');
  assert.equal(await ok(['logs', '--until', '2000-01-02', 'lgs']), '');
  const bad = await t.berth(['logs', '--until', '5x', 'lgs']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid value for "until": failed to parse value as time or duration: "5x"/);
  await ok(['rm', 'lgs']);
});

test('update --kernel-memory (documented, deprecated) is read and warned about, as docker; a bad size is a usage error', async () => {
  await ok(['create', '--name', 'kmem', 'busybox', 'true']);
  const r = await t.berth(['update', '--kernel-memory', '50m', 'kmem']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'kmem\n');
  assert.match(r.stderr, /kernel memory limit is deprecated/);
  const bad = await t.berth(['update', '--kernel-memory', 'lots', 'kmem']);
  assert.equal(bad.code, 125);
  // no flag at all: docker's usage error
  const none = await t.berth(['update', 'kmem']);
  assert.equal(none.code, 1);
  assert.equal(none.stderr, 'Error: you must provide one or more flags when using this command\n');
  await ok(['rm', 'kmem']);
});

test('import takes an http URL (docker import URL), its message and changes; a missing one fails naming it', async () => {
  const server = http.createServer((req, res) => {
    if (req.url !== '/rootfs.tar') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-tar' });
    fs.createReadStream(busyboxTarPath()).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const id = (await ok(['import', '-m', 'from the web', '-c', 'CMD ["/bin/sh"]', `${base}/rootfs.tar`, 'fromurl:1'])).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(await ok(['image', 'inspect', '-f', '{{.Comment}} {{json .Config.Cmd}}', 'fromurl:1']), 'from the web ["/bin/sh"]\n');
    assert.equal(await ok(['run', '--rm', '--network', 'none', 'fromurl:1', 'echo', 'ok']), 'ok\n');
    const missing = await t.berth(['import', `${base}/nope.tar`, 'fromurl:2']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.tar.*404/);
    await ok(['rmi', 'fromurl:1']);
  } finally {
    server.close();
  }
});

test('commit -c ENTRYPOINT drops the CMD the container had (as a Dockerfile ENTRYPOINT does); a CMD change before it stays', async () => {
  await ok(['create', '--name', 'cep', 'busybox', 'sleep', '1']);
  await ok(['commit', '-c', 'ENTRYPOINT ["/bin/echo"]', 'cep', 'cep:1']);
  assert.equal(await ok(['image', 'inspect', '-f', '{{json .Config.Entrypoint}} {{json .Config.Cmd}}', 'cep:1']), '["/bin/echo"] null\n');
  await ok(['commit', '-c', 'CMD ["hi"]', '-c', 'ENTRYPOINT ["/bin/echo"]', 'cep', 'cep:2']);
  assert.equal(await ok(['run', '--rm', '--network', 'none', 'cep:2']), 'hi\n');
  await ok(['rm', 'cep']);
  await ok(['rmi', 'cep:1', 'cep:2']);
});

test("volume ls offers docker's placeholders (Links and Size N/A outside system df); network ls CreatedAt is Go's time", async () => {
  await ok(['volume', 'create', '--label', 'b=2', '--label', 'a=1', 'cdfmt']);
  assert.equal(
    await ok(['volume', 'ls', '-f', 'name=cdfmt', '--format', 'table {{.Name}}\t{{.Label "a"}}\t{{.Links}}\t{{.Size}}\t{{.Labels}}']),
    'VOLUME NAME   a         LINKS     SIZE      LABELS\ncdfmt         1         N/A       N/A       a=1,b=2\n',
  );
  await ok(['volume', 'rm', 'cdfmt']);
  await ok(['network', 'create', 'cdtime']);
  assert.equal(await ok(['network', 'ls', '-f', 'name=cdtime', '--format', '{{.IPv4}} {{.IPv6}} {{.Internal}}']), 'true false false\n');
  assert.match(await ok(['network', 'ls', '-f', 'name=cdtime', '--format', '{{.CreatedAt}}']), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC\n$/);
  await ok(['network', 'rm', 'cdtime']);
});

test("network create: docker's bridge options berth cannot honour are refused by name, never kept and ignored; one subnet", async () => {
  for (const o of [
    'com.docker.network.bridge.enable_icc=false',
    'com.docker.network.bridge.enable_ip_masquerade=false',
    'com.docker.network.bridge.host_binding_ipv4=127.0.0.1',
    'com.docker.network.container_iface_prefix=ctr',
    'com.docker.network.bridge.inhibit_ipv4=true',
  ]) {
    const r = await t.berth(['network', 'create', '-o', o, 'cdopt']);
    assert.equal(r.code, 1, o);
    assert.match(r.stderr, new RegExp(`^Error: network option ${o.split('=')[0]?.replace(/\./g, '\\.')}.* is not supported by berth`), o);
  }
  assert.doesNotMatch(await ok(['network', 'ls', '--format', '{{.Name}}']), /cdopt/);
  // their defaults, the honoured ones and keys outside docker's namespace are taken and shown
  await ok(['network', 'create', '-o', 'com.docker.network.bridge.enable_icc=true', '-o', 'com.docker.network.driver.mtu=1400', '-o', 'my.key=1', 'cdopt']);
  assert.equal(await ok(['network', 'inspect', '-f', '{{index .Options "com.docker.network.driver.mtu"}} {{index .Options "my.key"}}', 'cdopt']), '1400 1\n');
  await ok(['network', 'rm', 'cdopt']);
  const two = await t.berth(['network', 'create', '--subnet', '10.201.0.0/24', '--subnet', '10.202.0.0/24', 'cdtwo']);
  assert.equal(two.code, 1);
  assert.match(two.stderr, /--subnet given 2 times: a berth network has one IPv4 subnet/);
});

test('logs --details prints the attributes --log-opt labels=/env= (and their -regex forms) attach, as the json-file driver', async () => {
  await ok([
    'run',
    '--name',
    'det',
    '--network',
    'none',
    '--log-driver',
    'json-file',
    '--label',
    'app=web',
    '--label',
    'com.example.tier=back end',
    '--log-opt',
    'labels=app,missing',
    '--log-opt',
    'env-regex=^E',
    '-e',
    'E1=v',
    'busybox',
    'echo',
    'hi',
  ]);
  assert.equal(await ok(['logs', '--details', 'det']), 'E1=v,app=web hi\n');
  assert.match(await ok(['logs', '--details', '-t', 'det']), /^\d{4}-\d\d-\d\dT[\d:.]+Z E1=v,app=web hi\n$/);
  assert.equal(await ok(['logs', 'det']), 'hi\n');
  await ok(['rm', 'det']);
});

test("rename refuses the container's own name and an empty one, in docker's words", async () => {
  await ok(['create', '--name', 'rnm', 'busybox', 'true']);
  const same = await t.berth(['rename', 'rnm', 'rnm']);
  assert.equal(same.code, 1);
  assert.equal(same.stderr, 'Error: Renaming a container with the same name as its current name\n');
  const empty = await t.berth(['rename', 'rnm', '']);
  assert.equal(empty.code, 1);
  assert.equal(empty.stderr, 'Error: Neither old nor new names may be empty\n');
  await ok(['rename', 'rnm', 'rnm2']);
  assert.match(await ok(['ps', '-a', '--format', '{{.Names}}']), /^rnm2$/m);
  await ok(['rm', 'rnm2']);
});

test('load -q prints "Loaded image: NAME" as docker does (quiet hides only the progress); several images in one archive', async () => {
  await ok(['tag', 'busybox', 'ldq:1']);
  await ok(['tag', 'busybox', 'ldq:2']);
  const tar = path.join(work, 'two.tar');
  await ok(['save', '-o', tar, 'ldq:1', 'ldq:2']);
  await ok(['rmi', 'ldq:1', 'ldq:2']);
  assert.deepEqual((await ok(['load', '-q', '-i', tar])).trim().split('\n').sort(), ['Loaded image: ldq:1', 'Loaded image: ldq:2']);
  const r = await t.berth(['load'], { input: fs.readFileSync(tar) });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Loaded image: ldq:1$/m);
  await ok(['rmi', 'ldq:1', 'ldq:2']);
});

test("events: a container's start connects it to its network and its stop disconnects it (docker's network connect/disconnect)", async () => {
  await ok(['network', 'create', 'cdev']);
  const since = String(Math.floor(Date.now() / 1000) - 1);
  await ok(['run', '--name', 'evn', '--network', 'cdev', 'busybox', 'true']);
  const until = String(Math.floor(Date.now() / 1000) + 1);
  const lines = (await ok(['events', '--since', since, '--until', until, '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'])).trim().split('\n');
  const at = (l: string) => lines.indexOf(l);
  for (const l of ['container create evn', 'network connect cdev', 'container start evn', 'container die evn', 'network disconnect cdev'])
    assert.ok(at(l) >= 0, `${l} in ${lines.join(' | ')}`);
  assert.ok(at('network connect cdev') < at('container start evn'));
  assert.ok(at('container die evn') < at('network disconnect cdev'));
  const id = (await ok(['inspect', '-f', '{{.Id}}', 'evn'])).trim();
  assert.match(
    await ok([
      'events',
      '--since',
      since,
      '--until',
      until,
      '--filter',
      'type=network',
      '--filter',
      'event=connect',
      '--format',
      '{{.Actor.Attributes.container}}',
    ]),
    new RegExp(`^${id}$`, 'm'),
  );
  // a container filter keeps the network's events out, as docker's
  assert.doesNotMatch(await ok(['events', '--since', since, '--until', until, '--filter', 'container=evn', '--format', '{{.Type}}']), /network/);
  await ok(['rm', 'evn']);
  await ok(['network', 'rm', 'cdev']);
});

test('logs -f --until ends at that time while the container goes on, as docker', async () => {
  await ok(['run', '-d', '--name', 'lfu', '--network', 'none', 'busybox', 'sh', '-c', 'i=0; while true; do echo $i; i=$((i+1)); sleep 0.2; done']);
  const until = new Date(Date.now() + 1500).toISOString();
  const started = Date.now();
  const r = await t.berth(['logs', '-f', '--until', until, 'lfu'], { timeoutMs: 15_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(Date.now() - started < 8000, 'followed past --until');
  assert.match(r.stdout, /^0\n1\n/);
  await ok(['rm', '-f', 'lfu']);
});

test("events of a stop past its timeout: kill 15, kill 9, die, stop (docker's own SIGKILL is a kill event)", async () => {
  await ok(['run', '-d', '--name', 'stk', '--network', 'none', 'busybox', 'sleep', '100']);
  const since = String(Math.floor(Date.now() / 1000) - 1);
  await ok(['stop', '-t', '1', 'stk']);
  const until = String(Math.floor(Date.now() / 1000) + 1);
  const ev = await ok(['events', '--since', since, '--until', until, '--filter', 'container=stk', '--format', '{{.Action}} {{.Actor.Attributes.signal}}']);
  assert.match(ev.replace(/ <no value>/g, ''), /(^|\n)kill 15\nkill 9\ndie\nstop\n$/);
  await ok(['rm', 'stk']);
});

test("events of a commit: the container's commit (comment, imageID, imageRef) and the new name's tag", async () => {
  await ok(['create', '--name', 'evcm', 'busybox', 'true']);
  const since = String(Math.floor(Date.now() / 1000) - 1);
  const id = (await ok(['commit', '-m', 'msg', 'evcm', 'evcm:1'])).trim();
  const until = String(Math.floor(Date.now() / 1000) + 1);
  const ev = await ok([
    'events',
    '--since',
    since,
    '--until',
    until,
    '--filter',
    'event=commit',
    '--filter',
    'event=tag',
    '--format',
    '{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.imageID}} {{.Actor.Attributes.imageRef}} {{.Actor.Attributes.comment}}',
  ]);
  assert.equal(ev, `container commit evcm ${id} evcm:1 msg\nimage tag evcm:1 <no value> <no value> <no value>\n`);
  await ok(['rm', 'evcm']);
  await ok(['rmi', 'evcm:1']);
});

test("port writes an IPv6 host address in brackets, as Go's JoinHostPort; --ulimit with -1 is unlimited inside", async () => {
  const probe = http.createServer();
  const port = await new Promise<number>((resolve) => probe.listen(0, '::1', () => resolve((probe.address() as AddressInfo).port)));
  await new Promise((resolve) => probe.close(resolve));
  await ok(['run', '-d', '--name', 'cd-v6port', '-p', `[::1]:${port}:80`, 'busybox', 'sleep', '300']);
  try {
    assert.equal((await ok(['port', 'cd-v6port'])).trim(), `80/tcp -> [::1]:${port}`);
    assert.equal((await ok(['port', 'cd-v6port', '80'])).trim(), `[::1]:${port}`);
  } finally {
    await ok(['rm', '-f', 'cd-v6port']);
  }
  // core's hard limit is unlimited on this host (and on Debian's defaults): -1 reaches the process as RLIM_INFINITY
  assert.equal((await ok(['run', '--rm', '--ulimit', 'core=-1', 'busybox', 'sh', '-c', 'ulimit -c; ulimit -Hc'])).trim(), 'unlimited\nunlimited');
});
