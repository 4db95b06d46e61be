import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CAPABILITIES } from '../capabilities.js';
import { emptyContainerSpec, type ContainerSpec } from '../container-spec.js';
import { fakeHost } from '../fake-host.js';
import { apparmorProfile, capabilities, processCapabilities, protectedPaths, seccomp, selinuxLabel } from './security.js';

const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({ ...emptyContainerSpec('i', 'x'), ...over });

test("capabilities() gives docker's defaults after --cap-add and --cap-drop", () => {
  assert.deepEqual(capabilities(spec(), fakeHost()), [...DEFAULT_CAPABILITIES]);
  const caps = capabilities(spec({ capAdd: ['NET_ADMIN'], capDrop: ['chown'] }), fakeHost());
  assert.ok(caps.includes('CAP_NET_ADMIN') && !caps.includes('CAP_CHOWN'));
});

test("capabilities() gives a privileged container the engine's bounding set", () => {
  assert.deepEqual(capabilities(spec({ privileged: true }), fakeHost({ capBounding: ['CAP_CHOWN', 'CAP_SYS_ADMIN'] })), ['CAP_CHOWN', 'CAP_SYS_ADMIN']);
  assert.equal(capabilities(spec({ privileged: true }), fakeHost()).length, 41);
});

test('capabilities() leaves out defaults the engine lacks and refuses adding one', () => {
  const host = fakeHost({ capBounding: ['CAP_CHOWN', 'CAP_KILL'] });
  assert.throws(() => capabilities(spec({ capAdd: ['SYS_RESOURCE'], capDrop: ['ALL'] }), host), {
    kind: 'InvalidArgument',
    message: 'capability "CAP_SYS_RESOURCE" is not available: berth itself does not hold it on this host',
  });
  assert.deepEqual(capabilities(spec({ capAdd: ['ALL'] }), host), ['CAP_CHOWN', 'CAP_KILL']);
  assert.deepEqual(capabilities(spec(), host), ['CAP_CHOWN', 'CAP_KILL']);
});

test('processCapabilities() leaves inheritable and ambient empty', () => {
  assert.deepEqual(processCapabilities(['CAP_KILL']), {
    bounding: ['CAP_KILL'],
    effective: ['CAP_KILL'],
    permitted: ['CAP_KILL'],
    inheritable: [],
    ambient: [],
  });
});

test("seccomp() applies berth's profile fitted to the capabilities, and none when privileged or unconfined", () => {
  const def = seccomp(spec(), DEFAULT_CAPABILITIES, fakeHost());
  assert.equal(def?.defaultAction, 'SCMP_ACT_ERRNO');
  assert.ok(!def?.syscalls?.some((r) => r.names.includes('mount')));
  const admin = seccomp(spec(), [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'], fakeHost());
  assert.ok(admin?.syscalls?.some((r) => r.names.includes('mount')));
  assert.equal(seccomp(spec({ privileged: true }), DEFAULT_CAPABILITIES, fakeHost()), undefined);
  assert.equal(seccomp(spec({ security: { noNewPrivileges: false, seccomp: 'unconfined' } }), DEFAULT_CAPABILITIES, fakeHost()), undefined);
});

test('seccomp() converts a user profile and names its file when it is bad', () => {
  const good = spec({ security: { noNewPrivileges: false, seccomp: { path: '/p.json', profileJson: '{"defaultAction":"SCMP_ACT_LOG"}' } } });
  assert.deepEqual(seccomp(good, [], fakeHost()), { defaultAction: 'SCMP_ACT_LOG', syscalls: [] });
  const bad = spec({ security: { noNewPrivileges: false, seccomp: { path: '/p.json', profileJson: '{"defaultAction":"NOPE"}' } } });
  assert.throws(() => seccomp(bad, [], fakeHost()), {
    kind: 'InvalidArgument',
    message: 'loading seccomp profile "/p.json": invalid seccomp profile: unknown defaultAction "NOPE"',
  });
});

test('apparmorProfile() is absent where AppArmor is off, whatever was asked', () => {
  assert.equal(apparmorProfile(spec({ security: { noNewPrivileges: false, apparmor: 'x' } }), fakeHost()), undefined);
});

test('apparmorProfile() uses docker-default only when it is loaded, and unconfined when privileged', () => {
  assert.equal(apparmorProfile(spec(), fakeHost({ apparmorEnabled: true, apparmorProfiles: [] })), undefined);
  assert.equal(apparmorProfile(spec(), fakeHost({ apparmorEnabled: true, apparmorProfiles: ['docker-default'] })), 'docker-default');
  assert.equal(apparmorProfile(spec({ privileged: true }), fakeHost({ apparmorEnabled: true })), 'unconfined');
});

test('apparmorProfile() uses an asked profile that is loaded and refuses one that is not', () => {
  const host = fakeHost({ apparmorEnabled: true, apparmorProfiles: ['mine'] });
  assert.equal(apparmorProfile(spec({ security: { noNewPrivileges: false, apparmor: 'mine' } }), host), 'mine');
  assert.equal(apparmorProfile(spec({ security: { noNewPrivileges: false, apparmor: 'unconfined' } }), host), 'unconfined');
  assert.throws(() => apparmorProfile(spec({ security: { noNewPrivileges: false, apparmor: 'theirs' } }), host), {
    kind: 'InvalidArgument',
    message: 'apparmor profile "theirs" is not loaded on this host',
  });
});

test('selinuxLabel() builds a label from the given parts only where SELinux is on', () => {
  const s = spec({ security: { noNewPrivileges: false, selinuxLabel: ['type:spc_t', 'level:s0:c1,c2'] } });
  assert.equal(selinuxLabel(s, fakeHost()), undefined);
  assert.equal(selinuxLabel(s, fakeHost({ selinuxEnabled: true })), 'system_u:system_r:spc_t:s0:c1,c2');
  assert.equal(selinuxLabel(spec({ security: { noNewPrivileges: false, selinuxLabel: ['disable'] } }), fakeHost({ selinuxEnabled: true })), undefined);
});

test('protectedPaths() masks and write-protects /proc and /sys, skipping what the kernel lacks', () => {
  const { maskedPaths, readonlyPaths } = protectedPaths(spec(), fakeHost());
  assert.deepEqual(maskedPaths, [
    '/proc/asound',
    '/proc/acpi',
    '/proc/keys',
    '/proc/latency_stats',
    '/proc/timer_list',
    '/proc/scsi',
    '/sys/firmware',
    '/sys/devices/virtual/powercap',
  ]);
  assert.deepEqual(readonlyPaths, ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
  assert.deepEqual(protectedPaths(spec({ privileged: true }), fakeHost()), { maskedPaths: [], readonlyPaths: [] });
});
