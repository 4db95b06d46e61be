import { BerthError } from '../errors/berth-error.js';
import { K8S_ROOTS, K8S_TYPES } from './k8s-fields.js';

/** One Kubernetes object of a manifest, as parsed (validated by `validateManifest`). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; namespace?: string };
  [key: string]: unknown;
}

export interface Manifest {
  objects: KubeObject[];
  /** fields berth does not act on, each named by its path (printed as warnings) */
  warnings: string[];
}

/** The kinds kube play runs, by apiVersion/kind, and their schema root. */
const KINDS: Record<string, string> = {
  'v1/Pod': 'v1/Pod',
  'apps/v1/Deployment': 'apps/v1/Deployment',
  'v1/ConfigMap': 'v1/ConfigMap',
  'v1/Secret': 'v1/Secret',
  'v1/PersistentVolumeClaim': 'v1/PersistentVolumeClaim',
  'v1/Service': 'v1/Service',
};

/**
 * The fields berth acts on, by schema type. A field of the Kubernetes API that is not here is
 * reported as a warning naming its path (never dropped in silence); a field the API does not
 * have at all is an error. `*` marks a type whose fields are all taken as they are (maps, names).
 */
const SUPPORTED: Record<string, ReadonlySet<string> | '*'> = {
  'v1/Pod': new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']),
  'apps/v1/Deployment': new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']),
  'v1/ConfigMap': new Set(['apiVersion', 'kind', 'metadata', 'data', 'binaryData', 'immutable']),
  'v1/Secret': new Set(['apiVersion', 'kind', 'metadata', 'data', 'stringData', 'type', 'immutable']),
  'v1/PersistentVolumeClaim': new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']),
  'v1/PersistentVolumeClaimSpec': new Set(['accessModes', 'resources', 'volumeMode', 'storageClassName']),
  'v1/VolumeResourceRequirements': '*',
  'v1/Service': '*',
  'meta/apis/meta/v1/ObjectMeta': new Set([
    'name',
    'labels',
    'annotations',
    'namespace',
    'creationTimestamp',
    'uid',
    'resourceVersion',
    'generation',
    'managedFields',
    'selfLink',
  ]),
  'meta/apis/meta/v1/ManagedFieldsEntry': '*',
  'apps/v1/DeploymentSpec': new Set(['replicas', 'selector', 'template', 'strategy', 'revisionHistoryLimit', 'progressDeadlineSeconds', 'minReadySeconds']),
  'apps/v1/DeploymentStrategy': '*',
  'meta/apis/meta/v1/LabelSelector': '*',
  'v1/PodTemplateSpec': new Set(['metadata', 'spec']),
  'v1/PodSpec': new Set([
    'containers',
    'initContainers',
    'volumes',
    'restartPolicy',
    'hostname',
    'hostNetwork',
    'securityContext',
    'hostAliases',
    'dnsConfig',
    'terminationGracePeriodSeconds',
    'dnsPolicy',
    'schedulerName',
    'enableServiceLinks',
    'shareProcessNamespace',
  ]),
  'v1/PodSecurityContext': new Set(['runAsUser', 'runAsGroup', 'supplementalGroups']),
  'v1/HostAlias': '*',
  'v1/PodDNSConfig': new Set(['nameservers', 'searches', 'options']),
  'v1/PodDNSConfigOption': '*',
  'v1/Container': new Set([
    'name',
    'image',
    'command',
    'args',
    'env',
    'envFrom',
    'ports',
    'resources',
    'workingDir',
    'securityContext',
    'volumeMounts',
    'imagePullPolicy',
    'tty',
    'stdin',
    'terminationMessagePath',
    'terminationMessagePolicy',
    'livenessProbe',
    'readinessProbe',
    'startupProbe',
  ]),
  'v1/Probe': new Set(['exec', 'httpGet', 'tcpSocket', 'initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold']),
  'v1/ExecAction': '*',
  'v1/HTTPGetAction': new Set(['port', 'path', 'scheme', 'host']),
  'v1/TCPSocketAction': '*',
  'v1/EnvVar': new Set(['name', 'value', 'valueFrom']),
  'v1/EnvVarSource': new Set(['configMapKeyRef', 'secretKeyRef', 'fieldRef']),
  'v1/ConfigMapKeySelector': '*',
  'v1/SecretKeySelector': '*',
  'v1/ObjectFieldSelector': '*',
  'v1/EnvFromSource': '*',
  'v1/ConfigMapEnvSource': '*',
  'v1/SecretEnvSource': '*',
  'v1/ContainerPort': '*',
  'v1/ResourceRequirements': new Set(['limits', 'requests']),
  'v1/SecurityContext': new Set([
    'runAsUser',
    'runAsGroup',
    'capabilities',
    'privileged',
    'readOnlyRootFilesystem',
    'allowPrivilegeEscalation',
    'runAsNonRoot',
  ]),
  'v1/Capabilities': '*',
  'v1/VolumeMount': new Set(['name', 'mountPath', 'readOnly', 'subPath']),
  'v1/Volume': new Set(['name', 'hostPath', 'emptyDir', 'configMap', 'secret', 'persistentVolumeClaim']),
  'v1/HostPathVolumeSource': '*',
  'v1/EmptyDirVolumeSource': new Set(['medium', 'sizeLimit']),
  'v1/ConfigMapVolumeSource': new Set(['name', 'items', 'optional', 'defaultMode']),
  'v1/SecretVolumeSource': new Set(['secretName', 'items', 'optional', 'defaultMode']),
  'v1/KeyToPath': '*',
  'v1/PersistentVolumeClaimVolumeSource': '*',
};

