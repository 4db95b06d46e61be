import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerProfileToSpec, type DockerSeccompProfile } from './seccomp-docker.js';

const PROFILE: DockerSeccompProfile = {
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: 1,
  archMap: [
    { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] },
    { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: null },
  ],
  flags: ['SECCOMP_FILTER_FLAG_LOG'],
  syscalls: [
    { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW', comment: 'basics' },
    { name: 'getpid', action: 'SCMP_ACT_ALLOW' },
    { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN', 'CAP_CHOWN'] } },
    { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_MASKED_EQ' }], excludes: { caps: ['CAP_SYS_ADMIN'] } },
    { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64'] } },
    { names: ['set_tls'], action: 'SCMP_ACT_ALLOW', excludes: { arches: ['amd64'] } },
    { names: ['ptrace'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '4.8' } },
    { names: ['oldcall'], action: 'SCMP_ACT_ALLOW', excludes: { minKernel: '5.0' } },
    { names: ['kill'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, args: null },
  ],
};

const names = (s: ReturnType<typeof dockerProfileToSpec>): string[] => (s.syscalls ?? []).flatMap((r) => r.names);

test('dockerProfileToSpec() keeps rules whose conditions hold and drops docker-only fields', () => {
  const spec = dockerProfileToSpec(PROFILE, ['CAP_CHOWN'], { arch: 'x86_64', kernel: { major: 6, minor: 1 } });
  assert.equal(spec.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(spec.defaultErrnoRet, 1);
  assert.deepEqual(spec.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
  assert.deepEqual(spec.flags, ['SECCOMP_FILTER_FLAG_LOG']);
  assert.deepEqual(names(spec), ['read', 'write', 'getpid', 'clone', 'arch_prctl', 'ptrace', 'kill']);
  assert.deepEqual(spec.syscalls?.[0], { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' });
  assert.deepEqual(spec.syscalls?.at(-1), { names: ['kill'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
});

test('dockerProfileToSpec() needs every capability an include names and none an exclude names', () => {
  const both = dockerProfileToSpec(PROFILE, ['CAP_CHOWN', 'CAP_SYS_ADMIN'], { arch: 'x86_64' });
  assert.ok(names(both).includes('mount'));
  assert.ok(!names(both).includes('clone'));
  const one = dockerProfileToSpec(PROFILE, ['CAP_SYS_ADMIN'], { arch: 'x86_64' });
  assert.ok(!names(one).includes('mount'));
});

test('dockerProfileToSpec() fits archMap and arch conditions to an arm64 host', () => {
  const spec = dockerProfileToSpec(PROFILE, [], { arch: 'aarch64', kernel: { major: 4, minor: 4 } });
  assert.deepEqual(spec.architectures, ['SCMP_ARCH_AARCH64']);
  assert.ok(names(spec).includes('set_tls'));
  assert.ok(!names(spec).includes('arch_prctl'));
  assert.ok(!names(spec).includes('ptrace'));
  assert.ok(names(spec).includes('oldcall'));
});

test('dockerProfileToSpec() reads JSON text and passes plain architectures through', () => {
  const spec = dockerProfileToSpec('{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"]}', []);
  assert.deepEqual(spec, { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [] });
});

test('dockerProfileToSpec() rejects malformed profiles', () => {
  const cases: Array<[string, string | RegExp]> = [
    ['{oops', /^invalid seccomp profile: /],
    ['[]', 'invalid seccomp profile: not a JSON object'],
    ['{"defaultAction":"SCMP_ACT_MAYBE"}', 'invalid seccomp profile: unknown defaultAction "SCMP_ACT_MAYBE"'],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":{}}', 'invalid seccomp profile: "syscalls" is not a list'],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"NOPE"}]}', 'invalid seccomp profile: unknown action "NOPE"'],
    [
      '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"name":"a","names":["b"],"action":"SCMP_ACT_ALLOW"}]}',
      'invalid seccomp profile: use either "name" or "names" in the rule for "a"',
    ],
    [
      '{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86"],"archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":[]}]}',
      'invalid seccomp profile: both "architectures" and "archMap" are specified',
    ],
    [
      '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["a"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"new"}}]}',
      'invalid seccomp profile: invalid minKernel "new"',
    ],
  ];
  for (const [json, message] of cases) {
    assert.throws(() => dockerProfileToSpec(json, []), { kind: 'InvalidArgument', message }, json);
  }
});
