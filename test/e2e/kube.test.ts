import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { makeTestEnv, type TestEnv } from '../../src/testkit/berth-cli.js';
import { httpGet, retry as retryFor } from '../../src/testkit/http-probe.js';

// kube play / down with real containers; fixtures from kubectl (test/fixtures/kube/README.md).

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/kube');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

let t: TestEnv;
let dir: string;
before(async () => {
  t = makeTestEnv();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-kube-'));
  await t.importBusybox();
});
after(async () => {
  const pods = (await t.berth(['pod', 'ps', '-q', '--no-trunc'])).stdout.split('\n').filter(Boolean);
  if (pods.length) await t.berth(['pod', 'rm', '-f', ...pods]);
  await t.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function ok(args: string[], input?: string): Promise<string> {
  const r = await t.berth(args, input !== undefined ? { input } : {});
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function write(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

const get = async (url: string): Promise<string> => (await httpGet(url)).body;
// a pod's first answer can take a while: its containers start after the play returns
const retry = <T>(fn: () => Promise<T>, ms = 15_000): Promise<T> => retryFor(fn, ms, 150);

async function state(): Promise<{ pods: string; containers: string; volumes: string }> {
  return {
    pods: await ok(['pod', 'ps', '-q']),
    containers: await ok(['ps', '-aq']),
    volumes: await ok(['volume', 'ls', '-q']),
  };
}

test("kubectl's deployment with its configmap and secret: played, reachable on its hostPort, and kube down removes it", async () => {
  const port = await freePort();
  // kubectl's output, with the env and hostPort a user adds
  const deployment = YAML.parse(fixture('kubectl-deployment.yaml')) as { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } };
  const ctr = deployment.spec.template.spec.containers[0] as Record<string, unknown>;
  ctr['ports'] = [{ containerPort: 8080, hostPort: port }];
  ctr['env'] = [
    { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'GREETING' } } },
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'web-secret', key: 'password' } } },
  ];
  const file = write('web.yaml', [YAML.stringify(deployment), fixture('kubectl-configmap.yaml'), fixture('kubectl-secret.yaml')].join('---\n'));
  const out = await ok(['kube', 'play', file]);
  assert.match(out, /^Pod:\n[0-9a-f]{64}\nContainers:\n[0-9a-f]{64}$/);
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Name}} {{.Status}}']), 'web-pod Running');
  assert.equal((await retry(() => get(`http://127.0.0.1:${port}/`))).trim(), 'hello from web-pod');
  assert.equal(await ok(['exec', 'web-pod-busybox', 'sh', '-c', 'echo $PASSWORD']), 's3cret');
  const down = await ok(['kube', 'down', file]);
  assert.match(down, /^Pods removed:\n[0-9a-f]{64}$/);
  assert.deepEqual(await state(), { pods: '', containers: '', volumes: '' });
});

test("a Deployment with kubectl's Services (NodePort, ClusterIP) plays the pod, names each service port it does not publish, and kube down removes it", async () => {
  const port = await freePort();
  const deployment = YAML.parse(fixture('kubectl-deployment.yaml')) as { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } };
  const ctr = deployment.spec.template.spec.containers[0] as Record<string, unknown>;
  ctr['ports'] = [{ containerPort: 8080, hostPort: port }];
  ctr['env'] = [
    { name: 'GREETING', value: 'hi' },
    { name: 'POD_NAME', value: 'svc' },
  ];
  const file = write(
    'svc.yaml',
    [YAML.stringify(deployment), fixture('kubectl-service-nodeport.yaml'), fixture('kubectl-service-clusterip.yaml')].join('---\n'),
  );
  const r = await t.berth(['kube', 'play', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /^WARNING: Service "web": services are not played by berth: nodePort 30080 \(port 80\/TCP -> 8080 of the pods with app=web\) is not published; a hostPort on the container port publishes it$/m,
  );
  assert.match(
    r.stderr,
    /^WARNING: Service "web2": services are not played by berth: ClusterIP port 80\/TCP -> 8080 of the pods with app=web2 gets no service address/m,
  );
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Name}} {{.Status}}']), 'web-pod Running');
  assert.equal((await retry(() => get(`http://127.0.0.1:${port}/`))).trim(), 'hi from svc');
  // the same file comes down: the pod goes, the services were never made
  const down = await t.berth(['kube', 'down', file]);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stdout, /^Pods removed:\n[0-9a-f]{64}\n$/);
  assert.deepEqual(await state(), { pods: '', containers: '', volumes: '' });
});

