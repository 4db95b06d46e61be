import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import { emptyContainerSpec, type ContainerSpec, type KubeProbe, type KubeProbes, type PortSpec } from '../spec/container-spec.js';
import type { CreatePodOptions } from '../pods/pod-ops.js';
import type { PodNamespace } from '../pods/pod-record.js';
import type { KubeObject, Manifest } from './manifest.js';
import { parseQuantity } from './quantity.js';

/** Labels berth puts on what kube play makes. */
export const KUBE_CLAIM_LABEL = 'io.berth.kube.claim';

/** A file of a configMap or secret volume, written into the pod's own directory. */
export interface PodFile {
  /** path under the volume's directory */
  path: string;
  content: Buffer;
  mode: number;
}

/** A volume that lives as long as its pod, in the pod's directory (emptyDir, configMap, secret). */
export interface PodVolume {
  name: string;
  /** an emptyDir is writable by every user, as Kubernetes makes it (0777) */
  emptyDir: boolean;
  /** for `kube generate`: where the files came from (a configMap's or secret's name) */
  source?: { kind: 'configMap' | 'secret'; name: string; defaultMode: number };
  files: PodFile[];
}

/** A mount of a pod volume (its directory is known once the pod exists). */
export interface PodVolumeMount {
  volume: string;
  subPath?: string;
  target: string;
  readOnly: boolean;
}

export interface ContainerPlan {
  /** the container's name in the manifest */
  name: string;
  /** what the container gets (its pod joins are added at play) */
  spec: ContainerSpec;
  podMounts: PodVolumeMount[];
  init: boolean;
  pull: 'always' | 'missing' | 'never';
}

export interface PodPlan {
  kind: 'Pod' | 'Deployment';
  /** the object's metadata.name */
  objectName: string;
  pod: CreatePodOptions & { name: string };
  initContainers: ContainerPlan[];
  containers: ContainerPlan[];
  podVolumes: PodVolume[];
  /** host paths to make (hostPath DirectoryOrCreate / FileOrCreate) */
  createHostPaths: Array<{ path: string; kind: 'dir' | 'file' }>;
  /** replicas: 0 is created, not started */
  start: boolean;
}

export interface PlayPlan {
  pods: PodPlan[];
  /** named volumes for the manifest's PersistentVolumeClaims */
  claims: string[];
  warnings: string[];
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map(obj) : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function invalid(where: string, msg: string): BerthError {
  return new BerthError('InvalidArgument', `${where}: ${msg}`);
}

/** The data of a ConfigMap or Secret, decoded. */
function objectData(o: KubeObject): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const secret = o.kind === 'Secret';
  for (const [k, v] of Object.entries(obj(o['data']))) out.set(k, secret ? Buffer.from(String(v), 'base64') : Buffer.from(String(v)));
  for (const [k, v] of Object.entries(obj(o['binaryData']))) out.set(k, Buffer.from(String(v), 'base64'));
  for (const [k, v] of Object.entries(obj(o['stringData']))) out.set(k, Buffer.from(String(v)));
  return out;
}

/** Kubernetes' $(VAR) expansion in env values, command and args ($$ escapes). */
export function expandVars(s: string, env: ReadonlyMap<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) =>
    m === '$$' ? '$' : name !== undefined && env.has(name) ? (env.get(name) as string) : m,
  );
}

interface Context {
  configMaps: Map<string, KubeObject>;
  secrets: Map<string, KubeObject>;
  claims: Set<string>;
  volumeExists: (name: string) => boolean;
  warnings: string[];
}

function lookupData(c: Context, kind: 'configmap' | 'secret', name: string | undefined, where: string, optional: boolean): Map<string, Buffer> | undefined {
  if (!name) throw invalid(where, 'name: required field is missing');
  const o = (kind === 'configmap' ? c.configMaps : c.secrets).get(name);
  if (!o) {
    if (optional) return undefined;
    throw invalid(where, `${kind} "${name}" is not in the manifest`);
  }
  return objectData(o);
}

