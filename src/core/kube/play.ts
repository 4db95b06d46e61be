import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/berth-error.js';
import { trace } from '../trace.js';
import type { EngineContext } from '../engine-context.js';
import { createContainer } from '../containers/create.js';
import { createPod, lookupPod, podContainers, podDataDir, podMemberSpec, podStore, removePod, startPod, INIT_LABEL, type PodRecord } from '../pods/index.js';
import type { MountSpec } from '../spec/container-spec.js';
import { parseManifest } from './manifest.js';
import { translateManifest, KUBE_CLAIM_LABEL, type PlayPlan, type PodPlan } from './translate.js';

export interface PlayOptions {
  /** remove pods of the same names first */
  replace?: boolean;
  /** false: create, do not start */
  start?: boolean;
  /** make the image available (pull per policy), returning its id: the CLI's pull with its progress */
  ensureImage: (ref: string, pull: 'always' | 'missing' | 'never') => Promise<string>;
  /** told each warning as it is known */
  onWarning?: (message: string) => void;
}

export interface PlayResult {
  pods: Array<{ id: string; name: string; containers: string[]; initContainers: string[] }>;
  volumes: string[];
  warnings: string[];
}

/** Read, validate and translate a manifest: errors name the object and field; nothing is made. */
export async function planPlay(ctx: EngineContext, text: string): Promise<PlayPlan> {
  const manifest = await parseManifest(text);
  return translateManifest(manifest, { volumeExists: (n) => ctx.volumes.list().some((v) => v.name === n) });
}

/**
 * `kube play`: every check first (the manifest, names already taken, images), then the claims'
 * volumes, the pods, their own volumes and containers; then the pods start, init containers in
 * order and to completion first. A failure part-way removes what this play made.
 */
export async function playKube(ctx: EngineContext, text: string, opts: PlayOptions): Promise<PlayResult> {
  const plan = await planPlay(ctx, text);
  trace('kube manifest planned');
  for (const w of plan.warnings) opts.onWarning?.(w);
  const store = podStore(ctx);
  for (const p of plan.pods) {
    const existing = store.findByName(p.pod.name);
    if (existing && !opts.replace)
      throw new BerthError('Conflict', `${p.kind} "${p.objectName}": pod "${p.pod.name}" already exists (remove it, or play with --replace)`);
    for (const c of [...p.initContainers, ...p.containers]) {
      const other = ctx.containers.findByName(c.spec.name as string);
      if (other && !(existing && other.spec.pod === existing.id))
        throw new BerthError('Conflict', `${p.kind} "${p.objectName}": the container name "${c.spec.name}" is already in use by container "${other.id}"`);
    }
  }
  // images first: a pull that fails leaves nothing behind
  for (const p of plan.pods) {
    for (const c of [...p.initContainers, ...p.containers]) c.spec.imageId = await opts.ensureImage(c.spec.image, c.pull);
  }
  trace('kube images ready');
  if (opts.replace) {
    for (const p of plan.pods) {
      const existing = store.findByName(p.pod.name);
      if (existing) await removePod(ctx, existing.id, { force: true });
    }
  }
  const made: PodRecord[] = [];
  const madeVolumes: string[] = [];
  const result: PlayResult = { pods: [], volumes: [], warnings: plan.warnings };
  try {
    for (const claim of plan.claims) {
      if (ctx.volumes.list().some((v) => v.name === claim)) continue;
      ctx.volumes.create({ name: claim, labels: { [KUBE_CLAIM_LABEL]: claim } });
      madeVolumes.push(claim);
    }
    for (const p of plan.pods) {
      for (const h of p.createHostPaths) {
        if (h.kind === 'dir') fs.mkdirSync(h.path, { recursive: true, mode: 0o755 });
        else if (!fs.existsSync(h.path)) {
          fs.mkdirSync(path.dirname(h.path), { recursive: true });
          fs.writeFileSync(h.path, '', { mode: 0o644 });
        }
      }
      const pod = createPod(ctx, p.pod);
      made.push(pod);
      result.pods.push({ id: pod.id, name: pod.name, ...createMembers(ctx, pod, p) });
    }
    trace('kube pods created');
    if (opts.start !== false) {
      for (const [i, p] of plan.pods.entries()) {
        if (p.start) await startPod(ctx, (made[i] as PodRecord).id);
      }
    }
  } catch (e) {
    for (const pod of made.reverse()) await removePod(ctx, pod.id, { force: true }).catch(() => undefined);
    for (const v of madeVolumes) {
      try {
        ctx.volumes.remove(v, undefined, true);
      } catch {
        /* in use by something else by now: keep it */
      }
    }
    throw e;
  }
  result.volumes = madeVolumes;
  return result;
}

