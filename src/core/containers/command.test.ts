import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyContainerSpec } from '../spec/container-spec.js';
import { resolveCommand } from './command.js';
import { shouldRestart } from './cleanup.js';
import { hostsFile, resolvConf } from './etc-files.js';
import { parseFilters, matchContainer } from './filter.js';
import { initialState, type ContainerRecord } from './container-record.js';

const spec = (over: Partial<ReturnType<typeof emptyContainerSpec>>) => ({ ...emptyContainerSpec('busybox', 'sha256:x'), ...over });

test('resolveCommand() uses the image entrypoint and cmd when nothing is given', () => {
  assert.deepEqual(resolveCommand(spec({}), { Entrypoint: ['/init'], Cmd: ['a'] }), ['/init', 'a']);
});

test('resolveCommand() lets a command replace the image Cmd but keep its Entrypoint', () => {
  assert.deepEqual(resolveCommand(spec({ cmd: ['b'] }), { Entrypoint: ['/init'], Cmd: ['a'] }), ['/init', 'b']);
});

test('resolveCommand() drops the image Cmd when --entrypoint is given, as docker does', () => {
  assert.deepEqual(resolveCommand(spec({ entrypoint: ['sh'] }), { Entrypoint: ['/init'], Cmd: ['a'] }), ['sh']);
  assert.deepEqual(resolveCommand(spec({ entrypoint: [], cmd: ['ls'] }), { Entrypoint: ['/init'] }), ['ls']);
});

test('resolveCommand() refuses an image and a run with no command at all', () => {
  assert.throws(() => resolveCommand(spec({}), {}), /no command specified/);
});

test('shouldRestart() follows docker restart policies', () => {
  const st = (exitCode: number, restartCount = 0, stoppedByUser = false) => ({ exitCode, restartCount, stoppedByUser });
  assert.equal(shouldRestart({ name: 'no', maximumRetryCount: 0 }, st(1)), false);
  assert.equal(shouldRestart({ name: 'always', maximumRetryCount: 0 }, st(0)), true);
  assert.equal(shouldRestart({ name: 'always', maximumRetryCount: 0 }, st(0, 0, true)), false);
  assert.equal(shouldRestart({ name: 'unless-stopped', maximumRetryCount: 0 }, st(0)), true);
  assert.equal(shouldRestart({ name: 'on-failure', maximumRetryCount: 0 }, st(0)), false);
  assert.equal(shouldRestart({ name: 'on-failure', maximumRetryCount: 2 }, st(1, 1)), true);
  assert.equal(shouldRestart({ name: 'on-failure', maximumRetryCount: 2 }, st(1, 2)), false);
});

test('hostsFile() has localhost, the extra hosts and the container hostname', () => {
  const h = hostsFile('abc', ['db:10.0.0.2', 'v6:::1']);
  assert.match(h, /^127\.0\.0\.1\tlocalhost$/m);
  assert.match(h, /^10\.0\.0\.2\tdb$/m);
  assert.match(h, /^::1\tv6$/m);
  assert.match(h, /\tabc\n$/);
});

test('resolvConf() replaces nameservers, search and options when given', () => {
  const r = resolvConf(['1.1.1.1'], ['example.org'], ['ndots:2']);
  assert.match(r, /^nameserver 1\.1\.1\.1$/m);
  assert.equal((r.match(/^nameserver/gm) ?? []).length, 1);
  assert.match(r, /^search example\.org$/m);
  assert.match(r, /^options ndots:2$/m);
});

function rec(over: Partial<ContainerRecord>): ContainerRecord {
  return {
    id: 'abcdef0123',
    name: 'web',
    imageId: 'sha256:1111',
    created: '2026-01-01T00:00:00.000Z',
    spec: spec({ labels: { tier: 'front' } }),
    path: 'sh',
    args: [],
    state: initialState(),
    image: { chainIds: [], config: {}, size: 0 },
    pendingPid: 0,
    ...over,
  };
}

test('parseFilters() refuses unknown keys and bad status values', () => {
  assert.throws(() => parseFilters(['color=red']), /invalid filter 'color'/);
  assert.throws(() => parseFilters(['status=sleepy']), /invalid filter/);
  assert.throws(() => parseFilters(['novalue']), /bad format/);
});

test('matchContainer() ORs values of one key and ANDs keys', () => {
  const c = rec({});
  const opts = { imageNames: () => ['docker.io/library/busybox:latest', 'busybox:latest'], created: () => undefined };
  assert.equal(matchContainer(c, parseFilters(['name=we', 'name=zz']), opts), true);
  assert.equal(matchContainer(c, parseFilters(['name=we', 'label=tier=back']), opts), false);
  assert.equal(matchContainer(c, parseFilters(['label=tier']), opts), true);
  assert.equal(matchContainer(c, parseFilters(['id=abc']), opts), true);
  assert.equal(matchContainer(c, parseFilters(['status=created']), opts), true);
  assert.equal(matchContainer(c, parseFilters(['ancestor=busybox']), opts), true);
  assert.equal(matchContainer(c, parseFilters(['ancestor=alpine']), opts), false);
});

test('matchContainer() ancestor: a familiar name with or without tag matches the stored tag (docker ps --filter ancestor=busybox:latest)', () => {
  const c = rec({ spec: spec({ image: 'busybox' }) });
  const opts = { imageNames: () => ['docker.io/library/busybox:latest'], created: () => undefined };
  for (const v of ['busybox', 'busybox:latest', 'library/busybox:latest', 'docker.io/library/busybox']) {
    assert.equal(matchContainer(c, parseFilters([`ancestor=${v}`]), opts), true, v);
  }
  for (const v of ['busybox:1.36', 'alpine', 'busy']) assert.equal(matchContainer(c, parseFilters([`ancestor=${v}`]), opts), false, v);
});

test('matchContainer() is-task: false keeps every container (none is a swarm task), true none; other values refused', () => {
  const c = rec({});
  const opts = { imageNames: () => [], created: () => undefined };
  assert.equal(matchContainer(c, parseFilters(['is-task=false']), opts), true);
  assert.equal(matchContainer(c, parseFilters(['is-task=true']), opts), false);
  assert.throws(() => parseFilters(['is-task=maybe']), /invalid filter 'is-task=maybe'/);
});

test('matchContainer() name: a pattern matches the name with its leading slash or without, as docker', () => {
  const c = rec({});
  const opts = { imageNames: () => [], created: () => undefined };
  for (const v of ['^/web$', '^web$', '/we', 'eb']) assert.equal(matchContainer(c, parseFilters([`name=${v}`]), opts), true, v);
  assert.equal(matchContainer(c, parseFilters(['name=^/eb']), opts), false);
});

test('parseFilters() refuses an exited= value that is not a number (docker: strconv.Atoi)', () => {
  assert.throws(() => parseFilters(['exited=abc']), /strconv\.Atoi: parsing "abc": invalid syntax/);
  assert.equal(parseFilters(['exited=137']).get('exited')?.[0], '137');
});