test('a deployment of 3 replicas plays one, with a warning saying so', async () => {
  const r = await t.berth(['kube', 'play', '-'], { input: fixture('kubectl-deployment-replicas.yaml') });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /WARNING: Deployment "many": spec\.replicas is 3: berth runs one replica/);
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Name}} {{.NumberOfContainers}}']), 'many-pod 2');
  await ok(['kube', 'down', '-'], fixture('kubectl-deployment-replicas.yaml'));
  assert.equal(await ok(['pod', 'ps', '-q']), '');
});

const hostDir = () => {
  const h = path.join(dir, 'host');
  fs.mkdirSync(h, { recursive: true });
  fs.writeFileSync(path.join(h, 'file.txt'), 'from-host\n');
  return h;
};

const fullManifest = (h: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: app-config}
data:
  app.conf: "color=blue\\n"
---
apiVersion: v1
kind: Secret
metadata: {name: app-secret}
data: {password: czNjcmV0}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: app-data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata:
  name: app
  labels: {app: demo}
spec:
  hostname: apphost
  initContainers:
  - name: init-one
    image: busybox
    command: [sh, -c, 'sleep 0.3; echo one >> /work/order']
    volumeMounts: [{name: work, mountPath: /work}]
  - name: init-two
    image: busybox
    command: [sh, -c, 'echo two >> /work/order; chmod 666 /work/order; echo persisted > /data/mark']
    volumeMounts: [{name: work, mountPath: /work}, {name: data, mountPath: /data}]
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'echo started >> /work/order; exec sleep 300']
    workingDir: /tmp
    resources:
      limits: {memory: 64Mi, cpu: 500m}
    securityContext:
      runAsUser: 1000
      runAsGroup: 1000
      readOnlyRootFilesystem: true
      capabilities: {drop: [CHOWN]}
    volumeMounts:
    - {name: work, mountPath: /work}
    - {name: cfg, mountPath: /etc/app}
    - {name: sec, mountPath: /etc/secret}
    - {name: mem, mountPath: /cache}
    - {name: host, mountPath: /host, readOnly: true}
    - {name: data, mountPath: /data}
  volumes:
  - {name: work, emptyDir: {}}
  - {name: cfg, configMap: {name: app-config}}
  - {name: sec, secret: {secretName: app-secret, defaultMode: 0444}}
  - {name: mem, emptyDir: {medium: Memory, sizeLimit: 16Mi}}
  - {name: host, hostPath: {path: ${h}, type: Directory}}
  - {name: data, persistentVolumeClaim: {claimName: app-data}}
