import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import type { ContainerRecord } from '../containers/container-record.js';
import { exposedPorts } from '../containers/container-record.js';
import { podContainers, podDataDir, podStore, INIT_LABEL, type PodRecord } from '../pods/index.js';
import type { PortSpec } from '../spec/container-spec.js';
import { BERTH_VERSION } from '../system/info.js';
import { parseManifest } from './manifest.js';
import { VOLUMES_META, type PodVolumeMeta } from './play.js';
import { formatBytesQuantity, formatCpuQuantity } from './quantity.js';

type Obj = Record<string, unknown>;

/** A DNS-1123 label (what Kubernetes takes as a container, volume or port name). */
function dnsLabel(s: string, fallback: string): string {
  const v = s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
  return v === '' ? fallback : v;
}

function restartPolicy(name: string): 'Always' | 'OnFailure' | 'Never' {
  return name === 'always' || name === 'unless-stopped' ? 'Always' : name === 'on-failure' ? 'OnFailure' : 'Never';
}

interface Volumes {
  list: Obj[];
  names: Set<string>;
  /** a pod's own volumes (kube play's emptyDir, configMap, secret): their origin, and the name given */
  metas: Record<string, PodVolumeMeta>;
  given: Map<string, string>;
  /** the ConfigMaps and Secrets those volumes came from, rebuilt from their files */
  sources: Map<string, Obj>;
}

/** Every file under dir, by its path relative to dir. */
function filesUnder(dir: string, rel = ''): Array<{ path: string; content: Buffer; mode: number }> {
  const out: Array<{ path: string; content: Buffer; mode: number }> = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(dir, p));
    else if (e.isFile()) out.push({ path: p, content: readFileSync(path.join(dir, p)), mode: statSync(path.join(dir, p)).mode & 0o777 });
  }
  return out;
}