/** `spec.containers[0].ports` → a readable path from the walk's parts. */
function joinPath(parts: ReadonlyArray<string | number>): string {
  let out = '';
  for (const p of parts) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Walk an object along the generated Kubernetes field table: a field the API does not have is an
 * error; a field berth does not act on (and that has a value) is a warning.
 */
function walk(value: unknown, type: string, parts: Array<string | number>, errors: string[], warnings: string[], supportedAll = false): void {
  const fields = K8S_TYPES[type];
  if (!fields || Object.keys(fields).length === 0) return; // a scalar-like type (Time, IntOrString, Quantity)
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, type, [...parts, i], errors, warnings, supportedAll));
    return;
  }
  if (!isPlainObject(value)) return; // the schema validator reports a wrong type
  const supported = SUPPORTED[type];
  for (const [k, v] of Object.entries(value)) {
    if (!(k in fields)) {
      errors.push(`${joinPath([...parts, k])}: unknown field "${k}"`);
      continue;
    }
    if (v === null || v === undefined) continue;
    const all = supportedAll || supported === '*';
    if (!all && supported !== undefined && !supported.has(k)) {
      if (!(isPlainObject(v) && Object.keys(v).length === 0) && !(Array.isArray(v) && v.length === 0))
        warnings.push(`${joinPath([...parts, k])} is not supported by berth and is ignored`);
      continue;
    }
    const child = fields[k];
    if (child) walk(v, child, [...parts, k], errors, warnings, all);
  }
}

/** "spec/containers/0/ports/0/containerPort" → "spec.containers[0].ports[0].containerPort". */
function ajvPath(instancePath: string): string {
  return joinPath(
    instancePath
      .split('/')
      .filter((p) => p !== '')
      .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~'))),
  );
}

interface AjvError {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
}

type Validator = { validate(): void };
type ModelClass = new (data: Record<string, unknown>) => Validator;

async function modelFor(kind: string): Promise<ModelClass> {
  const d = await import('./deps.js');
  const models: Record<string, unknown> = {
    'v1/Pod': d.Pod,
    'apps/v1/Deployment': d.Deployment,
    'v1/ConfigMap': d.ConfigMap,
    'v1/Secret': d.Secret,
    'v1/PersistentVolumeClaim': d.PersistentVolumeClaim,
    'v1/Service': d.Service,
  };
  return models[kind] as ModelClass;
}