/** fieldRef paths berth can answer at create time (the Downward API). */
function fieldValue(path: string, meta: Obj, podName: string): string | undefined {
  const labels = obj(meta['labels']);
  const annotations = obj(meta['annotations']);
  const m = /^metadata\.(labels|annotations)\['([^']+)'\]$/.exec(path);
  if (m) return str((m[1] === 'labels' ? labels : annotations)[m[2] as string]) ?? '';
  switch (path) {
    case 'metadata.name':
      return podName;
    case 'metadata.namespace':
      return str(meta['namespace']) ?? 'default';
    case 'spec.nodeName':
      return os.hostname();
    case 'spec.serviceAccountName':
      return 'default';
    default:
      return undefined;
  }
}

function containerEnv(c: Context, ctr: Obj, where: string, meta: Obj, podName: string): string[] {
  const env = new Map<string, string>();
  for (const [i, ef] of arr(ctr['envFrom']).entries()) {
    const w = `${where}.envFrom[${i}]`;
    const prefix = str(ef['prefix']) ?? '';
    const cm = obj(ef['configMapRef']);
    const sec = obj(ef['secretRef']);
    const data = ef['configMapRef']
      ? lookupData(c, 'configmap', str(cm['name']), `${w}.configMapRef`, cm['optional'] === true)
      : ef['secretRef']
        ? lookupData(c, 'secret', str(sec['name']), `${w}.secretRef`, sec['optional'] === true)
        : undefined;
    for (const [k, v] of data ?? []) env.set(`${prefix}${k}`, v.toString());
  }
  for (const [i, e] of arr(ctr['env']).entries()) {
    const w = `${where}.env[${i}]`;
    const name = str(e['name']) as string;
    if (e['valueFrom'] === undefined) {
      env.set(name, expandVars(str(e['value']) ?? '', env));
      continue;
    }
    const from = obj(e['valueFrom']);
    const ref = from['configMapKeyRef']
      ? { kind: 'configmap' as const, sel: obj(from['configMapKeyRef']), at: `${w}.valueFrom.configMapKeyRef` }
      : from['secretKeyRef']
        ? { kind: 'secret' as const, sel: obj(from['secretKeyRef']), at: `${w}.valueFrom.secretKeyRef` }
        : undefined;
    if (ref) {
      const optional = ref.sel['optional'] === true;
      const data = lookupData(c, ref.kind, str(ref.sel['name']), ref.at, optional);
      const key = str(ref.sel['key']) as string;
      const v = data?.get(key);
      if (v === undefined) {
        if (data && !optional) throw invalid(ref.at, `key "${key}" is not in ${ref.kind} "${str(ref.sel['name'])}"`);
        continue;
      }
      env.set(name, v.toString());
      continue;
    }
    if (from['fieldRef']) {
      const fp = str(obj(from['fieldRef'])['fieldPath']) ?? '';
      const v = fieldValue(fp, meta, podName);
      if (v === undefined) {
        c.warnings.push(`${w}.valueFrom.fieldRef: field "${fp}" is not known when berth creates the container: ${name} is not set`);
        continue;
      }
      env.set(name, v);
      continue;
    }
    c.warnings.push(`${w}.valueFrom is not supported by berth (only configMapKeyRef, secretKeyRef and fieldRef): ${name} is not set`);
  }
  return [...env].map(([k, v]) => `${k}=${v}`);
}

function resources(spec: ContainerSpec, ctr: Obj, where: string): void {
  const r = obj(ctr['resources']);
  const limits = obj(r['limits']);
  const requests = obj(r['requests']);
  if (limits['memory'] !== undefined) spec.resources.memory = Math.round(parseQuantity(limits['memory'] as string, `${where}.resources.limits.memory`));
  if (limits['cpu'] !== undefined) spec.resources.nanoCpus = Math.round(parseQuantity(limits['cpu'] as string, `${where}.resources.limits.cpu`) * 1e9);
  if (requests['memory'] !== undefined) {
    const v = Math.round(parseQuantity(requests['memory'] as string, `${where}.resources.requests.memory`));
    if (spec.resources.memory !== undefined && v > spec.resources.memory)
      throw invalid(`${where}.resources.requests.memory`, 'must be less than or equal to the memory limit');
    spec.resources.memoryReservation = v;
  }
  if (requests['cpu'] !== undefined)
    spec.resources.cpuShares = Math.max(2, Math.round(parseQuantity(requests['cpu'] as string, `${where}.resources.requests.cpu`) * 1024));
  for (const k of [...Object.keys(limits), ...Object.keys(requests)]) {
    if (k !== 'memory' && k !== 'cpu') throw invalid(`${where}.resources`, `resource "${k}" is not supported by berth (memory and cpu are)`);
  }
  if (spec.resources.memory !== undefined && spec.resources.memory < 6 * 1024 * 1024)
    throw invalid(`${where}.resources.limits.memory`, 'minimum memory limit allowed is 6MB');
}

