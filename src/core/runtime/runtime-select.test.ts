import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerthError } from '../errors/index.js';
import { findConmon, findRuntime, runtimeVersion, type HostProbe } from './runtime-select.js';

function probe(files: string[], v2Only = false, pathEnv = ''): HostProbe {
  return { pathEnv, isExecutable: (f) => files.includes(f), cgroupV2Only: () => v2Only };
}

function isUnavailable(hint: string) {
  return (e: unknown): boolean => e instanceof BerthError && e.kind === 'Unavailable' && e.hint === hint;
}

describe('findRuntime()', () => {
  it('prefers runc when both runtimes are installed', () => {
    assert.deepEqual(findRuntime(undefined, probe(['/usr/sbin/runc', '/usr/bin/crun'], true)), { name: 'runc', path: '/usr/sbin/runc' });
  });

  it('falls back to crun only on a cgroup v2-only host', () => {
    assert.deepEqual(findRuntime(undefined, probe(['/usr/bin/crun'], true)), { name: 'crun', path: '/usr/bin/crun' });
    assert.throws(
      () => findRuntime(undefined, probe(['/usr/bin/crun'], false)),
      (e: unknown) => {
        assert.ok(e instanceof BerthError && e.kind === 'Unavailable');
        assert.match(e.message, /crun is installed but does not support/);
        assert.equal(e.hint, 'apt-get install runc');
        return true;
      },
    );
  });

  it('fails with the apt-get hint when no runtime is installed', () => {
    assert.throws(() => findRuntime(undefined, probe([])), isUnavailable('apt-get install runc'));
  });

  it('looks a named runtime up in the system dirs, then PATH', () => {
    assert.deepEqual(findRuntime('crun', probe(['/usr/bin/crun'])), { name: 'crun', path: '/usr/bin/crun' });
    assert.deepEqual(findRuntime('youki', probe(['/opt/y/youki'], false, '/opt/y')), { name: 'youki', path: '/opt/y/youki' });
    assert.throws(() => findRuntime('crun', probe([])), isUnavailable('apt-get install crun'));
  });

  it('takes an absolute path as is, if it is executable', () => {
    assert.deepEqual(findRuntime('/opt/runc-dev', probe(['/opt/runc-dev'])), { name: 'runc-dev', path: '/opt/runc-dev' });
    assert.throws(() => findRuntime('/opt/none', probe([])), isUnavailable('apt-get install runc'));
    assert.throws(
      () => findRuntime('./runc', probe([])),
      (e: unknown) => e instanceof BerthError && e.kind === 'InvalidArgument',
    );
  });
});

describe('findConmon()', () => {
  it("finds Debian's conmon first, then podman's libexec copy", () => {
    assert.equal(findConmon(probe(['/usr/bin/conmon', '/usr/libexec/podman/conmon'])), '/usr/bin/conmon');
    assert.equal(findConmon(probe(['/usr/libexec/podman/conmon'])), '/usr/libexec/podman/conmon');
  });

  it('fails with the apt-get hint when conmon is missing', () => {
    assert.throws(() => findConmon(probe([])), isUnavailable('apt-get install conmon'));
  });
});

describe('runtimeVersion()', () => {
  it('returns the first line of --version', { skip: findRuntimeOrNull() === null ? 'no runc here' : false }, () => {
    assert.match(runtimeVersion(findRuntimeOrNull() ?? ''), /^runc version \S+$/);
  });

  it('fails as Unavailable for a binary that cannot run', () => {
    assert.throws(
      () => runtimeVersion('/nonexistent/runc'),
      (e: unknown) => e instanceof BerthError && e.kind === 'Unavailable',
    );
  });
});

function findRuntimeOrNull(): string | null {
  try {
    return findRuntime('runc').path;
  } catch {
    return null;
  }
}
