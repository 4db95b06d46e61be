import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseManifest } from './manifest.js';
import { translateManifest, expandVars, type PlayPlan } from './translate.js';
import { parseQuantity, formatBytesQuantity, formatCpuQuantity } from './quantity.js';

// fixtures written by kubectl (see test/fixtures/kube/README.md)
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/kube');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

async function plan(text: string, volumes: string[] = []): Promise<PlayPlan> {
  return translateManifest(await parseManifest(text), { volumeExists: (n) => volumes.includes(n) });
}

async function refused(text: string, pattern: RegExp): Promise<void> {
  await assert.rejects(plan(text), (e: Error) => {
    assert.match(e.message, pattern);
    return true;
  });
}

const pod = (spec: string, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
${spec}
${extra}`;

test("kubectl's deployment, configmap and secret translate to a pod named after the deployment", async () => {
  const text = [fixture('kubectl-deployment.yaml'), fixture('kubectl-configmap.yaml'), fixture('kubectl-secret.yaml')].join('---\n');
  const p = await plan(text);
  assert.deepEqual(p.warnings, []);
  assert.equal(p.pods.length, 1);
  const pp = p.pods[0]!;
  assert.equal(pp.pod.name, 'web-pod');
  assert.equal(pp.kind, 'Deployment');
  assert.deepEqual(pp.pod.labels, { app: 'web' });
  assert.deepEqual(pp.pod.kube, { kind: 'Deployment', name: 'web' });
  const c = pp.containers[0]!;
  assert.equal(c.spec.name, 'web-pod-busybox');
  assert.equal(c.spec.image, 'busybox');
  assert.deepEqual(c.spec.entrypoint?.slice(0, 2), ['sh', '-c']);
  assert.deepEqual(c.spec.cmd, []);
  assert.deepEqual(c.spec.expose, ['8080/tcp']);
  assert.deepEqual(pp.pod.publish, []);
  assert.equal(c.spec.restartPolicy.name, 'always');
});

test('a deployment of more than one replica is played as one, with a warning saying so', async () => {
  const p = await plan(fixture('kubectl-deployment-replicas.yaml'));
  assert.equal(p.pods.length, 1);
  assert.match(p.warnings.join('\n'), /Deployment "many": spec\.replicas is 3: berth runs one replica/);
});

test('env: value with $(VAR), configMapKeyRef, secretKeyRef, fieldRef and envFrom with a prefix', async () => {
  const text = `${fixture('kubectl-configmap.yaml')}---\n${fixture('kubectl-secret.yaml')}---\n${pod(`  containers:
  - name: c
    image: busybox
    args: ["echo", "$(GREETING)-$(MISSING)", "$$(GREETING)"]
    envFrom:
    - configMapRef: {name: web-config}
      prefix: CFG_
    env:
    - {name: A, value: plain}
    - {name: B, value: "$(A)-x"}
    - name: GREETING
      valueFrom: {configMapKeyRef: {name: web-config, key: GREETING}}
    - name: PASS
      valueFrom: {secretKeyRef: {name: web-secret, key: password}}
    - name: POD
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - name: OPT
      valueFrom: {configMapKeyRef: {name: nope, key: k, optional: true}}`)}`;
  const c = (await plan(text)).pods[0]!.containers[0]!;
  assert.deepEqual(c.spec.env, ['CFG_GREETING=hello', 'CFG_app.conf=color=blue', 'A=plain', 'B=plain-x', 'GREETING=hello', 'PASS=s3cret', 'POD=p']);
  assert.deepEqual(c.spec.cmd, ['echo', 'hello-$(MISSING)', '$(GREETING)']);
});

test('ports, limits, securityContext, workingDir, restartPolicy and init containers', async () => {
  const p = (
    await plan(
      pod(`  restartPolicy: OnFailure
  securityContext: {runAsUser: 1000, runAsGroup: 100}
  initContainers:
  - {name: i1, image: busybox, command: ["true"]}
  - {name: i2, image: busybox, command: ["true"]}
  containers:
  - name: c
    image: busybox
    workingDir: /srv
    ports:
    - {containerPort: 80, hostPort: 8080}
    - {containerPort: 53, protocol: UDP}
    resources:
      limits: {memory: 128Mi, cpu: 250m}
      requests: {memory: 64Mi, cpu: "0.5"}
    securityContext:
      capabilities: {add: [NET_ADMIN], drop: [ALL]}
      readOnlyRootFilesystem: true
      allowPrivilegeEscalation: false`),
    )
  ).pods[0]!;
  const c = p.containers[0]!;
  assert.deepEqual(p.pod.publish, [{ hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' }]);
  assert.deepEqual(c.spec.expose, ['80/tcp', '53/udp']);
  assert.equal(c.spec.resources.memory, 128 * 1024 * 1024);
  assert.equal(c.spec.resources.nanoCpus, 250_000_000);
  assert.equal(c.spec.resources.memoryReservation, 64 * 1024 * 1024);
  assert.equal(c.spec.resources.cpuShares, 512);
  assert.equal(c.spec.user, '1000:100');
  assert.deepEqual(c.spec.capAdd, ['NET_ADMIN']);
  assert.deepEqual(c.spec.capDrop, ['ALL']);
  assert.equal(c.spec.readOnly, true);
  assert.equal(c.spec.security.noNewPrivileges, true);
  assert.equal(c.spec.workingDir, '/srv');
  assert.equal(c.spec.restartPolicy.name, 'on-failure');
  assert.deepEqual(
    p.initContainers.map((i) => [i.name, i.spec.restartPolicy.name, i.init]),
    [
      ['i1', 'no', true],
      ['i2', 'no', true],
    ],
  );
});

test('volumes: hostPath, emptyDir (Memory is a tmpfs), configMap and secret files, persistentVolumeClaim', async () => {
  const dir = fs.mkdtempSync('/tmp/berth-kube-unit-');
  const text = `${fixture('kubectl-configmap.yaml')}---\n${fixture('kubectl-secret.yaml')}---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: claim}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