function securityContext(c: Context, spec: ContainerSpec, ctr: Obj, podSc: Obj, where: string): void {
  const sc = obj(ctr['securityContext']);
  const uid = sc['runAsUser'] ?? podSc['runAsUser'];
  const gid = sc['runAsGroup'] ?? podSc['runAsGroup'];
  if (uid !== undefined) spec.user = gid !== undefined ? `${String(uid)}:${String(gid)}` : String(uid);
  else if (gid !== undefined) c.warnings.push(`${where}.securityContext.runAsGroup without runAsUser is not supported by berth and is ignored`);
  if ((sc['runAsNonRoot'] === true || podSc['runAsNonRoot'] === true) && uid === 0)
    throw invalid(`${where}.securityContext.runAsNonRoot`, 'runAsUser is 0 (root)');
  if (sc['runAsNonRoot'] === true && uid === undefined)
    c.warnings.push(`${where}.securityContext.runAsNonRoot: berth does not check the image's user; set runAsUser`);
  const caps = obj(sc['capabilities']);
  spec.capAdd = (Array.isArray(caps['add']) ? caps['add'] : []).map(String);
  spec.capDrop = (Array.isArray(caps['drop']) ? caps['drop'] : []).map(String);
  if (sc['privileged'] === true) spec.privileged = true;
  if (sc['readOnlyRootFilesystem'] === true) spec.readOnly = true;
  if (sc['allowPrivilegeEscalation'] === false) spec.security.noNewPrivileges = true;
  const groups = podSc['supplementalGroups'];
  if (Array.isArray(groups)) spec.groupAdd = groups.map(String);
}

interface VolumeInfo {
  kind: 'bind' | 'tmpfs' | 'pod' | 'claim';
  source: string;
  options: string[];
  readOnly: boolean;
}

function hostPathVolume(v: Obj, where: string, plan: PodPlan): VolumeInfo {
  const hp = obj(v['hostPath']);
  const p = str(hp['path']) ?? '';
  const type = str(hp['type']) ?? '';
  if (!p.startsWith('/')) throw invalid(`${where}.hostPath.path`, `"${p}" is not an absolute path`);
  if (p.split('/').includes('..')) throw invalid(`${where}.hostPath.path`, `"${p}" must not contain ".."`);
  const norm = path.posix.normalize(p);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(norm);
  } catch {
    st = undefined;
  }
  const want: Record<string, [(s: fs.Stats) => boolean, string]> = {
    Directory: [(s) => s.isDirectory(), 'a directory'],
    File: [(s) => s.isFile(), 'a file'],
    Socket: [(s) => s.isSocket(), 'a socket'],
    CharDevice: [(s) => s.isCharacterDevice(), 'a character device'],
    BlockDevice: [(s) => s.isBlockDevice(), 'a block device'],
    DirectoryOrCreate: [(s) => s.isDirectory(), 'a directory'],
    FileOrCreate: [(s) => s.isFile(), 'a file'],
  };
  if (type !== '' && !want[type]) throw invalid(`${where}.hostPath.type`, `unknown type "${type}"`);
  if (!st) {
    if (type === 'DirectoryOrCreate') plan.createHostPaths.push({ path: norm, kind: 'dir' });
    else if (type === 'FileOrCreate') plan.createHostPaths.push({ path: norm, kind: 'file' });
    else throw invalid(`${where}.hostPath.path`, `"${norm}" does not exist on this host`);
  } else if (type !== '') {
    const [ok, what] = want[type] as [(s: fs.Stats) => boolean, string];
    if (!ok(st)) throw invalid(`${where}.hostPath`, `"${norm}" is not ${what} (type ${type})`);
  }
  return { kind: 'bind', source: norm, options: [], readOnly: false };
}