`;

test('a pod with init containers (in order, to completion, first), every volume type, limits and securityContext', async () => {
  const file = write('full.yaml', fullManifest(hostDir()));
  const out = await ok(['kube', 'play', file]);
  assert.match(out, /Init Containers:\n[0-9a-f]{64}\n[0-9a-f]{64}\nContainers:\n[0-9a-f]{64}/);
  assert.match(out, /Volumes:\napp-data$/);
  const exec = (cmd: string) => ok(['exec', 'app-main', 'sh', '-c', cmd]);
  assert.equal(
    await retry(async () => {
      const o = await exec('cat /work/order');
      if (!o.includes('started')) throw new Error(o);
      return o;
    }),
    'one\ntwo\nstarted',
  );
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Name}} {{.Status}}']), 'app Running');
  assert.equal(await exec('cat /etc/app/app.conf'), 'color=blue');
  assert.equal(await exec('cat /etc/secret/password'), 's3cret');
  assert.equal(await exec('stat -L -c %a /etc/secret/password'), '444');
  assert.match(await exec('grep " /cache " /proc/mounts'), /^tmpfs \/cache tmpfs rw,.*size=16384k/);
  assert.equal(await exec('cat /host/file.txt'), 'from-host');
  assert.notEqual((await t.berth(['exec', 'app-main', 'sh', '-c', 'echo x > /host/new'])).code, 0);
  assert.equal(await exec('cat /data/mark'), 'persisted');
  assert.equal(await exec('id -u; id -g; pwd; hostname'), '1000\n1000\n/tmp\napphost');
  assert.notEqual((await t.berth(['exec', 'app-main', 'touch', '/rootfile'])).code, 0);
  const id = await ok(['inspect', '-f', '{{.Id}}', 'app-main']);
  const podId = await ok(['pod', 'inspect', '-f', '{{.Id}}', 'app']);
  const limit = fs.existsSync('/sys/fs/cgroup/cgroup.controllers')
    ? fs.readFileSync(`/sys/fs/cgroup/berth/pod-${podId}/${id}/memory.max`, 'utf8')
    : fs.readFileSync(`/sys/fs/cgroup/memory/berth/pod-${podId}/${id}/memory.limit_in_bytes`, 'utf8');
  assert.equal(limit.trim(), String(64 * 1024 * 1024));
  // generate gives the configMap and secret volumes back with their objects, rebuilt from the files
  const generated = write('full-generated.yaml', await ok(['kube', 'generate', 'app']));
  const docs = YAML.parseAllDocuments(fs.readFileSync(generated, 'utf8')).map(
    (d) => d.toJS() as { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: { volumes?: unknown[] } },
  );
  assert.deepEqual(
    docs.map((d) => `${d.kind}/${d.metadata.name}`),
    ['ConfigMap/app-config', 'Secret/app-secret', 'PersistentVolumeClaim/app-data', 'Pod/app'],
  );
  assert.deepEqual(docs[0]?.data, { 'app.conf': 'color=blue\n' });
  assert.deepEqual(docs[1]?.data, { password: Buffer.from('s3cret').toString('base64') });
  const vols = docs[3]?.spec?.volumes as Array<Record<string, unknown>>;
  assert.deepEqual(
    vols.find((v) => v['configMap']),
    { name: 'app', configMap: { name: 'app-config' } },
  );
  assert.deepEqual(
    vols.find((v) => v['secret']),
    { name: 'secret', secret: { secretName: 'app-secret', defaultMode: 0o444 } },
  );
  assert.equal(
    vols.filter((v) => v['emptyDir'] && !(v['emptyDir'] as Record<string, unknown>)['medium']).length,
    1,
    'one emptyDir shared by the init containers and main',
  );
  // kube down keeps the claim's volume; --force removes it
  await ok(['kube', 'down', file]);
  assert.equal(await ok(['pod', 'ps', '-q']), '');
  assert.equal(await ok(['ps', '-aq']), '');
  assert.equal(await ok(['volume', 'ls', '-q']), 'app-data');
  assert.ok(!fs.existsSync(path.join(t.root, 'pods', podId)), "the pod's own volumes are gone");
  // the generated manifest plays back the same pod, files and modes included
  await ok(['kube', 'play', generated]);
  assert.equal(await ok(['exec', 'app-main', 'cat', '/data/mark']), 'persisted');
  assert.equal(
    await exec('cat /etc/app/app.conf; cat /etc/secret/password; echo; stat -L -c %a /etc/secret/password; cat /work/order'),
    'color=blue\ns3cret\n444\none\ntwo\nstarted',
  );
  assert.match(await ok(['kube', 'down', '--force', generated]), /Volumes removed:\napp-data/);
  assert.deepEqual(await state(), { pods: '', containers: '', volumes: '' });
});

test('--start=false creates without starting; a second play is refused unless --replace', async () => {
  const file = write('web2.yaml', fixture('kubectl-deployment-replicas.yaml'));
  await ok(['kube', 'play', '--start=false', file]);
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Name}} {{.Status}}']), 'many-pod Created');
  const again = await t.berth(['kube', 'play', file]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /pod "many-pod" already exists \(remove it, or play with --replace\)/);
  const before = await ok(['pod', 'inspect', '-f', '{{.Id}}', 'many-pod']);
  await ok(['kube', 'play', '--replace', file]);
  assert.notEqual(await ok(['pod', 'inspect', '-f', '{{.Id}}', 'many-pod']), before);
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Name}} {{.Status}}']), 'many-pod Running');
  await ok(['kube', 'down', file]);
});

test('an invalid manifest creates nothing and names the field; a failing init container undoes the play', async () => {
  const h = hostDir();
  const cases: Array<[string, RegExp]> = [
    [fullManifest(h).replace(`path: ${h}`, 'path: relative/dir'), /Pod "app": spec\.volumes\[4\]\.hostPath\.path: "relative\/dir" is not an absolute path/],
    [fullManifest(h).replace(`path: ${h}`, `path: ${h}/missing`), /spec\.volumes\[4\]\.hostPath\.path: ".*\/missing" does not exist on this host/],
    [fullManifest(h).replace('limits: {memory: 64Mi, cpu: 500m}', 'limits: {memory: [1]}'), /Pod "app": spec\.containers\[0\]\.resources\.limits\.memory: /],
    [fullManifest(h).replace('  - name: main\n    image: busybox\n', '  - name: main\n'), /Pod "app": spec\.containers\[0\]\.image: required field is missing/],
    [fullManifest(h).replace('workingDir: /tmp', 'workingDirectory: /tmp'), /Pod "app": spec\.containers\[0\]\.workingDirectory: unknown field/],
    [`${fullManifest(h)}---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\n`, /kind "CronJob" of apiVersion "batch\/v1" is not supported/],
  ];
  for (const [text, pattern] of cases) {
    const r = await t.berth(['kube', 'play', '-'], { input: text });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('Error')).length,
      1,
    );
    assert.deepEqual(await state(), { pods: '', containers: '', volumes: '' });
  }
  const failing = fullManifest(h).replace("'sleep 0.3; echo one >> /work/order'", "'echo one >> /work/order; exit 3'");
  const r = await t.berth(['kube', 'play', '-'], { input: failing });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /app-init-one: init container exited with code 3/);
  assert.deepEqual(await state(), { pods: '', containers: '', volumes: '' });
});

test('kube generate: valid YAML for a pod (with --service), and playing it brings back an equivalent pod', async () => {
  const port = await freePort();
  const h = hostDir();
  await ok(['pod', 'create', '--name', 'gen', '-p', `${port}:80`, '--label', 'tier=web']);
  await ok([
    'run',
    '-d',
    '--pod',
    'gen',
    '--name',
    'gen-web',
    '-e',
    'A=1',
    '-m',
    '64m',
    '--cpus',
    '0.5',
    '--cap-drop',
    'NET_RAW',
    '--read-only',
    '-v',
    `${h}:/host:ro`,
    '-v',
    'gendata:/data',
    '--tmpfs',
    '/cache:size=1m',
    '-w',
    '/tmp',
    'busybox',
    'sh',
    '-c',
    'cp /host/file.txt /tmp/index.html 2>/dev/null; exec httpd -f -p 80 -h /host',
  ]);
  await ok(['create', '--pod', 'gen', '--name', 'gen-side', '-u', '1000:1000', 'busybox', 'sleep', '300']);
  const file = path.join(dir, 'gen.yaml');
  await ok(['kube', 'generate', '--service', '-f', file, 'gen']);
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
  assert.deepEqual(
    docs.map((d) => d['kind']),
    ['PersistentVolumeClaim', 'Pod', 'Service'],
  );
  // what a cluster takes: the API schema (kubernetes-models) with no unknown field
  const { Pod } = await import('kubernetes-models/v1/Pod');
  const { Service } = await import('kubernetes-models/v1/Service');
  const { PersistentVolumeClaim } = await import('kubernetes-models/v1/PersistentVolumeClaim');
  new PersistentVolumeClaim(docs[0] as never).validate();
  new Pod(docs[1] as never).validate();
  new Service(docs[2] as never).validate();
  const podSpec = (docs[1] as { spec: { containers: Array<Record<string, unknown>>; volumes: Array<Record<string, unknown>> } }).spec;
  assert.deepEqual(
    podSpec.containers.map((c) => c['name']),
    ['web', 'side'],
  );
  assert.deepEqual(podSpec.containers[0]?.['ports'], [{ containerPort: 80, hostPort: port }]);
  assert.deepEqual(podSpec.containers[0]?.['resources'], { limits: { memory: '64Mi', cpu: '500m' } });
  assert.deepEqual(podSpec.volumes, [
    { name: 'host', hostPath: { path: h, type: 'Directory' } },
    { name: 'data', persistentVolumeClaim: { claimName: 'gendata' } },
    { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
  ]);
  // play it back in place of the original: the same pod again, and the same YAML from it
  await ok(['pod', 'rm', '-f', 'gen']);
  const played = await t.berth(['kube', 'play', file]);
  assert.equal(played.code, 0, played.stderr);
  assert.match(played.stderr, /Service "gen": services are not played/);
  assert.equal(await ok(['pod', 'ps', '--format', '{{.Name}} {{.Status}} {{.NumberOfContainers}}']), 'gen Running 3');
  assert.equal((await retry(() => get(`http://127.0.0.1:${port}/file.txt`))).trim(), 'from-host');
  assert.equal(await ok(['exec', 'gen-side', 'id', '-u']), '1000');
  assert.equal(
    await ok(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.ReadonlyRootfs}}', 'gen-web']),
    `${64 * 1024 * 1024} 500000000 true`,
  );
  const again = path.join(dir, 'gen2.yaml');
  await ok(['kube', 'generate', '--service', '-f', again, 'gen']);
  assert.equal(fs.readFileSync(again, 'utf8'), fs.readFileSync(file, 'utf8'));
  await ok(['kube', 'down', '--force', file]);
  assert.equal(await ok(['volume', 'ls', '-q']), '');
});

