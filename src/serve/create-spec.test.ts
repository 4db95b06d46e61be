import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerCreateToSpec } from './create-spec.js';

test("create body: docker CLI fields become berth's spec", () => {
  const s = dockerCreateToSpec(
    {
      Image: 'busybox',
      Cmd: ['sh', '-c', 'true'],
      Entrypoint: null,
      Env: ['A=1', 'B=2'],
      WorkingDir: '/w',
      User: '1000:1000',
      Labels: { tier: 'front' },
      ExposedPorts: { '80/tcp': {}, '53/udp': {} },
      Tty: true,
      OpenStdin: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      StopSignal: 'SIGUSR1',
      Volumes: { '/anon': {} },
      HostConfig: {
        Binds: ['/srv/data:/data:ro', 'named:/named'],
        PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': [{ HostIp: '', HostPort: '' }] },
        NetworkMode: 'default',
        AutoRemove: true,
        Memory: 64 * 1024 * 1024,
        NanoCpus: 500_000_000,
        CapAdd: ['NET_ADMIN'],
        CapDrop: ['MKNOD'],
        Privileged: false,
        ReadonlyRootfs: true,
        Init: true,
        Mounts: [
          { Type: 'tmpfs', Target: '/scratch', TmpfsOptions: { SizeBytes: 1048576, Mode: 0o1777 } },
          { Type: 'volume', Source: 'vol', Target: '/v', VolumeOptions: { NoCopy: true } },
        ],
        RestartPolicy: { Name: '', MaximumRetryCount: 0 },
      },
    },
    '/web',
  );
  assert.equal(s.name, 'web');
  assert.deepEqual(s.cmd, ['sh', '-c', 'true']);
  assert.equal(s.entrypoint, undefined);
  assert.deepEqual(s.env, ['A=1', 'B=2']);
  assert.equal(s.workingDir, '/w');
  assert.equal(s.user, '1000:1000');
  assert.deepEqual(s.labels, { tier: 'front' });
  assert.deepEqual(s.expose, ['80/tcp', '53/udp']);
  assert.equal(s.tty, true);
  assert.equal(s.openStdin, true);
  assert.deepEqual(s.attach, { stdin: true, stdout: true, stderr: true });
  assert.equal(s.stopSignal, 'SIGUSR1');
  assert.equal(s.network, 'bridge');
  assert.equal(s.autoRemove, true);
  assert.equal(s.resources.memory, 64 * 1024 * 1024);
  assert.equal(s.resources.nanoCpus, 500_000_000);
  assert.deepEqual(s.capAdd, ['NET_ADMIN']);
  assert.deepEqual(s.capDrop, ['MKNOD']);
  assert.equal(s.readOnly, true);
  assert.equal(s.init, true);
  assert.deepEqual(s.publish, [
    { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
    { hostIp: '', hostPort: 0, containerPort: 53, protocol: 'udp' },
  ]);
  const byTarget = new Map(s.mounts.map((m) => [m.target, m]));
  assert.deepEqual(byTarget.get('/data'), { type: 'bind', source: '/srv/data', target: '/data', readOnly: true, options: ['berth.create-host-path'] });
  assert.equal(byTarget.get('/named')?.type, 'volume');
  assert.equal(byTarget.get('/named')?.source, 'named');
  assert.equal(byTarget.get('/anon')?.source, '');
  assert.equal(byTarget.get('/scratch')?.type, 'tmpfs');
  assert.ok(byTarget.get('/scratch')?.options.includes('size=1048576'));
  assert.ok(byTarget.get('/scratch')?.options.includes('mode=1777'));
  assert.deepEqual(byTarget.get('/v')?.options, ['nocopy']);
  assert.equal(s.restartPolicy.name, 'no');
});

test('create body: entrypoint [""] clears the image\'s, [] keeps it; a string Cmd is one word', () => {
  assert.deepEqual(dockerCreateToSpec({ Image: 'x', Entrypoint: [''] }).entrypoint, []);
  assert.equal(dockerCreateToSpec({ Image: 'x', Entrypoint: [] }).entrypoint, undefined);
  assert.deepEqual(dockerCreateToSpec({ Image: 'x', Entrypoint: 'sh', Cmd: 'ls' }).entrypoint, ['sh']);
  assert.deepEqual(dockerCreateToSpec({ Image: 'x', Cmd: 'ls' }).cmd, ['ls']);
});

test('create body: a network named in NetworkingConfig (compose) with its aliases and address', () => {
  const s = dockerCreateToSpec({
    Image: 'x',
    HostConfig: { NetworkMode: 'proj_default' },
    NetworkingConfig: { EndpointsConfig: { proj_default: { Aliases: ['web', 'abc'], IPAMConfig: { IPv4Address: '10.1.0.5' } } } },
  });
  assert.equal(s.network, 'proj_default');
  assert.deepEqual(s.networkAliases, ['web', 'abc']);
  assert.equal(s.ip, '10.1.0.5');
  assert.equal(dockerCreateToSpec({ Image: 'x', HostConfig: { NetworkMode: 'host' } }).network, 'host');
  assert.equal(
    dockerCreateToSpec({ Image: 'x', HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } } }).restartPolicy.maximumRetryCount,
    3,
  );
});

test('create body: wrong types and bad values are InvalidArgument with the field named', () => {
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{}, /no image/],
    [{ Image: 3 }, /Image: expected a string/],
    [{ Image: 'x', Cmd: [1] }, /Cmd: expected a list of strings/],
    [{ Image: 'x', Tty: 'yes' }, /Tty: expected a boolean/],
    [{ Image: 'x', HostConfig: { Memory: 'lots' } }, /HostConfig.Memory: expected a number/],
    [{ Image: 'x', HostConfig: { Memory: 1024 } }, /Minimum memory limit/],
    [{ Image: 'x', HostConfig: { PortBindings: { '99999/tcp': [{ HostPort: '1' }] } } }, /invalid containerPort/],
    [{ Image: 'x', HostConfig: { Binds: ['relative/path:/x'] } }, /./],
    [{ Image: 'x', HostConfig: { AutoRemove: true, RestartPolicy: { Name: 'always' } } }, /AutoRemove/],
    [{ Image: 'x', HostConfig: { Mounts: [{ Type: 'bogus', Target: '/x' }] } }, /mount type unknown/],
    [{ Image: 'x', WorkingDir: 'rel' }, /absolute path/],
    [{ Image: 'x', HostConfig: { CgroupParent: '../../escape' } }, /CgroupParent/],
  ];
  for (const [body, re] of bad) {
    assert.throws(
      () => dockerCreateToSpec(body),
      (e: Error & { kind?: string }) => e.kind === 'InvalidArgument' && re.test(e.message),
      JSON.stringify(body),
    );
  }
});