function keyFiles(data: Map<string, Buffer> | undefined, items: Obj[], mode: number, where: string): PodFile[] {
  if (!data) return [];
  const list =
    items.length > 0
      ? items.map((it) => ({ key: str(it['key']) as string, path: str(it['path']) as string, mode: typeof it['mode'] === 'number' ? it['mode'] : mode }))
      : [...data.keys()].map((k) => ({ key: k, path: k, mode }));
  return list.map((it, i) => {
    const content = data.get(it.key);
    if (content === undefined) throw invalid(`${where}.items[${i}].key`, `key "${it.key}" is not in the data`);
    if (it.path.startsWith('/') || it.path.split('/').includes('..'))
      throw invalid(`${where}.items[${i}].path`, `"${it.path}" must be a relative path without ".."`);
    return { path: it.path, content, mode: it.mode };
  });
}

function podVolumes(c: Context, spec: Obj, where: string, plan: PodPlan): Map<string, VolumeInfo> {
  const out = new Map<string, VolumeInfo>();
  for (const [i, v] of arr(spec['volumes']).entries()) {
    const w = `${where}.volumes[${i}]`;
    const name = str(v['name']) as string;
    if (out.has(name)) throw invalid(`${w}.name`, `duplicate volume name "${name}"`);
    if (v['hostPath']) out.set(name, hostPathVolume(v, w, plan));
    else if (v['emptyDir'] !== undefined) {
      const ed = obj(v['emptyDir']);
      if (ed['medium'] === 'Memory') {
        const size = ed['sizeLimit'] !== undefined ? Math.round(parseQuantity(ed['sizeLimit'] as string, `${w}.emptyDir.sizeLimit`)) : undefined;
        out.set(name, { kind: 'tmpfs', source: '', options: size ? [`size=${size}`] : [], readOnly: false });
      } else {
        if (ed['medium'] !== undefined && ed['medium'] !== '')
          throw invalid(`${w}.emptyDir.medium`, `medium "${String(ed['medium'])}" is not supported (berth has "" and "Memory")`);
        if (ed['sizeLimit'] !== undefined) c.warnings.push(`${w}.emptyDir.sizeLimit is not supported by berth for a disk emptyDir and is ignored`);
        plan.podVolumes.push({ name, emptyDir: true, files: [] });
        out.set(name, { kind: 'pod', source: name, options: [], readOnly: false });
      }
    } else if (v['configMap']) {
      const cm = obj(v['configMap']);
      const mode = typeof cm['defaultMode'] === 'number' ? cm['defaultMode'] : 0o644;
      const data = lookupData(c, 'configmap', str(cm['name']), `${w}.configMap`, cm['optional'] === true);
      plan.podVolumes.push({
        name,
        emptyDir: false,
        files: keyFiles(data, arr(cm['items']), mode, `${w}.configMap`),
        source: { kind: 'configMap', name: str(cm['name']) as string, defaultMode: mode },
      });
      out.set(name, { kind: 'pod', source: name, options: [], readOnly: true });
    } else if (v['secret']) {
      const s = obj(v['secret']);
      const mode = typeof s['defaultMode'] === 'number' ? s['defaultMode'] : 0o644;
      const data = lookupData(c, 'secret', str(s['secretName']), `${w}.secret`, s['optional'] === true);
      plan.podVolumes.push({
        name,
        emptyDir: false,
        files: keyFiles(data, arr(s['items']), mode, `${w}.secret`),
        source: { kind: 'secret', name: str(s['secretName']) as string, defaultMode: mode },
      });
      out.set(name, { kind: 'pod', source: name, options: [], readOnly: true });
    } else if (v['persistentVolumeClaim']) {
      const pvc = obj(v['persistentVolumeClaim']);
      const claim = str(pvc['claimName']) as string;
      if (!c.claims.has(claim) && !c.volumeExists(claim))
        throw invalid(`${w}.persistentVolumeClaim.claimName`, `claim "${claim}" is neither in the manifest nor an existing volume`);
      out.set(name, { kind: 'claim', source: claim, options: [], readOnly: pvc['readOnly'] === true });
    } else {
      throw invalid(w, `volume "${name}" has no source berth supports (hostPath, emptyDir, configMap, secret, persistentVolumeClaim)`);
    }
  }
  return out;
}