test('kube generate of a container outside a pod: a Pod named after it with its ports; bad targets refused', async () => {
  const port = await freePort();
  await ok(['run', '-d', '--name', 'solo', '-p', `${port}:8080`, '--restart', 'always', 'busybox', 'sleep', '300']);
  const text = await ok(['kube', 'generate', 'solo']);
  const pod = YAML.parse(
    text
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n'),
  ) as { metadata: { name: string }; spec: { restartPolicy: string; containers: Array<Record<string, unknown>> } };
  assert.equal(pod.metadata.name, 'solo-pod');
  assert.equal(pod.spec.restartPolicy, 'Always');
  assert.deepEqual(pod.spec.containers[0]?.['ports'], [{ containerPort: 8080, hostPort: port }]);
  await ok(['rm', '-f', 'solo']);
  const none = await t.berth(['kube', 'generate', 'nosuch']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /No such container: nosuch/);
  const noPorts = await t.berth(['kube', 'generate', '--service', 'nosuch2']);
  assert.notEqual(noPorts.code, 0);
});

test('interoperability: berth plays what podman kube generate wrote, and podman plays what berth generates', async () => {
  const h = hostDir();
  const fromPodman = fixture('podman-generate.yaml').replaceAll('/tmp/kdbg/host', h);
  const r = await t.berth(['kube', 'play', '-'], { input: fromPodman });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /spec\.automountServiceAccountToken is not supported by berth and is ignored/);
  assert.equal(await ok(['exec', 'ppod-pweb', 'sh', '-c', 'echo $GREETING; cat /host/file.txt']), 'hi\nfrom-host');
  assert.equal(await ok(['inspect', '-f', '{{.HostConfig.Memory}}', 'ppod-pweb']), String(64 * 1024 * 1024));
  const generated = path.join(dir, 'for-podman.yaml');
  await ok(['kube', 'generate', '-f', generated, 'ppod']);
  await ok(['kube', 'down', '-'], fromPodman);
  // podman 4.3 in a store of its own: it takes berth's YAML (created, not started: podman cannot
  // start containers on this host's rlimits)
  const proot = path.join(dir, 'podman-root');
  const prun = fs.mkdtempSync('/run/bt-podman-');
  const podman = (args: string[]) =>
    execFileSync('podman', ['--root', proot, '--runroot', prun, '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', ...args], {
      encoding: 'utf8',
      timeout: 120_000,
    });
  try {
    const tar = path.join(dir, 'busybox.tar');
    await ok(['save', '-o', tar, 'busybox']);
    podman(['load', '-i', tar]);
    podman(['kube', 'play', '--start=false', generated]);
    const ctrs = podman(['ps', '-a', '--pod', '--format', '{{.Names}}|{{.PodName}}'])
      .trim()
      .split('\n')
      .filter((l) => !l.includes('-infra|'));
    assert.deepEqual(ctrs, ['ppod-pweb|ppod']);
    assert.equal(podman(['inspect', '-f', '{{.Path}} {{join .Args " "}}', 'ppod-pweb']).trim(), 'httpd -f -p 8080');
    const env = podman(['inspect', '-f', '{{range .Config.Env}}{{println .}}{{end}}', 'ppod-pweb']);
    assert.match(env, /^GREETING=hi$/m);
  } finally {
    try {
      podman(['pod', 'rm', '-af']);
    } catch {
      /* nothing made */
    }
    fs.rmSync(prun, { recursive: true, force: true });
  }
});

