import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyContainerSpec } from '../container-spec.js';
import { DEFAULT_PATH, mergeEnv, processArgs, processCwd, processEnv } from './process.js';

const spec = (over: Partial<ReturnType<typeof emptyContainerSpec>> = {}) => ({ ...emptyContainerSpec('img', 'sha256:x'), ...over });
const IMAGE = { Entrypoint: ['/docker-entrypoint.sh'], Cmd: ['nginx', '-g', 'daemon off;'] };

test('processArgs() joins the image Entrypoint and Cmd', () => {
  assert.deepEqual(processArgs(spec(), IMAGE), ['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;']);
});

test('processArgs() lets a command replace only the image Cmd', () => {
  assert.deepEqual(processArgs(spec({ cmd: ['sh'] }), IMAGE), ['/docker-entrypoint.sh', 'sh']);
});

test('processArgs() drops the image Cmd when the entrypoint is overridden', () => {
  assert.deepEqual(processArgs(spec({ entrypoint: ['/bin/sh'] }), IMAGE), ['/bin/sh']);
  assert.deepEqual(processArgs(spec({ entrypoint: ['/bin/sh'], cmd: ['-c', 'x'] }), IMAGE), ['/bin/sh', '-c', 'x']);
  assert.deepEqual(processArgs(spec({ entrypoint: [], cmd: ['ls'] }), IMAGE), ['ls']);
});

test('processArgs() refuses an empty command', () => {
  assert.throws(() => processArgs(spec(), {}), { kind: 'InvalidArgument', message: 'no command specified' });
  assert.throws(() => processArgs(spec({ entrypoint: [] }), IMAGE), { kind: 'InvalidArgument', message: 'no command specified' });
  assert.throws(() => processArgs(spec(), { Entrypoint: null, Cmd: null }), { message: 'no command specified' });
});

test('processArgs() runs the init first with --init', () => {
  assert.deepEqual(processArgs(spec({ init: true, cmd: ['sleep', '1'] }), {}), ['/dev/init', '--', 'sleep', '1']);
});

test('mergeEnv() replaces by key, appends new keys and removes bare keys', () => {
  assert.deepEqual(mergeEnv(['A=1', 'B=2', 'C=3'], ['B=20', 'D=4', 'C']), ['A=1', 'B=20', 'D=4']);
});

test('mergeEnv(): a bare KEY after the overrides set KEY (an --env-file, then -e KEY unset on the host) keeps it, as docker', () => {
  assert.deepEqual(mergeEnv(['PATH=/bin', 'ADVX=image'], ['ADVX=file', 'OTHER=1', 'ADVX']), ['PATH=/bin', 'ADVX=file', 'OTHER=1']);
  assert.deepEqual(mergeEnv(['PATH=/bin'], ['ADVX=file', 'ADVX']), ['PATH=/bin', 'ADVX=file']);
  assert.deepEqual(mergeEnv(['PATH=/bin', 'ADVX=image'], ['ADVX']), ['PATH=/bin']);
});

test('processEnv() layers defaults, image and user values and adds HOME', () => {
  const env = processEnv(spec({ env: ['LANG=C', 'FOO=user'], tty: true }), { Env: ['FOO=image', 'PATH=/opt/bin'] }, 'web1', '/root');
  assert.deepEqual(env, ['PATH=/opt/bin', 'HOSTNAME=web1', 'TERM=xterm', 'FOO=user', 'LANG=C', 'HOME=/root']);
});

test('processEnv() gives a default PATH, no TERM without a tty, and keeps a HOME the user set', () => {
  const env = processEnv(spec({ env: ['HOME=/tmp'] }), {}, 'h', '/root');
  assert.deepEqual(env, [`PATH=${DEFAULT_PATH}`, 'HOSTNAME=h', 'HOME=/tmp']);
});

test('processEnv() lets a bare -e KEY remove an image variable', () => {
  assert.deepEqual(processEnv(spec({ env: ['SECRET'] }), { Env: ['SECRET=x'] }, 'h', '/'), [`PATH=${DEFAULT_PATH}`, 'HOSTNAME=h', 'HOME=/']);
});

test('processCwd() prefers the flag, then the image, then the root', () => {
  assert.equal(processCwd(spec({ workingDir: '/app' }), { WorkingDir: '/srv' }), '/app');
  assert.equal(processCwd(spec(), { WorkingDir: '/srv' }), '/srv');
  assert.equal(processCwd(spec(), {}), '/');
  assert.equal(processCwd(spec(), { WorkingDir: 'rel' }), '/rel');
});
