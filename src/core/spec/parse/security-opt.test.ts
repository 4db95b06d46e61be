import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSecurityOpt } from './security-opt.js';

const noFiles = (p: string): string => {
  throw new Error(`ENOENT: no such file or directory, open '${p}'`);
};

test('parseSecurityOpt() returns the defaults for no options', () => {
  assert.deepEqual(parseSecurityOpt([], noFiles), { noNewPrivileges: false });
});

test('parseSecurityOpt() reads every spelling of no-new-privileges', () => {
  assert.equal(parseSecurityOpt(['no-new-privileges'], noFiles).noNewPrivileges, true);
  assert.equal(parseSecurityOpt(['no-new-privileges=true'], noFiles).noNewPrivileges, true);
  assert.equal(parseSecurityOpt(['no-new-privileges:true'], noFiles).noNewPrivileges, true);
  assert.equal(parseSecurityOpt(['no-new-privileges', 'no-new-privileges=false'], noFiles).noNewPrivileges, false);
});

test('parseSecurityOpt() reads seccomp=unconfined and builtin', () => {
  assert.equal(parseSecurityOpt(['seccomp=unconfined'], noFiles).seccomp, 'unconfined');
  assert.equal(parseSecurityOpt(['seccomp:unconfined', 'seccomp=builtin'], noFiles).seccomp, undefined);
});

test('parseSecurityOpt() reads a seccomp profile file through readFile and stores it compact', () => {
  const files: Record<string, string> = { '/p.json': '{\n  "defaultAction": "SCMP_ACT_ALLOW"\n}\n' };
  const sec = parseSecurityOpt(['seccomp=/p.json'], (p) => files[p] ?? noFiles(p));
  assert.deepEqual(sec.seccomp, { profileJson: '{"defaultAction":"SCMP_ACT_ALLOW"}', path: '/p.json' });
});

test('parseSecurityOpt() reads apparmor and label options', () => {
  const sec = parseSecurityOpt(['apparmor=my-profile', 'label=type:svirt_t', 'label:level:s0:c1', 'label=disable'], noFiles);
  assert.equal(sec.apparmor, 'my-profile');
  assert.deepEqual(sec.selinuxLabel, ['type:svirt_t', 'level:s0:c1', 'disable']);
});

test('parseSecurityOpt() rejects unknown and malformed options', () => {
  const cases: Array<[string, string]> = [
    ['x', 'invalid --security-opt: "x"'],
    ['foo=bar', 'invalid --security-opt: "foo=bar"'],
    ['no-new-privileges=maybe', 'invalid --security-opt: "no-new-privileges=maybe"'],
    ['seccomp=', 'invalid --security-opt: "seccomp="'],
    ['apparmor=', 'invalid --security-opt: "apparmor="'],
    ['label=color:red', 'invalid --security-opt: "label=color:red"'],
    ['label=type:', 'invalid --security-opt: "label=type:"'],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseSecurityOpt([input], noFiles), { kind: 'InvalidArgument', message }, input);
  }
});

test('parseSecurityOpt() reports an unreadable or invalid seccomp profile', () => {
  assert.throws(() => parseSecurityOpt(['seccomp=/nope.json'], noFiles), {
    kind: 'InvalidArgument',
    message: `opening seccomp profile "/nope.json" failed: ENOENT: no such file or directory, open '/nope.json'`,
  });
  assert.throws(() => parseSecurityOpt(['seccomp=/bad.json'], () => '{oops'), {
    kind: 'InvalidArgument',
    message: /^decoding seccomp profile "\/bad.json" failed: /,
  });
  assert.throws(() => parseSecurityOpt(['seccomp=/arr.json'], () => '[]'), {
    message: 'decoding seccomp profile "/arr.json" failed: not a JSON object',
  });
});

test('parseSecurityOpt() takes systempaths=unconfined and refuses any other systempaths value', () => {
  assert.equal(parseSecurityOpt(['systempaths=unconfined'], () => '').systemPathsUnconfined, true);
  assert.throws(() => parseSecurityOpt(['systempaths=confined'], () => ''), /invalid --security-opt: "systempaths=confined"/);
});