test('probes: a failing liveness probe (exec, httpGet from the host) restarts the container; readiness (tcpSocket) reports health', async () => {
  const manifest = `apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  containers:
  - name: exec
    image: busybox
    command: [sh, -c, 'touch /tmp/alive; sleep 4; rm /tmp/alive; exec sleep 300']
    livenessProbe:
      exec: {command: [test, -f, /tmp/alive]}
      periodSeconds: 1
      failureThreshold: 2
  - name: http
    image: busybox
    command: [sh, -c, 'mkdir -p /www && echo ok > /www/healthz && (sleep 10; rm /www/healthz) & exec httpd -f -p 8080 -h /www']
    ports: [{name: web, containerPort: 8080}]
    livenessProbe:
      httpGet: {path: /healthz, port: web}
      periodSeconds: 1
      failureThreshold: 2
  - name: ready
    image: busybox
    command: [sh, -c, 'mkdir -p /w && exec httpd -f -p 9090 -h /w']
    readinessProbe:
      tcpSocket: {port: 9090}
      periodSeconds: 1
`;
  await ok(['kube', 'play', '-'], manifest);
  const inspect = (name: string, f: string) => ok(['inspect', '-f', f, name]);
  // the httpGet probe reaches the pod from the host (busybox has no curl): healthy while /healthz
  // exists (10 s: a slow start must still see the first probes pass)
  await retry(async () => assert.equal(await inspect('probed-http', '{{.State.Health.Status}}'), 'healthy'), 10_000);
  const log = await inspect('probed-http', '{{range .State.Health.Log}}{{.Output}}{{"\\n"}}{{end}}');
  assert.match(log, /HTTP 200 from http:\/\/[0-9.]+:8080\/healthz/);
  await retry(async () => assert.equal(await inspect('probed-ready', '{{.State.Health.Status}}'), 'healthy'), 10_000);
  // then each liveness probe fails twice in a row: killed, and restartPolicy Always brings it back
  await retry(async () => assert.ok(Number(await inspect('probed-exec', '{{.RestartCount}}')) >= 1), 20_000);
  await retry(async () => assert.ok(Number(await inspect('probed-http', '{{.RestartCount}}')) >= 1), 30_000);
  assert.equal(await inspect('probed-ready', '{{.RestartCount}}'), '0');
  await ok(['kube', 'down', '-'], manifest);
});