/** A pod's own volume as Kubernetes has it: an emptyDir, or a configMap or secret with its object. */
function podVolume(vols: Volumes, dataDir: string, volName: string, vname: string): Obj {
  const meta = vols.metas[volName];
  if (!meta || meta.kind === 'emptyDir') return { name: vname, emptyDir: {} };
  const files = filesUnder(path.join(dataDir, volName)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const keyOf = (p: string) => p.replace(/[^-._a-zA-Z0-9]/g, '_');
  const items = files.some((f) => keyOf(f.path) !== f.path || f.mode !== meta.defaultMode)
    ? files.map((f) => ({ key: keyOf(f.path), path: f.path, ...(f.mode !== meta.defaultMode ? { mode: f.mode } : {}) }))
    : undefined;
  const mode = meta.defaultMode !== 0o644 ? { defaultMode: meta.defaultMode } : {};
  const key = `${meta.kind}/${meta.name}`;
  if (!vols.sources.has(key)) {
    const utf8 = (b: Buffer) => Buffer.from(b.toString('utf8'), 'utf8').equals(b);
    const data: Record<string, string> = {};
    const binaryData: Record<string, string> = {};
    for (const f of files) {
      if (meta.kind === 'secret') data[keyOf(f.path)] = f.content.toString('base64');
      else if (utf8(f.content)) data[keyOf(f.path)] = f.content.toString('utf8');
      else binaryData[keyOf(f.path)] = f.content.toString('base64');
    }
    vols.sources.set(key, {
      apiVersion: 'v1',
      kind: meta.kind === 'secret' ? 'Secret' : 'ConfigMap',
      metadata: { name: meta.name },
      ...(Object.keys(data).length ? { data } : {}),
      ...(Object.keys(binaryData).length ? { binaryData } : {}),
    });
  }
  return meta.kind === 'secret'
    ? { name: vname, secret: { secretName: meta.name, ...mode, ...(items ? { items } : {}) } }
    : { name: vname, configMap: { name: meta.name, ...mode, ...(items ? { items } : {}) } };
}

function volumeName(v: Volumes, target: string): string {
  const base = dnsLabel(path.posix.basename(target) || 'root', 'vol');
  let name = base;
  for (let i = 1; v.names.has(name); i++) name = `${base}-${i}`;
  v.names.add(name);
  return name;
}

/** One container of the Pod: what the user asked for, in Kubernetes' fields. */
function containerObject(c: ContainerRecord, podName: string, ports: PortSpec[], vols: Volumes, dataDir: string | undefined): Obj {
  const s = c.spec;
  const name = dnsLabel(c.name.startsWith(`${podName}-`) ? c.name.slice(podName.length + 1) : c.name, 'container');
  const out: Obj = { name, image: s.image || c.imageId };
  if (s.entrypoint !== undefined) out['command'] = s.entrypoint;
  if (s.cmd.length > 0) out['args'] = s.cmd;
  if (s.env.length > 0)
    out['env'] = s.env.map((e) => ({
      name: e.slice(0, e.indexOf('=') < 0 ? e.length : e.indexOf('=')),
      value: e.includes('=') ? e.slice(e.indexOf('=') + 1) : '',
    }));
  if (s.workingDir) out['workingDir'] = s.workingDir;
  const portList: Obj[] = ports.map((p) => ({
    containerPort: p.containerPort,
    ...(p.hostPort > 0 ? { hostPort: p.hostPort } : {}),
    ...(p.hostIp ? { hostIP: p.hostIp } : {}),
    ...(p.protocol !== 'tcp' ? { protocol: p.protocol.toUpperCase() } : {}),
  }));
  for (const e of exposedPorts(c)) {
    const [port, proto = 'tcp'] = e.split('/');
    if (portList.some((p) => p['containerPort'] === Number(port) && (p['protocol'] ?? 'TCP') === proto.toUpperCase())) continue;
    portList.push({ containerPort: Number(port), ...(proto !== 'tcp' ? { protocol: proto.toUpperCase() } : {}) });
  }
  if (portList.length > 0) out['ports'] = portList;
  const r = s.resources;
  const limits: Obj = {};
  const requests: Obj = {};
  if (r.memory) limits['memory'] = formatBytesQuantity(r.memory);
  if (r.nanoCpus) limits['cpu'] = formatCpuQuantity(r.nanoCpus);
  if (r.memoryReservation) requests['memory'] = formatBytesQuantity(r.memoryReservation);
  if (r.cpuShares) requests['cpu'] = formatCpuQuantity((r.cpuShares / 1024) * 1e9);
  if (Object.keys(limits).length || Object.keys(requests).length)
    out['resources'] = { ...(Object.keys(limits).length ? { limits } : {}), ...(Object.keys(requests).length ? { requests } : {}) };
  const sc: Obj = {};
  const user = /^(\d+)(?::(\d+))?$/.exec(s.user ?? '');
  if (user) {
    sc['runAsUser'] = Number(user[1]);
    if (user[2] !== undefined) sc['runAsGroup'] = Number(user[2]);
  }
  if (s.capAdd.length || s.capDrop.length)
    sc['capabilities'] = { ...(s.capAdd.length ? { add: s.capAdd } : {}), ...(s.capDrop.length ? { drop: s.capDrop } : {}) };
  if (s.privileged) sc['privileged'] = true;
  if (s.readOnly) sc['readOnlyRootFilesystem'] = true;
  if (s.security.noNewPrivileges) sc['allowPrivilegeEscalation'] = false;
  if (Object.keys(sc).length) out['securityContext'] = sc;
  if (s.kubeProbes) {
    // what kube play made: each probe as it was given (defaults left out)
    for (const [kind, p] of Object.entries(s.kubeProbes)) {
      const check = p ? probeCheck(p.test) : undefined;
      if (!p || !check) continue;
      out[`${kind}Probe`] = {
        ...check,
        ...(p.initialDelaySeconds ? { initialDelaySeconds: p.initialDelaySeconds } : {}),
        ...(p.periodSeconds !== 10 ? { periodSeconds: p.periodSeconds } : {}),
        ...(p.timeoutSeconds !== 1 ? { timeoutSeconds: p.timeoutSeconds } : {}),
        ...(p.successThreshold !== 1 ? { successThreshold: p.successThreshold } : {}),
        ...(p.failureThreshold !== 3 ? { failureThreshold: p.failureThreshold } : {}),
      };
    }
  } else {
    const probe = probeObject(s.healthcheck);
    if (probe) out[s.healthOnFailure === 'kill' ? 'livenessProbe' : 'readinessProbe'] = probe;
  }
  if (s.tty) out['tty'] = true;
  if (s.openStdin) out['stdin'] = true;
  const mounts: Obj[] = [];
  for (const m of s.mounts) {
    if (m.options.includes('berth.anonymous')) continue; // an image VOLUME: the image brings it back
    const vname = volumeName(vols, m.target);
    if (m.type === 'tmpfs') {
      const size = tmpfsSize(m.options);
      vols.list.push({ name: vname, emptyDir: { medium: 'Memory', ...(size ? { sizeLimit: formatBytesQuantity(size) } : {}) } });
    } else if (m.type === 'volume') vols.list.push({ name: vname, persistentVolumeClaim: { claimName: m.source } });
    else if (dataDir && m.source.startsWith(`${dataDir}/`)) {
      // one of the pod's own volumes (several containers may mount it: one volume)
      const [volName = '', ...sub] = path.relative(dataDir, m.source).split('/');
      const given = vols.given.get(volName);
      if (given) vols.names.delete(vname);
      else vols.list.push(podVolume(vols, dataDir, volName, vname));
      vols.given.set(volName, given ?? vname);
      mounts.push({ name: given ?? vname, mountPath: m.target, ...(m.readOnly ? { readOnly: true } : {}), ...(sub.length ? { subPath: sub.join('/') } : {}) });
      continue;
    } else vols.list.push({ name: vname, hostPath: { path: m.source, type: hostPathType(m.source) } });
    mounts.push({ name: vname, mountPath: m.target, ...(m.readOnly ? { readOnly: true } : {}) });
  }
  if (mounts.length) out['volumeMounts'] = mounts;
  return out;
}

/** A healthcheck test as a probe's handler (exec, httpGet, tcpSocket). */
function probeCheck(t: readonly string[]): Obj | undefined {
  if (t[0] === 'CMD') return { exec: { command: t.slice(1) } };
  if (t[0] === 'CMD-SHELL') return { exec: { command: ['/bin/sh', '-c', t.slice(1).join(' ')] } };
  if (t[0] === 'BERTH-HTTP-GET')
    return { httpGet: { ...(t[1] && t[1] !== 'HTTP' ? { scheme: t[1] } : {}), ...(t[2] ? { host: t[2] } : {}), port: Number(t[3]), path: t[4] ?? '/' } };
  if (t[0] === 'BERTH-TCP') return { tcpSocket: { ...(t[1] ? { host: t[1] } : {}), port: Number(t[2]) } };
  return undefined;
}

/** A health check as a Kubernetes probe (a liveness probe when it kills, else a readiness probe). */
function probeObject(hc: ContainerRecord['spec']['healthcheck']): Obj | undefined {
  const t = hc?.Test;
  if (!hc || !t || t.length === 0 || t[0] === 'NONE') return undefined;
  const check = probeCheck(t);
  if (!check) return undefined;
  const sec = (ns: number | undefined, d: number) => Math.max(1, Math.round((ns || d * 1e9) / 1e9));
  return {
    ...check,
    ...(hc.StartPeriod ? { initialDelaySeconds: sec(hc.StartPeriod, 0) } : {}),
    periodSeconds: sec(hc.Interval, 30),
    timeoutSeconds: sec(hc.Timeout, 30),
    failureThreshold: hc.Retries || 3,
  };
}

/** A tmpfs's size= option in bytes (docker's units: 1m, 64k, or bytes). */
function tmpfsSize(options: readonly string[]): number | undefined {
  const v = options.find((o) => o.startsWith('size='))?.slice(5);
  const m = v ? /^(\d+)([kmg]?)$/i.exec(v) : null;
  if (!m) return undefined;
  return Number(m[1]) * ({ '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] as string).toLowerCase()] ?? 1);
}

function hostPathType(p: string): string {
  try {
    const st = statSync(p);
    return st.isDirectory() ? 'Directory' : st.isFile() ? 'File' : '';
  } catch {
    return 'DirectoryOrCreate';
  }
}

/** The Pod object of a berth pod (its members, init containers first) or of loose containers. */
function podObject(ctx: EngineContext, name: string, pod: PodRecord | undefined, members: ContainerRecord[], sources: Map<string, Obj>): Obj {
  let metas: Record<string, PodVolumeMeta> = {};
  try {
    if (pod) metas = JSON.parse(readFileSync(path.join(podDataDir(ctx, pod.id), VOLUMES_META), 'utf8')) as Record<string, PodVolumeMeta>;
  } catch {
    /* a pod of no kube volumes */
  }
  const vols: Volumes = { list: [], names: new Set(), metas, given: new Map(), sources };
  const init = members.filter((c) => c.spec.labels[INIT_LABEL] !== undefined);
  const regular = members.filter((c) => c.spec.labels[INIT_LABEL] === undefined);
  if (regular.length === 0) throw new BerthError('InvalidArgument', `pod "${name}" has no container to generate (a Kubernetes pod needs one)`);
  const published = pod ? pod.spec.publish : regular.flatMap((c) => c.spec.publish);
  const dataDir = pod ? podDataDir(ctx, pod.id) : undefined;
  // the pod's ports go with its first container (they are the pod's, on its shared network)
  const containers = regular.map((c, i) => containerObject(c, name, pod ? (i === 0 ? published : []) : c.spec.publish, vols, dataDir));
  const initContainers = init.map((c) => containerObject(c, name, [], vols, dataDir));
  const labels: Record<string, string> = { app: dnsLabel(name, 'app'), ...(pod?.spec.labels ?? {}) };
  const spec: Obj = {};
  const first = regular[0] as ContainerRecord;
  spec['restartPolicy'] = restartPolicy(first.spec.restartPolicy.name);
  if (pod && pod.spec.hostname !== pod.name) spec['hostname'] = pod.spec.hostname;
  else if (!pod && first.spec.hostname && first.spec.hostname !== first.id.slice(0, 12)) spec['hostname'] = first.spec.hostname;
  if (pod?.spec.share.includes('pid')) spec['shareProcessNamespace'] = true;
  if ((pod ? pod.spec.network : first.spec.network) === 'host') spec['hostNetwork'] = true;
  const extraHosts = pod ? pod.spec.extraHosts : first.spec.extraHosts;
  if (extraHosts.length) {
    const byIp = new Map<string, string[]>();
    for (const h of extraHosts) {
      const i = h.lastIndexOf(':');
      byIp.set(h.slice(i + 1), [...(byIp.get(h.slice(i + 1)) ?? []), h.slice(0, i)]);
    }
    spec['hostAliases'] = [...byIp].map(([ip, hostnames]) => ({ ip, hostnames }));
  }
  if (initContainers.length) spec['initContainers'] = initContainers;
  spec['containers'] = containers;
  if (vols.list.length) spec['volumes'] = vols.list;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: dnsLabel(name, 'pod'), labels }, spec };
}

/** A Service selecting the pod, for its published (else exposed) ports. */
function serviceObject(podObj: Obj): Obj {
  const meta = podObj['metadata'] as { name: string; labels: Record<string, string> };
  const ports: Obj[] = [];
  const spec = podObj['spec'] as { containers: Array<{ ports?: Array<{ containerPort: number; hostPort?: number; protocol?: string }> }> };
  for (const c of spec.containers) {
    for (const p of c.ports ?? []) {
      const proto = p.protocol ?? 'TCP';
      ports.push({ name: `${p.containerPort}-${proto.toLowerCase()}`, port: p.hostPort ?? p.containerPort, targetPort: p.containerPort, protocol: proto });
    }
  }
  if (ports.length === 0) throw new BerthError('InvalidArgument', `pod "${meta.name}" publishes and exposes no port: a Service needs at least one`);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: meta.name, labels: { app: meta.labels['app'] as string } },
    spec: { selector: { app: meta.labels['app'] as string }, type: 'NodePort', ports },
  };
}

