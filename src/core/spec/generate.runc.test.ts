import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeBusyboxRootfs } from '../../testkit/busybox-rootfs.js';
import { emptyContainerSpec, type ContainerSpec } from './container-spec.js';
import { generateRuntimeSpec } from './generate.js';
import { readHostFacts } from './host-facts.js';

const RUNC = ['/usr/sbin/runc', '/usr/bin/runc'].find((p) => fs.existsSync(p));
const skip = process.getuid?.() !== 0 ? 'needs root' : !RUNC ? 'runc is not installed' : false;

// Each test writes a bundle around one shared busybox rootfs and runs it with `runc run`.
describe('generateRuntimeSpec() output runs under runc', { skip }, () => {
  let tmp = '';
  let rootfs = '';
  let runcRoot = '';
  const ids: string[] = [];
  const facts = readHostFacts();

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-spec-runc-'));
    rootfs = path.join(tmp, 'rootfs');
    runcRoot = path.join(tmp, 'runc');
    makeBusyboxRootfs(rootfs);
  });

  after(() => {
    for (const id of ids) spawnSync(RUNC as string, ['--root', runcRoot, 'delete', '--force', id]);
    // runc removes each container's cgroup, but not the parent we named
    for (const base of ['/sys/fs/cgroup', ...fs.readdirSync('/sys/fs/cgroup').map((c) => path.join('/sys/fs/cgroup', c))]) {
      try {
        fs.rmdirSync(path.join(base, 'berth-spec-test'));
      } catch {
        // absent in this hierarchy, or not a hierarchy
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function run(spec: ContainerSpec): { status: number | null; stdout: string; stderr: string } {
    const id = `spec-${process.pid}-${ids.length}`;
    ids.push(id);
    const bundle = path.join(tmp, id);
    fs.mkdirSync(bundle);
    const config = generateRuntimeSpec({
      spec,
      image: {},
      rootfs,
      containerId: id,
      hostname: id.slice(0, 12),
      cgroupsPath: `/berth-spec-test/${id}`,
      host: facts,
    });
    fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(config));
    const r = spawnSync(RUNC as string, ['--root', runcRoot, 'run', '--bundle', bundle, id], { encoding: 'utf8', timeout: 20000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  test("a default container has docker's capabilities and a seccomp filter, and cannot make a user namespace", () => {
    const spec = emptyContainerSpec('busybox', 'sha256:test');
    spec.cmd = ['sh', '-c', 'grep -E "^(CapEff|Seccomp):" /proc/self/status; unshare -U true; echo "unshare=$?"'];
    const r = run(spec);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^CapEff:\s+00000000a80425fb$/m);
    assert.match(r.stdout, /^Seccomp:\s+2$/m);
    assert.match(r.stdout, /^unshare=1$/m);
    assert.match(r.stderr, /unshare: unshare\(0x10000000\): Operation not permitted/);
  });

  test('ordinary programs work under the default profile: threads, fork, chroot, files', () => {
    const spec = emptyContainerSpec('busybox', 'sha256:test');
    spec.cmd = ['sh', '-c', 'echo hi > /tmp/f && cat /tmp/f && chroot / true && echo chroot-ok && (sleep 0 &) && wait && id -u'];
    const r = run(spec);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'hi\nchroot-ok\n0\n');
  });

  test("the open-files limit is clamped to the host's hard limit so runc can apply it", () => {
    const spec = emptyContainerSpec('busybox', 'sha256:test');
    spec.cmd = ['sh', '-c', 'ulimit -n'];
    const r = run(spec);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(Number(r.stdout.trim()), Math.min(1048576, facts.rlimitHard.RLIMIT_NOFILE ?? Infinity));
  });

  test('adding CAP_SYS_ADMIN lets the container unshare namespaces', () => {
    const spec = emptyContainerSpec('busybox', 'sha256:test');
    spec.capAdd = ['SYS_ADMIN'];
    spec.cmd = ['sh', '-c', 'unshare -m true && echo unshared'];
    const r = run(spec);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'unshared\n');
  });

  test("a privileged container has no seccomp filter and the engine's full bounding set", () => {
    const spec = emptyContainerSpec('busybox', 'sha256:test');
    spec.privileged = true;
    spec.cmd = ['sh', '-c', 'grep -E "^(CapEff|Seccomp):" /proc/self/status'];
    const r = run(spec);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Seccomp:\s+0$/m);
    const bnd = /^CapBnd:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1];
    assert.match(r.stdout, new RegExp(`^CapEff:\\s+${bnd}$`, 'm'));
  });

  test('limits reach the cgroup: memory, pids and cpu', () => {
    const spec = emptyContainerSpec('busybox', 'sha256:test');
    spec.resources = { memory: 64 * 1024 * 1024, pidsLimit: 50, nanoCpus: 500_000_000 };
    spec.cmd = [
      'sh',
      '-c',
      facts.cgroupVersion === 2
        ? 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max'
        : 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us',
    ];
    // runc binds the container's own cgroup at /sys/fs/cgroup[/<controller>] in both versions
    const r = run(spec);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], String(64 * 1024 * 1024));
    assert.equal(lines[1], '50');
    assert.equal(lines[2], facts.cgroupVersion === 2 ? '50000 100000' : '50000');
  });
});