test("probes with Kubernetes' rules: a startup probe holds liveness and readiness back and restarts on failure (timeoutSeconds), readiness and liveness on one container, initialDelaySeconds", async () => {
  const manifest = `apiVersion: v1
kind: Pod
metadata: {name: kprobes}
spec:
  containers:
  - name: gated
    image: busybox
    command: [sh, -c, 'sleep 5; touch /tmp/up; exec sleep 300']
    startupProbe:
      exec: {command: [test, -f, /tmp/up]}
      periodSeconds: 1
      failureThreshold: 30
    livenessProbe:
      exec: {command: [test, -f, /tmp/up]}
      periodSeconds: 1
      failureThreshold: 1
    readinessProbe:
      exec: {command: [test, -f, /tmp/up]}
      periodSeconds: 1
  - name: stuck
    image: busybox
    command: [sleep, '300']
    startupProbe:
      exec: {command: [sleep, '5']}
      timeoutSeconds: 1
      periodSeconds: 1
      failureThreshold: 2
  - name: both
    image: busybox
    command: [sh, -c, 'touch /tmp/alive /tmp/ready; exec sleep 300']
    readinessProbe:
      exec: {command: [test, -f, /tmp/ready]}
      periodSeconds: 1
      successThreshold: 2
      failureThreshold: 1
    livenessProbe:
      exec: {command: [test, -f, /tmp/alive]}
      periodSeconds: 1
      failureThreshold: 2
  - name: late
    image: busybox
    command: [sleep, '300']
    readinessProbe:
      exec: {command: ['true']}
      initialDelaySeconds: 8
      periodSeconds: 1
`;
  const played = await t.berth(['kube', 'play', '-'], { input: manifest });
  assert.equal(played.code, 0, played.stderr);
  assert.doesNotMatch(played.stderr, /WARNING/);
  const inspect = (name: string, f: string) => ok(['inspect', '-f', f, `kprobes-${name}`]);
  const health = (name: string) => inspect(name, '{{.State.Health.Status}} started={{.State.Health.Started}} ready={{.State.Health.Ready}}');
  // initialDelaySeconds: no probe yet, so not ready; the startup probe has not succeeded (the
  // liveness probe, which would fail at once, waits for it)
  assert.equal(await health('late'), 'starting started=true ready=false');
  assert.equal(await inspect('late', '{{len .State.Health.Log}}'), '0');
  assert.equal(await health('gated'), 'starting started=false ready=false');
  await retry(async () => assert.equal(await health('late'), 'healthy started=true ready=true'), 20_000);
  await retry(async () => assert.equal(await health('gated'), 'healthy started=true ready=true'), 20_000);
  assert.equal(await inspect('gated', '{{.RestartCount}}'), '0', 'the liveness probe ran only once the startup probe succeeded');
  const gatedLog = await inspect('gated', '{{range .State.Health.Log}}{{.Probe}} {{.ExitCode}}{{"\\n"}}{{end}}');
  assert.match(gatedLog, /^(liveness|readiness) 0$/m);

  // readiness and liveness on one container: unready is not a restart; a liveness failure is
  await retry(async () => assert.equal(await health('both'), 'healthy started=true ready=true'), 20_000);
  await ok(['exec', 'kprobes-both', 'rm', '/tmp/ready']);
  await retry(async () => assert.equal(await health('both'), 'unhealthy started=true ready=false'), 20_000);
  assert.equal(await inspect('both', '{{.RestartCount}}'), '0');
  await ok(['exec', 'kprobes-both', 'rm', '/tmp/alive']);
  await retry(async () => assert.ok(Number(await inspect('both', '{{.RestartCount}}')) >= 1), 20_000);
  // the new run starts over: its files are back, ready again after two successes
  await retry(async () => assert.equal(await health('both'), 'healthy started=true ready=true'), 20_000);

  // a startup probe that times out failureThreshold times in a row: killed, and restartPolicy
  // Always brings it back (and it times out again)
  await retry(async () => assert.ok(Number(await inspect('stuck', '{{.RestartCount}}')) >= 1), 30_000);
  await retry(
    async () => assert.match(await inspect('stuck', '{{range .State.Health.Log}}{{.Probe}}: {{.Output}}{{"\\n"}}{{end}}'), /^startup: .*timeout/m),
    10_000,
  );
  assert.match(await health('stuck'), /^starting started=false/);

  // kube generate gives the probes back as they were written
  const generated = YAML.parse(await ok(['kube', 'generate', 'kprobes'])) as { spec: { containers: Array<Record<string, unknown>> } };
  const stuck = generated.spec.containers.find((c) => String(c['name']).endsWith('stuck'));
  assert.deepEqual(stuck?.['startupProbe'], { exec: { command: ['sleep', '5'] }, periodSeconds: 1, failureThreshold: 2 });
  const both = generated.spec.containers.find((c) => String(c['name']).endsWith('both'));
  assert.deepEqual(both?.['readinessProbe'], { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1, successThreshold: 2, failureThreshold: 1 });
  await ok(['kube', 'down', '-'], manifest);
});
