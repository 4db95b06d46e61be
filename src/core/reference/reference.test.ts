import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BerthError } from '../errors/index.js';
import {
  familiarName,
  familiarString,
  isFullImageId,
  isImageIdLike,
  isValidTag,
  normalize,
  normalizeReference,
  parseReference,
  type Reference,
} from './reference.js';

const F64 = 'f'.repeat(64);
const HEX = 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';

function rejects(input: string, message?: string | RegExp): void {
  assert.throws(
    () => parseReference(input),
    (e: unknown) => {
      assert.ok(e instanceof BerthError, `expected BerthError for ${JSON.stringify(input)}`);
      assert.equal(e.kind, 'InvalidArgument');
      if (typeof message === 'string') assert.equal(e.message, message);
      else if (message) assert.match(e.message, message);
      return true;
    },
    `expected ${JSON.stringify(input)} to be rejected`,
  );
}

describe('parseReference', () => {
  const valid: Array<[string, Reference]> = [
    ['busybox', { domain: 'docker.io', path: 'library/busybox' }],
    ['busybox:1.36', { domain: 'docker.io', path: 'library/busybox', tag: '1.36' }],
    ['library/busybox:1.36', { domain: 'docker.io', path: 'library/busybox', tag: '1.36' }],
    ['docker.io/busybox', { domain: 'docker.io', path: 'library/busybox' }],
    ['index.docker.io/busybox', { domain: 'docker.io', path: 'library/busybox' }],
    ['index.docker.io/team/app', { domain: 'docker.io', path: 'team/app' }],
    ['docker.io/library/foo/bar', { domain: 'docker.io', path: 'library/foo/bar' }],
    ['team/app', { domain: 'docker.io', path: 'team/app' }],
    ['test_com', { domain: 'docker.io', path: 'library/test_com' }],
    ['test_com/foo', { domain: 'docker.io', path: 'test_com/foo' }],
    ['test.com:tag', { domain: 'docker.io', path: 'library/test.com', tag: 'tag' }],
    ['test.com:5000', { domain: 'docker.io', path: 'library/test.com', tag: '5000' }],
    ['test.com/repo:tag', { domain: 'test.com', path: 'repo', tag: 'tag' }],
    ['test:5000/repo', { domain: 'test:5000', path: 'repo' }],
    ['test-com:8080/foo', { domain: 'test-com:8080', path: 'foo' }],
    [`test:5000/repo@sha256:${F64}`, { domain: 'test:5000', path: 'repo', digest: `sha256:${F64}` }],
    [`host:5000/team/app:tag@sha256:${F64}`, { domain: 'host:5000', path: 'team/app', tag: 'tag', digest: `sha256:${F64}` }],
    ['localhost/foo', { domain: 'localhost', path: 'foo' }],
    ['localhost:5000/x', { domain: 'localhost:5000', path: 'x' }],
    ['localhost', { domain: 'docker.io', path: 'library/localhost' }],
    ['lowercase:Uppercase', { domain: 'docker.io', path: 'library/lowercase', tag: 'Uppercase' }],
    ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', { domain: 'sub-dom1.foo.com', path: 'bar/baz/quux', tag: 'some-long-tag' }],
    ['b.gcr.io/test.example.com/my-app:test.example.com', { domain: 'b.gcr.io', path: 'test.example.com/my-app', tag: 'test.example.com' }],
    ['xn--n3h.com/myimage:xn--n3h.com', { domain: 'xn--n3h.com', path: 'myimage', tag: 'xn--n3h.com' }],
    [
      `xn--7o8h.com/myimage:xn--7o8h.com@sha512:${'f'.repeat(128)}`,
      { domain: 'xn--7o8h.com', path: 'myimage', tag: 'xn--7o8h.com', digest: `sha512:${'f'.repeat(128)}` },
    ],
    ['foo_bar.com:8080', { domain: 'docker.io', path: 'library/foo_bar.com', tag: '8080' }],
    ['foo/foo_bar.com:8080', { domain: 'docker.io', path: 'foo/foo_bar.com', tag: '8080' }],
    ['192.168.1.1', { domain: 'docker.io', path: 'library/192.168.1.1' }],
    ['192.168.1.1:5000', { domain: 'docker.io', path: 'library/192.168.1.1', tag: '5000' }],
    ['192.168.1.1/repo', { domain: '192.168.1.1', path: 'repo' }],
    ['192.168.1.1:5000/repo:5050', { domain: '192.168.1.1:5000', path: 'repo', tag: '5050' }],
    ['[2001:db8::1]/repo', { domain: '[2001:db8::1]', path: 'repo' }],
    ['[2001:db8::1]:5000/repo:tag', { domain: '[2001:db8::1]:5000', path: 'repo', tag: 'tag' }],
    ['[::1]:5000/repo', { domain: '[::1]:5000', path: 'repo' }],
    ['[fc00:1:2:3:4:5:6:7]:5000/library/debian', { domain: '[fc00:1:2:3:4:5:6:7]:5000', path: 'library/debian' }],
    ['docker---rules/docker', { domain: 'docker.io', path: 'docker---rules/docker' }],
    ['dock__er/docker', { domain: 'docker.io', path: 'dock__er/docker' }],
    ['d/docker', { domain: 'docker.io', path: 'd/docker' }],
    [`docker.io/${HEX}`, { domain: 'docker.io', path: `library/${HEX}` }],
    [HEX.slice(0, 63), { domain: 'docker.io', path: `library/${HEX.slice(0, 63)}` }],
    [
      'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
      {
        domain: 'docker.io',
        path: 'library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
      },
    ],
    [`${'a/'.repeat(127)}a:tag-puts-this-over-max`, { domain: 'docker.io', path: `${'a/'.repeat(127)}a`, tag: 'tag-puts-this-over-max' }],
    [`busybox:${'t'.repeat(128)}`, { domain: 'docker.io', path: 'library/busybox', tag: 't'.repeat(128) }],
  ];
  for (const [input, expected] of valid) {
    test(`parseReference accepts ${JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input)}`, () => {
      assert.deepEqual(parseReference(input), expected);
    });
  }

  const invalid: Array<[string, string | RegExp]> = [
    ['', 'repository name must have at least one component'],
    [':justtag', 'invalid reference format'],
    [`@sha256:${F64}`, 'invalid reference format'],
    ['repo@sha256:ffffffffffffffffffffffffffffffffff', 'invalid checksum digest length'],
    [`validname@invaliddigest:${F64}`, 'unsupported digest algorithm'],
    [`repo@sha256:${'F'.repeat(64)}`, 'invalid checksum digest format'],
    ['Uppercase:tag', 'invalid reference format: repository name must be lowercase'],
    ['library/Busybox', 'invalid reference format: repository name must be lowercase'],
    ['test:5000/Uppercase/lowercase:tag', 'invalid reference format: repository name must be lowercase'],
    // docker 20.10: an upper case first component is a repository name, not a registry host
    ['UPPER/x', 'invalid reference format: repository name must be lowercase'],
    ['Team/app/x:1', 'invalid reference format: repository name must be lowercase'],
    ['Docker/docker', 'invalid reference format: repository name must be lowercase'],
    ['docker/Docker', /must be lowercase/],
    ['docker.io/docker/Docker', /must be lowercase/],
    [`${'a/'.repeat(128)}a:tag`, 'repository name must not be more than 255 characters'],
    ['aa/asdf$$^/aa', 'invalid reference format'],
    ['https://github.com/docker/docker', 'invalid reference format'],
    ['-docker', 'invalid reference format'],
    ['-docker/docker', 'invalid reference format'],
    ['docker-/docker', 'invalid reference format'],
    ['-docker-/docker', 'invalid reference format'],
    ['-docker.io/docker/docker', 'invalid reference format'],
    ['docker///docker', 'invalid reference format'],
    ['docker.io/docker///docker', 'invalid reference format'],
    ['____/____', 'invalid reference format'],
    ['_docker/_docker', 'invalid reference format'],
    ['dock..er/docker', 'invalid reference format'],
    ['dock_.er/docker', 'invalid reference format'],
    ['dock-.er/docker', 'invalid reference format'],
    ['docker/', 'invalid reference format'],
    ['[2001:db8::1]', 'invalid reference format'],
    ['[2001:db8::1]:5000', 'invalid reference format'],
    ['[2001:db8::1]:tag', 'invalid reference format'],
    ['[fe80::1%eth0]:5000/repo', 'invalid reference format'],
    ['[2001:db8:3:4::192.0.2.33]:5000/debian', 'invalid reference format'],
    ['fc00::1:5000/debian', 'invalid reference format'],
    ['busybox:-tag', 'invalid reference format'],
    ['busybox:.tag', 'invalid reference format'],
    [`busybox:${'t'.repeat(129)}`, 'invalid reference format'],
    ['busybox:', 'invalid reference format'],
    ['busy box', 'invalid reference format'],
    [HEX, `invalid repository name (${HEX}), cannot specify 64-byte hexadecimal strings`],
    [`domain.com/${'a'.repeat(256)}:tag`, 'repository name must not be more than 255 characters'],
  ];
  for (const [input, message] of invalid) {
    test(`parseReference rejects ${JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input)}`, () => {
      rejects(input, message);
    });
  }

  test('parseReference answers quickly for a long pathological name', () => {
    const start = Date.now();
    rejects(`${'a-'.repeat(1500)}!`);
    rejects('a'.repeat(5000));
    assert.ok(Date.now() - start < 500);
  });
});