${pod(`  containers:
  - name: c
    image: busybox
    volumeMounts:
    - {name: h, mountPath: /h, readOnly: true}
    - {name: e, mountPath: /e}
    - {name: m, mountPath: /m}
    - {name: cm, mountPath: /cm}
    - {name: s, mountPath: /s}
    - {name: v, mountPath: /v}
  volumes:
  - {name: h, hostPath: {path: ${dir}, type: Directory}}
  - {name: e, emptyDir: {}}
  - {name: m, emptyDir: {medium: Memory, sizeLimit: 16Mi}}
  - {name: cm, configMap: {name: web-config, items: [{key: app.conf, path: conf/app.conf}]}}
  - {name: s, secret: {secretName: web-secret, defaultMode: 0400}}
  - {name: v, persistentVolumeClaim: {claimName: claim}}`)}`;
  const p = await plan(text);
  fs.rmSync(dir, { recursive: true });
  const pp = p.pods[0]!;
  const c = pp.containers[0]!;
  assert.deepEqual(p.claims, ['claim']);
  assert.deepEqual(c.spec.mounts, [
    { type: 'bind', source: dir, target: '/h', readOnly: true, options: [] },
    { type: 'tmpfs', source: '', target: '/m', readOnly: false, options: [`size=${16 * 1024 * 1024}`] },
    { type: 'volume', source: 'claim', target: '/v', readOnly: false, options: [] },
  ]);
  assert.deepEqual(c.podMounts, [
    { volume: 'e', target: '/e', readOnly: false },
    { volume: 'cm', target: '/cm', readOnly: true },
    { volume: 's', target: '/s', readOnly: true },
  ]);
  const files = Object.fromEntries(pp.podVolumes.map((v) => [v.name, v.files.map((f) => [f.path, f.content.toString(), f.mode.toString(8)])]));
  assert.deepEqual(
    pp.podVolumes.map((v) => v.emptyDir),
    [true, false, false],
  );
  // defaultMode 0400 is octal, as Kubernetes reads YAML
  assert.deepEqual(files, { e: [], cm: [['conf/app.conf', 'color=blue', '644']], s: [['password', 's3cret', '400']] });
});

test('fields berth does not act on are warnings naming their path', async () => {
  const p = await plan(
    pod(`  nodeSelector: {disk: ssd}
  containers:
  - name: c
    image: busybox
    livenessProbe:
      grpc: {port: 9000}
    lifecycle:
      preStop: {exec: {command: ["true"]}}`),
  );
  assert.deepEqual(p.warnings, [
    'Pod "p": spec.nodeSelector is not supported by berth and is ignored',
    'Pod "p": spec.containers[0].livenessProbe.grpc is not supported by berth and is ignored',
    'Pod "p": spec.containers[0].lifecycle is not supported by berth and is ignored',
    'Pod "p": spec.containers[0].livenessProbe has no exec, httpGet or tcpSocket check that berth runs: it is ignored',
  ]);
});

test('probes: each kept with its own settings, Kubernetes defaults for what is absent or 0; no healthcheck', async () => {
  const c = await plan(
    pod(`  containers:
  - name: c
    image: busybox
    ports: [{name: web, containerPort: 8080}]
    livenessProbe:
      httpGet: {path: /healthz, port: web}
      periodSeconds: 2
      failureThreshold: 2
    readinessProbe:
      tcpSocket: {port: 8080}
      successThreshold: 2
      timeoutSeconds: 0
    startupProbe:
      exec: {command: ["true"]}
      failureThreshold: 5
      periodSeconds: 3
  - name: d
    image: busybox
    readinessProbe:
      exec: {command: [cat, /ready]}
      initialDelaySeconds: 4
      timeoutSeconds: 2`),
  );
  assert.deepEqual(c.warnings, []);
  const [both, ready] = c.pods[0]!.containers;
  const d = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 };
  assert.deepEqual(both!.spec.kubeProbes, {
    startup: { ...d, test: ['CMD', 'true'], failureThreshold: 5, periodSeconds: 3 },
    liveness: { ...d, test: ['BERTH-HTTP-GET', 'HTTP', '', '8080', '/healthz'], periodSeconds: 2, failureThreshold: 2 },
    readiness: { ...d, test: ['BERTH-TCP', '', '8080'], successThreshold: 2 },
  });
  assert.deepEqual(ready!.spec.kubeProbes, { readiness: { ...d, test: ['CMD', 'cat', '/ready'], initialDelaySeconds: 4, timeoutSeconds: 2 } });
  for (const x of [both, ready]) {
    assert.equal(x!.spec.healthcheck, undefined);
    assert.equal(x!.spec.healthOnFailure, undefined);
  }
  // what Kubernetes' validation refuses
  const bad = async (probe: string, re: RegExp) => refused(pod(`  containers:\n  - name: c\n    image: busybox\n${probe}`), re);
  await bad('    livenessProbe: {exec: {command: ["true"]}, successThreshold: 2}', /spec\.containers\[0\]\.livenessProbe\.successThreshold: 2: must be 1/);
  await bad('    startupProbe: {exec: {command: ["true"]}, successThreshold: 3}', /spec\.containers\[0\]\.startupProbe\.successThreshold: 3: must be 1/);
  await bad(
    '    readinessProbe: {exec: {command: ["true"]}, periodSeconds: -1}',
    /spec\.containers\[0\]\.readinessProbe\.periodSeconds: -1: must be greater than or equal to 0/,
  );
  await bad(
    '    readinessProbe: {exec: {command: ["true"]}, tcpSocket: {port: 80}}',
    /spec\.containers\[0\]\.readinessProbe: may not specify more than 1 handler type \(exec, tcpSocket\)/,
  );
  await bad('    livenessProbe: {periodSeconds: 1}', /spec\.containers\[0\]\.livenessProbe: must specify a handler type/);
  await refused(
    pod(`  containers:
  - name: c
    image: busybox
    livenessProbe: {httpGet: {port: nope}}`),
    /spec\.containers\[0\]\.livenessProbe\.httpGet\.port: no container port is named "nope"/,
  );
  await refused(
    pod(`  containers:
  - name: c
    image: busybox
    livenessProbe: {httpGet: {path: /}}`),
    /spec\.containers\[0\]\.livenessProbe\.httpGet\.port: required field is missing/,
  );
});

test('bad manifests are refused with the object and the field path', async () => {
  await refused(
    pod(`  containers:
  - name: c
    image: busybox
    ports: [{containerPort: abc}]`),
    /^Pod "p": spec\.containers\[0\]\.ports\[0\]\.containerPort: must be integer$/,
  );
  await refused(pod('  restartPolicy: Never'), /^Pod "p": spec\.containers: required field is missing$/);
  await refused(
    pod(`  containers:
  - name: c`),
    /^Pod "p": spec\.containers\[0\]\.image: required field is missing$/,
  );
  await refused(
    pod(`  containers:
  - image: busybox`),
    /^Pod "p": spec\.containers\[0\]\.name: required field is missing$/,
  );
  await refused(
    pod(`  containers:
  - name: c
    imagee: busybox`),
    /^Pod "p": spec\.containers\[0\]\.imagee: unknown field "imagee"$/,
  );
  await refused('apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec: {}\n', /kind "Job" of apiVersion "batch\/v1" is not supported/);
  await refused('apiVersion: v1\nkind: Pod\nspec: {containers: [{name: c, image: busybox}]}\n', /metadata\.name: required field is missing/);
  await refused('kind: Pod\nmetadata: {name: p}\n', /document 1: apiVersion: required field is missing/);
  await refused('apiVersion: v1\nkind: Pod\nmetadata: {name: p\n', /document 1: invalid YAML at line/);
  await refused('- a\n- b\n', /a Kubernetes object must be a mapping/);
  await refused('', /no Kubernetes object/);
  await refused(
    pod(`  containers: [{name: c, image: busybox, volumeMounts: [{name: h, mountPath: /h}]}]
  volumes: [{name: h, hostPath: {path: relative/dir}}]`),
    /^Pod "p": spec\.volumes\[0\]\.hostPath\.path: "relative\/dir" is not an absolute path$/,
  );
  await refused(
    pod(`  containers: [{name: c, image: busybox}]
  volumes: [{name: h, hostPath: {path: /no/such/berth/dir}}]`),
    /^Pod "p": spec\.volumes\[0\]\.hostPath\.path: "\/no\/such\/berth\/dir" does not exist on this host$/,
  );
  await refused(
    pod(`  containers: [{name: c, image: busybox}]
  volumes: [{name: h, hostPath: {path: /etc/../etc}}]`),
    /must not contain "\.\."/,
  );
  await refused(
    pod(`  containers: [{name: c, image: busybox}]
  volumes: [{name: h, hostPath: {path: /etc/hostname, type: Directory}}]`),
    /is not a directory/,
  );
  await refused(
    pod(`  containers: [{name: c, image: busybox, volumeMounts: [{name: nope, mountPath: /x}]}]`),
    /spec\.containers\[0\]\.volumeMounts\[0\]\.name: no volume named "nope"/,
  );
  await refused(
    pod(`  containers:
  - name: c
    image: busybox
    env: [{name: X, valueFrom: {configMapKeyRef: {name: missing, key: k}}}]`),
    /spec\.containers\[0\]\.env\[0\]\.valueFrom\.configMapKeyRef: configmap "missing" is not in the manifest/,
  );
  await refused(
    pod(`  containers: [{name: c, image: busybox}]
  volumes: [{name: v, persistentVolumeClaim: {claimName: nowhere}}]`),
    /claim "nowhere" is neither in the manifest nor an existing volume/,
  );
  await refused(pod(`  containers: [{name: c, image: busybox}, {name: c, image: busybox}]`), /duplicate container name "c"/);
  await refused(
    pod(`  containers: [{name: c, image: busybox, resources: {limits: {memory: lots}}}]`),
    /^Pod "p": spec\.containers\[0\]\.resources\.limits\.memory: /,
  );
});

test('quantities and $(VAR) expansion', () => {
  assert.equal(parseQuantity('128Mi', 'x'), 128 * 1024 * 1024);
  assert.equal(parseQuantity('1G', 'x'), 1e9);
  assert.equal(parseQuantity('500m', 'x'), 0.5);
  assert.equal(parseQuantity('2', 'x'), 2);
  assert.equal(parseQuantity('1e3', 'x'), 1000);
  assert.throws(() => parseQuantity('12 MB', 'a.b'), /a\.b: invalid quantity "12 MB"/);
  assert.equal(formatBytesQuantity(64 * 1024 * 1024), '64Mi');
  assert.equal(formatBytesQuantity(1000), '1000');
  assert.equal(formatCpuQuantity(500_000_000), '500m');
  assert.equal(formatCpuQuantity(2e9), '2');
  const env = new Map([['A', '1']]);
  assert.equal(expandVars('$(A)-$(B)-$$(A)', env), '1-$(B)-$(A)');
});