/** The pod's own volumes (files written), then its containers in its namespaces. */
function createMembers(ctx: EngineContext, pod: PodRecord, p: PodPlan): { containers: string[]; initContainers: string[] } {
  const dir = podDataDir(ctx, pod.id);
  // what each of the pod's own volumes was made from, for `kube generate` (beside, not in, the volumes)
  const meta: Record<string, PodVolumeMeta> = {};
  for (const v of p.podVolumes) meta[v.name] = v.source ?? { kind: 'emptyDir' };
  if (p.podVolumes.length > 0) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
    fs.writeFileSync(path.join(dir, VOLUMES_META), JSON.stringify(meta));
  }
  for (const v of p.podVolumes) {
    const vdir = path.join(dir, v.name);
    fs.mkdirSync(vdir, { recursive: true, mode: 0o755 });
    fs.chmodSync(vdir, v.emptyDir ? 0o777 : 0o755);
    for (const f of v.files) {
      const file = path.join(vdir, f.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, f.content, { mode: f.mode });
      fs.chmodSync(file, f.mode);
    }
  }
  const out = { containers: [] as string[], initContainers: [] as string[] };
  for (const [i, c] of [...p.initContainers, ...p.containers].entries()) {
    const mounts: MountSpec[] = [
      ...c.spec.mounts,
      ...c.podMounts.map((m) => ({
        type: 'bind' as const,
        source: path.join(dir, m.volume, m.subPath ?? ''),
        target: m.target,
        readOnly: m.readOnly,
        options: [],
      })),
    ];
    const labels = { ...c.spec.labels, ...(c.init ? { [INIT_LABEL]: String(i) } : {}) };
    // a short name the search list resolved elsewhere is known here by its id
    const image = ctx.images.find(c.spec.image) ? c.spec.image : c.spec.imageId;
    const rec = createContainer(ctx, podMemberSpec(pod, { ...c.spec, image, mounts, labels }));
    (c.init ? out.initContainers : out.containers).push(rec.id);
  }
  return out;
}

/** `<pod data dir>/volumes.json`: each own volume's origin. */
export const VOLUMES_META = 'volumes.json';
export type PodVolumeMeta = { kind: 'emptyDir' } | { kind: 'configMap' | 'secret'; name: string; defaultMode: number };

export interface DownResult {
  pods: string[];
  volumes: string[];
}

/**
 * `kube down`: remove the pods the manifest describes (their containers and own volumes), and with
 * `force` the named volumes of its claims. Pods that are not there are skipped.
 */
export async function downKube(ctx: EngineContext, text: string, opts: { force?: boolean } = {}): Promise<DownResult> {
  const manifest = await parseManifest(text);
  const out: DownResult = { pods: [], volumes: [] };
  for (const o of manifest.objects) {
    if (o.kind !== 'Pod' && o.kind !== 'Deployment') continue;
    const name = o.kind === 'Deployment' ? `${o.metadata.name}-pod` : o.metadata.name;
    let pod: PodRecord;
    try {
      pod = lookupPod(ctx, name);
    } catch {
      continue;
    }
    if (podContainers(ctx, pod).length === 0 && !pod.spec.kube) continue;
    out.pods.push(await removePod(ctx, pod.id, { force: true }));
  }
  if (opts.force) {
    for (const o of manifest.objects) {
      if (o.kind !== 'PersistentVolumeClaim') continue;
      if (!ctx.volumes.list().some((v) => v.name === o.metadata.name)) continue;
      ctx.volumes.remove(o.metadata.name, undefined, true);
      out.volumes.push(o.metadata.name);
    }
  }
  return out;
}