describe('normalize', () => {
  const cases: Array<[string, string]> = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['library/busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['docker.io/library/busybox', 'docker.io/library/busybox:latest'],
    ['team/app', 'docker.io/team/app:latest'],
    ['localhost/foo', 'localhost/foo:latest'],
    ['localhost:5000/x', 'localhost:5000/x:latest'],
    [`host:5000/team/app@sha256:${F64}`, `host:5000/team/app@sha256:${F64}`],
    // docker drops the tag when a digest pins the content
    [`busybox:latest@sha256:${F64}`, `docker.io/library/busybox@sha256:${F64}`],
  ];
  for (const [input, expected] of cases) {
    test(`normalize turns ${JSON.stringify(input.slice(0, 50))} into ${JSON.stringify(expected.slice(0, 50))}`, () => {
      assert.equal(normalize(input), expected);
    });
  }

  test('normalizeReference adds the latest tag only when no digest is given', () => {
    assert.equal(normalizeReference('busybox').tag, 'latest');
    assert.equal(normalizeReference(`busybox@sha256:${F64}`).tag, undefined);
  });

  test('normalize is idempotent', () => {
    for (const [input] of cases) assert.equal(normalize(normalize(input)), normalize(input));
  });
});

describe('familiar forms', () => {
  const cases: Array<[string, string, string]> = [
    ['docker.io/library/busybox:latest', 'busybox', 'busybox:latest'],
    ['busybox', 'busybox', 'busybox'],
    ['docker.io/team/app:v1', 'team/app', 'team/app:v1'],
    ['docker.io/library/foo/bar', 'library/foo/bar', 'library/foo/bar'],
    ['docker.io/other/library', 'other/library', 'other/library'],
    ['127.0.0.1:8000/private/moonbase', '127.0.0.1:8000/private/moonbase', '127.0.0.1:8000/private/moonbase'],
    ['example.com/privatebase:1', 'example.com/privatebase', 'example.com/privatebase:1'],
    ['localhost/foo:latest', 'localhost/foo', 'localhost/foo:latest'],
    ['ubuntu-12.04-base', 'ubuntu-12.04-base', 'ubuntu-12.04-base'],
    [`busybox:latest@sha256:${F64}`, 'busybox', `busybox:latest@sha256:${F64}`],
  ];
  for (const [input, name, str] of cases) {
    test(`familiarName and familiarString shorten ${JSON.stringify(input.slice(0, 50))}`, () => {
      assert.equal(familiarName(input), name);
      assert.equal(familiarString(input), str);
    });
  }

  test('familiarString accepts a parsed reference', () => {
    assert.equal(familiarString({ domain: 'docker.io', path: 'library/busybox', tag: 'latest' }), 'busybox:latest');
  });
});

describe('ids and tags', () => {
  test('isImageIdLike accepts hex prefixes with or without sha256:', () => {
    for (const s of ['a', '9a1b', HEX, `sha256:${HEX}`, 'sha256:9a']) assert.equal(isImageIdLike(s), true, s);
  });

  test('isImageIdLike rejects names and over-long or upper-case hex', () => {
    for (const s of ['', 'busybox', 'sha256:', `${HEX}0`, 'ABCD', 'sha512:ab', '9a1b:latest']) {
      assert.equal(isImageIdLike(s), false, s);
    }
  });

  test('isFullImageId accepts only sha256: with 64 hex digits', () => {
    assert.equal(isFullImageId(`sha256:${HEX}`), true);
    assert.equal(isFullImageId(HEX), false);
    assert.equal(isFullImageId(`sha256:${HEX.slice(1)}`), false);
  });

  test('isValidTag follows the docker tag grammar', () => {
    for (const s of ['latest', '1.36', 'v1_2-3', 'A', '_x', 't'.repeat(128)]) assert.equal(isValidTag(s), true, s);
    for (const s of ['', '-x', '.x', 'a:b', 'a/b', 't'.repeat(129)]) assert.equal(isValidTag(s), false, s);
  });
});