/** A probe's check as a healthcheck test: exec in the container; httpGet and tcpSocket from the host. */
function probeTest(p: Obj, ctr: Obj, where: string): string[] | undefined {
  const port = (v: unknown, at: string): string => {
    if (typeof v === 'number') return String(v);
    const named = arr(ctr['ports']).find((x) => x['name'] === v);
    if (!named) throw invalid(at, `no container port is named "${String(v)}"`);
    return String(named['containerPort']);
  };
  if (p['exec']) {
    const cmd = obj(p['exec'])['command'];
    if (!Array.isArray(cmd) || cmd.length === 0) throw invalid(`${where}.exec.command`, 'required field is missing');
    return ['CMD', ...cmd.map(String)];
  }
  if (p['httpGet']) {
    const h = obj(p['httpGet']);
    return ['BERTH-HTTP-GET', str(h['scheme']) ?? 'HTTP', str(h['host']) ?? '', port(h['port'], `${where}.httpGet.port`), str(h['path']) ?? '/'];
  }
  if (p['tcpSocket']) {
    const t = obj(p['tcpSocket']);
    return ['BERTH-TCP', str(t['host']) ?? '', port(t['port'], `${where}.tcpSocket.port`)];
  }
  return undefined;
}

const PROBE_FIELDS = [
  ['startupProbe', 'startup'],
  ['livenessProbe', 'liveness'],
  ['readinessProbe', 'readiness'],
] as const;

/**
 * Kubernetes' probes, each with its own rules, run by the container's health monitor: the startup
 * probe holds the others back until it succeeds; a liveness or startup probe that fails
 * failureThreshold times in a row kills the container (its restart policy decides the rest); the
 * readiness probe makes it ready (healthy) and unready (unhealthy), never kills. Zero values take
 * Kubernetes' defaults, as its API does; what its validation refuses is refused here.
 */
function probes(c: Context, spec: ContainerSpec, ctr: Obj, where: string): void {
  const out: KubeProbes = {};
  for (const [field, kind] of PROBE_FIELDS) {
    if (ctr[field] === undefined || ctr[field] === null) continue;
    const p = obj(ctr[field]);
    const at = `${where}.${field}`;
    const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter((h) => p[h] !== undefined && p[h] !== null);
    if (handlers.length > 1) throw invalid(at, `may not specify more than 1 handler type (${handlers.join(', ')})`);
    if (handlers.length === 0) throw invalid(at, 'must specify a handler type (exec, httpGet or tcpSocket)');
    const num = (k: string, d: number): number => {
      const v = p[k];
      if (v === undefined || v === null) return d;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalid(`${at}.${k}`, `${String(v)}: must be greater than or equal to 0`);
      return v === 0 ? d : v;
    };
    const probe: KubeProbe = {
      test: [],
      initialDelaySeconds: num('initialDelaySeconds', 0),
      periodSeconds: num('periodSeconds', 10),
      timeoutSeconds: num('timeoutSeconds', 1),
      successThreshold: num('successThreshold', 1),
      failureThreshold: num('failureThreshold', 3),
    };
    if (kind !== 'readiness' && probe.successThreshold !== 1) throw invalid(`${at}.successThreshold`, `${probe.successThreshold}: must be 1`);
    const test = probeTest(p, ctr, at);
    if (!test) {
      c.warnings.push(`${at} has no exec, httpGet or tcpSocket check that berth runs: it is ignored`);
      continue;
    }
    out[kind] = { ...probe, test };
  }
  if (Object.keys(out).length > 0) spec.kubeProbes = out;
}