/** Validate one object against the Kubernetes schema (kubernetes-models) and the field table. */
async function validateObject(obj: Record<string, unknown>, where: string, warnings: string[]): Promise<KubeObject> {
  const apiVersion = obj['apiVersion'];
  const kind = obj['kind'];
  if (typeof apiVersion !== 'string' || apiVersion === '') throw new BerthError('InvalidArgument', `${where}: apiVersion: required field is missing`);
  if (typeof kind !== 'string' || kind === '') throw new BerthError('InvalidArgument', `${where}: kind: required field is missing`);
  const key = `${apiVersion}/${kind}`;
  const root = KINDS[key];
  if (!root || !K8S_ROOTS[root]) {
    throw new BerthError(
      'InvalidArgument',
      `${where}: kind "${kind}" of apiVersion "${apiVersion}" is not supported (berth plays v1 Pod, ConfigMap, Secret, PersistentVolumeClaim, Service and apps/v1 Deployment)`,
    );
  }
  const meta = obj['metadata'];
  const name = isPlainObject(meta) ? meta['name'] : undefined;
  const label = typeof name === 'string' && name !== '' ? `${kind} "${name}"` : `${where} (${kind})`;
  const Model = await modelFor(key);
  try {
    new Model(obj).validate();
  } catch (e) {
    const errs = (e as { errors?: AjvError[] }).errors ?? [];
    const first = errs[0];
    if (!first) throw new BerthError('InvalidArgument', `${label}: ${(e as Error).message}`);
    const missing = first.keyword === 'required' ? String(first.params?.['missingProperty'] ?? '') : '';
    const p = ajvPath(first.instancePath);
    const at = missing ? joinPath([...(p ? [p] : []), missing]) : p || '(root)';
    throw new BerthError('InvalidArgument', `${label}: ${at}: ${missing ? 'required field is missing' : (first.message ?? 'invalid value')}`);
  }
  if (typeof name !== 'string' || name === '') throw new BerthError('InvalidArgument', `${label}: metadata.name: required field is missing`);
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253)
    throw new BerthError('InvalidArgument', `${label}: metadata.name: "${name}" is not a valid name (lower case letters, digits, '-' and '.')`);
  const errors: string[] = [];
  const own: string[] = [];
  walk(obj, root, [], errors, own);
  if (errors.length > 0) throw new BerthError('InvalidArgument', `${label}: ${errors[0]}`);
  warnings.push(...own.map((w) => `${label}: ${w}`));
  return obj as KubeObject;
}

/**
 * Parse a manifest (one or more YAML documents) and validate each object: a syntax error, an
 * unknown kind, a wrong type, a missing required field or a field Kubernetes does not have is an
 * error naming the object and the field's path.
 */
export async function parseManifest(text: string): Promise<Manifest> {
  const { YAML } = await import('./deps.js');
  // YAML 1.1, as Kubernetes reads it (go-yaml): 0644 is octal, as in a defaultMode
  const docs = YAML.parseAllDocuments(text, { uniqueKeys: true, version: '1.1' });
  const objects: KubeObject[] = [];
  const warnings: string[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  for (const [i, doc] of list.entries()) {
    const where = `document ${i + 1}`;
    const err = doc.errors[0];
    if (err) {
      const line = err.linePos?.[0];
      throw new BerthError(
        'InvalidArgument',
        `${where}: invalid YAML${line ? ` at line ${line.line}, column ${line.col}` : ''}: ${err.message.split('\n')[0]}`,
      );
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    if (!isPlainObject(value)) throw new BerthError('InvalidArgument', `${where}: a Kubernetes object must be a mapping`);
    if (value['kind'] === 'List' && Array.isArray(value['items'])) {
      for (const [j, item] of (value['items'] as unknown[]).entries()) {
        if (!isPlainObject(item)) throw new BerthError('InvalidArgument', `${where}: items[${j}]: a Kubernetes object must be a mapping`);
        objects.push(await validateObject(item, `${where} items[${j}]`, warnings));
      }
      continue;
    }
    objects.push(await validateObject(value, where, warnings));
  }
  if (objects.length === 0) throw new BerthError('InvalidArgument', 'the manifest has no Kubernetes object');
  return { objects, warnings };
}