/**
 * `kube generate`: a manifest for pods or containers (containers that are not a pod's become one
 * Pod named after the first), with a Service per pod when asked. The text is validated as `kube
 * play` validates a manifest before it is returned, so what berth writes, berth (and a cluster)
 * accepts.
 */
export async function generateKube(ctx: EngineContext, refs: readonly string[], opts: { service?: boolean } = {}): Promise<string> {
  if (refs.length === 0) throw new BerthError('InvalidArgument', 'kube generate needs at least one pod or container');
  const objects: Obj[] = [];
  const loose: ContainerRecord[] = [];
  const sources = new Map<string, Obj>();
  for (const ref of refs) {
    let pod: PodRecord | undefined;
    try {
      pod = podStore(ctx).lookup(ref);
    } catch {
      pod = undefined;
    }
    if (pod) {
      objects.push(
        podObject(
          ctx,
          pod.name,
          pod,
          podContainers(ctx, pod).filter((c) => !c.spec.podInfra),
          sources,
        ),
      );
      continue;
    }
    const c = ctx.containers.lookup(ref);
    if (c.spec.podInfra) throw new BerthError('InvalidArgument', `container "${c.name}" is a pod's infra container: generate the pod instead`);
    loose.push(c);
  }
  if (loose.length > 0) objects.push(podObject(ctx, `${(loose[0] as ContainerRecord).name}-pod`, undefined, loose, sources));
  // the named volumes the pods use, as claims (kube play binds a claim to the volume of its name)
  const claims = new Set<string>();
  for (const o of objects) {
    for (const v of (o['spec'] as { volumes?: Array<{ persistentVolumeClaim?: { claimName: string } }> }).volumes ?? [])
      if (v.persistentVolumeClaim) claims.add(v.persistentVolumeClaim.claimName);
  }
  const claimObjects = [...claims].map((name) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  }));
  if (opts.service) for (const o of [...objects]) objects.push(serviceObject(o));
  objects.unshift(...sources.values(), ...claimObjects);
  const { YAML } = await import('./deps.js');
  const text =
    `# Save the output of this file and use kubectl create -f to import it into Kubernetes.\n#\n# Created with berth ${BERTH_VERSION}\n` +
    objects.map((o) => YAML.stringify(o, { version: '1.1' })).join('---\n');
  // what berth writes must be a manifest berth (and the API's schema) accepts
  await parseManifest(text);
  return text;
}