function containerPlan(
  c: Context,
  ctr: Obj,
  where: string,
  pod: { name: string; meta: Obj; spec: Obj; volumes: Map<string, VolumeInfo>; restart: ContainerSpec['restartPolicy'] },
  init: boolean,
  plan: PodPlan,
): ContainerPlan {
  const name = str(ctr['name']) as string;
  const image = str(ctr['image']);
  if (!image) throw invalid(`${where}.image`, 'required field is missing');
  const spec = emptyContainerSpec(image, '');
  spec.name = `${pod.name}-${name}`;
  spec.network = 'bridge';
  const env = containerEnv(c, ctr, where, pod.meta, pod.name);
  spec.env = env;
  const envMap = new Map(env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  if (Array.isArray(ctr['command'])) spec.entrypoint = ctr['command'].map((x) => expandVars(String(x), envMap));
  if (Array.isArray(ctr['args'])) spec.cmd = ctr['args'].map((x) => expandVars(String(x), envMap));
  const wd = str(ctr['workingDir']);
  if (wd !== undefined && wd !== '') {
    if (!wd.startsWith('/')) throw invalid(`${where}.workingDir`, `"${wd}" is not an absolute path`);
    spec.workingDir = wd;
  }
  spec.tty = ctr['tty'] === true;
  spec.openStdin = ctr['stdin'] === true;
  resources(spec, ctr, where);
  securityContext(c, spec, ctr, obj(pod.spec['securityContext']), where);
  spec.restartPolicy = init ? { name: 'no', maximumRetryCount: 0 } : pod.restart;
  for (const [i, p] of arr(ctr['ports']).entries()) {
    const proto = (str(p['protocol']) ?? 'TCP').toLowerCase() as PortSpec['protocol'];
    const containerPort = Number(p['containerPort']);
    spec.expose = [...(spec.expose ?? []), `${containerPort}/${proto}`];
    if (p['hostPort'] !== undefined) {
      if (pod.spec['hostNetwork'] === true) continue;
      const hostPort = Number(p['hostPort']);
      if (!Number.isInteger(hostPort) || hostPort < 1 || hostPort > 65535)
        throw invalid(`${where}.ports[${i}].hostPort`, `${String(p['hostPort'])} is not a port (1-65535)`);
      if ((plan.pod.publish ?? []).some((x) => x.hostPort === hostPort && x.protocol === proto))
        throw invalid(`${where}.ports[${i}].hostPort`, `host port ${hostPort}/${proto} is published twice`);
      plan.pod.publish = [...(plan.pod.publish ?? []), { hostIp: str(p['hostIP']) ?? '', hostPort, containerPort, protocol: proto }];
    }
  }
  const podMounts: PodVolumeMount[] = [];
  const seen = new Set<string>();
  for (const [i, m] of arr(ctr['volumeMounts']).entries()) {
    const w = `${where}.volumeMounts[${i}]`;
    const vname = str(m['name']) as string;
    const target = str(m['mountPath']) as string;
    if (!target.startsWith('/')) throw invalid(`${w}.mountPath`, `"${target}" is not an absolute path`);
    if (seen.has(target)) throw invalid(`${w}.mountPath`, `"${target}" is mounted twice`);
    seen.add(target);
    const v = pod.volumes.get(vname);
    if (!v) throw invalid(`${w}.name`, `no volume named "${vname}" in the pod`);
    const readOnly = m['readOnly'] === true || v.readOnly;
    const subPath = str(m['subPath']);
    if (subPath !== undefined && subPath !== '' && (subPath.startsWith('/') || subPath.split('/').includes('..')))
      throw invalid(`${w}.subPath`, `"${subPath}" must be a relative path without ".."`);
    if (v.kind === 'pod') podMounts.push({ volume: v.source, target, readOnly, ...(subPath ? { subPath } : {}) });
    else if (v.kind === 'bind')
      spec.mounts.push({ type: 'bind', source: subPath ? path.posix.join(v.source, subPath) : v.source, target, readOnly, options: [] });
    else if (v.kind === 'tmpfs') {
      if (subPath) throw invalid(`${w}.subPath`, 'a subPath of a Memory emptyDir is not supported by berth');
      spec.mounts.push({ type: 'tmpfs', source: '', target, readOnly, options: [...v.options] });
    } else {
      if (subPath) throw invalid(`${w}.subPath`, 'a subPath of a persistentVolumeClaim is not supported by berth');
      spec.mounts.push({ type: 'volume', source: v.source, target, readOnly, options: [] });
    }
  }
  probes(c, spec, ctr, where);
  const policy = str(ctr['imagePullPolicy']);
  const pull = policy === 'Always' ? 'always' : policy === 'Never' ? 'never' : 'missing';
  return { name, spec, podMounts, init, pull };
}

function podPlan(c: Context, o: KubeObject): PodPlan {
  const deployment = o.kind === 'Deployment';
  const label = `${o.kind} "${o.metadata.name}"`;
  let meta: Obj = obj(o.metadata);
  let spec = obj(o['spec']);
  let prefix = 'spec';
  let start = true;
  let name = o.metadata.name;
  if (deployment) {
    const replicas = spec['replicas'];
    if (typeof replicas === 'number' && replicas > 1) c.warnings.push(`${label}: spec.replicas is ${replicas}: berth runs one replica (one pod on one host)`);
    if (replicas === 0) {
      c.warnings.push(`${label}: spec.replicas is 0: the pod is created, not started`);
      start = false;
    }
    const tmpl = obj(spec['template']);
    meta = { ...obj(tmpl['metadata']), namespace: o.metadata.namespace };
    spec = obj(tmpl['spec']);
    prefix = 'spec.template.spec';
    name = `${o.metadata.name}-pod`;
  }
  const restartName = str(spec['restartPolicy']) ?? 'Always';
  const restart: ContainerSpec['restartPolicy'] =
    restartName === 'Never'
      ? { name: 'no', maximumRetryCount: 0 }
      : restartName === 'OnFailure'
        ? { name: 'on-failure', maximumRetryCount: 0 }
        : { name: 'always', maximumRetryCount: 0 };
  const share: PodNamespace[] = ['ipc', 'net', 'uts'];
  if (spec['shareProcessNamespace'] === true) share.push('pid');
  const hostname = str(spec['hostname']);
  const extraHosts = arr(spec['hostAliases']).flatMap((h) =>
    (Array.isArray(h['hostnames']) ? h['hostnames'] : []).map((n) => `${String(n)}:${str(h['ip']) ?? ''}`),
  );
  const dns = obj(spec['dnsConfig']);
  const plan: PodPlan = {
    kind: deployment ? 'Deployment' : 'Pod',
    objectName: o.metadata.name,
    pod: {
      name,
      labels: Object.fromEntries(Object.entries(obj(meta['labels'])).map(([k, v]) => [k, String(v)])),
      ...(hostname ? { hostname } : {}),
      share: share.sort(),
      network: spec['hostNetwork'] === true ? 'host' : 'bridge',
      publish: [],
      extraHosts,
      dns: Array.isArray(dns['nameservers']) ? dns['nameservers'].map(String) : [],
      restartPolicy: restart.name === 'always' ? 'always' : restart.name === 'on-failure' ? 'on-failure' : 'no',
      kube: { kind: o.kind, name: o.metadata.name },
    },
    initContainers: [],
    containers: [],
    podVolumes: [],
    createHostPaths: [],
    start,
  };
  if (Array.isArray(dns['searches']) || Array.isArray(dns['options']))
    c.warnings.push(`${label}: ${prefix}.dnsConfig.searches and options are not supported by berth and are ignored`);
  const label2 = (w: string) => `${label}: ${w}`;
  const firstWarning = c.warnings.length;
  try {
    const volumes = podVolumes(c, spec, prefix, plan);
    const pod = { name, meta, spec, volumes, restart };
    const names = new Set<string>();
    for (const [key, init] of [
      ['initContainers', true],
      ['containers', false],
    ] as const) {
      for (const [i, ctr] of arr(spec[key]).entries()) {
        const w = `${prefix}.${key}[${i}]`;
        const cname = str(ctr['name']) as string;
        if (names.has(cname)) throw invalid(`${w}.name`, `duplicate container name "${cname}"`);
        names.add(cname);
        const cp = containerPlan(c, ctr, w, pod, init, plan);
        (init ? plan.initContainers : plan.containers).push(cp);
      }
    }
    if (plan.containers.length === 0) throw invalid(`${prefix}.containers`, 'a pod needs at least one container');
  } catch (e) {
    if (e instanceof BerthError) throw new BerthError(e.kind, label2(e.message));
    throw e;
  }
  // the warnings about this object's fields name it
  for (let i = firstWarning; i < c.warnings.length; i++) c.warnings[i] = label2(c.warnings[i] as string);
  return plan;
}

/**
 * A Service is not played (podman skips the kind too: one host has no cluster proxy to give it an
 * address or a node port): one warning per port, naming what is not done, never a silent drop.
 * A container port's hostPort is what publishes on the host.
 */
export function serviceWarnings(o: KubeObject): string[] {
  const label = `Service "${o.metadata.name}"`;
  const spec = obj(o['spec']);
  const type = str(spec['type']) ?? 'ClusterIP';
  const selector = Object.entries(obj(spec['selector']))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
  const to = selector ? ` of the pods with ${selector}` : '';
  const ports = arr(spec['ports']);
  if (type === 'ExternalName') return [`${label}: services are not played by berth: the name for ${str(spec['externalName']) ?? '(none)'} is not made`];
  if (ports.length === 0) return [`${label}: services are not played by berth: type ${type} is not made`];
  return ports.map((p) => {
    const proto = str(p['protocol']) ?? 'TCP';
    const target = str(p['targetPort']) ?? str(p['port']);
    const what = `port ${str(p['port'])}/${proto} -> ${target}${to}`;
    const node = p['nodePort'] !== undefined ? `nodePort ${str(p['nodePort'])}` : type === 'NodePort' || type === 'LoadBalancer' ? 'a node port' : undefined;
    return node
      ? `${label}: services are not played by berth: ${node} (${what}) is not published; a hostPort on the container port publishes it`
      : `${label}: services are not played by berth: ${type} ${what} gets no service address; a hostPort on the container port publishes it`;
  });
}

/**
 * Translate a validated manifest into what `kube play` creates: pods with their containers (in
 * the pod's namespaces), the pod's own volumes, and named volumes for the claims. Pure apart from
 * looking at the host paths a hostPath volume names; anything it cannot honour is an error naming
 * the field, before anything exists.
 */
export function translateManifest(m: Manifest, opts: { volumeExists: (name: string) => boolean }): PlayPlan {
  const c: Context = { configMaps: new Map(), secrets: new Map(), claims: new Set(), volumeExists: opts.volumeExists, warnings: [] };
  for (const o of m.objects) {
    if (o.kind === 'ConfigMap') c.configMaps.set(o.metadata.name, o);
    if (o.kind === 'Secret') c.secrets.set(o.metadata.name, o);
    if (o.kind === 'PersistentVolumeClaim') c.claims.add(o.metadata.name);
    if (o.kind === 'Service') c.warnings.push(...serviceWarnings(o));
  }
  const pods: PodPlan[] = [];
  for (const o of m.objects) {
    if (o.kind !== 'Pod' && o.kind !== 'Deployment') continue;
    const plan = podPlan(c, o);
    const dup = pods.find((p) => p.pod.name === plan.pod.name);
    if (dup) throw new BerthError('InvalidArgument', `${o.kind} "${o.metadata.name}": its pod "${plan.pod.name}" is in the manifest twice`);
    pods.push(plan);
  }
  const used = new Map<string, string>();
  for (const p of pods) {
    for (const x of p.pod.publish ?? []) {
      const key = `${x.hostPort}/${x.protocol}`;
      const other = used.get(key);
      if (other) throw new BerthError('InvalidArgument', `pods "${other}" and "${p.pod.name}" both publish host port ${key}`);
      used.set(key, p.pod.name);
    }
  }
  return { pods, claims: [...c.claims], warnings: [...m.warnings, ...c.warnings] };
}
