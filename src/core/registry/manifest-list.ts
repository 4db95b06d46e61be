import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors/index.js';
import { MEDIA_TYPES, type Platform } from '../oci/types.js';
import { familiarString, normalizeReference, referenceString, type Reference } from '../reference/reference.js';
import { sha256Digest } from '../content/digest.js';
import { fetchNamedManifest } from './inspect-manifest.js';
import { fetchManifest } from './manifest.js';
import { fetchConfig } from './pull.js';
import { mountBlob, putManifest } from './push.js';
import { openClient, type RegistryOptions } from './session.js';

/**
 * docker's `manifest create|annotate|inspect|push|rm`: a manifest list (an index) assembled
 * locally from image manifests already in registries, kept in `<root>/manifests/` until pushed.
 */
export interface LocalManifestList {
  /** the list's own reference, normalised (`host/team/app:multi`) */
  ref: string;
  manifests: ListEntry[];
}

export interface ListEntry {
  /** the image manifest's reference as given, normalised */
  ref: string;
  mediaType: string;
  digest: string;
  size: number;
  platform: Platform & { 'os.version'?: string; 'os.features'?: string[] };
}

function listDir(root: string): string {
  return path.join(root, 'manifests');
}

/** A reference as a file name: docker's escaping of / and : into one name. */
function listFile(root: string, ref: string): string {
  return path.join(listDir(root), `${ref.replace(/[/:@]/g, '_')}.json`);
}

export function readList(root: string, name: string): LocalManifestList | undefined {
  const ref = referenceString(normalizeReference(name));
  try {
    return JSON.parse(fs.readFileSync(listFile(root, ref), 'utf8')) as LocalManifestList;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BerthError('Internal', `reading manifest list ${familiarString(ref)}: ${(e as Error).message}`);
  }
}

function writeList(root: string, list: LocalManifestList): void {
  fs.mkdirSync(listDir(root), { recursive: true, mode: 0o700 });
  // a killed berth leaves the old list or the new one, never half of one
  const file = listFile(root, list.ref);
  fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(list, null, 2));
  fs.renameSync(`${file}.${process.pid}.tmp`, file);
}

/** An image manifest in a registry: its descriptor and the platform its config names. */
async function describe(name: string, opts: RegistryOptions): Promise<ListEntry> {
  const ref = normalizeReference(name);
  const client = openClient(ref.domain, opts);
  try {
    const m = await fetchNamedManifest(client, ref);
    if (m.kind === 'index') throw new BerthError('InvalidArgument', `${familiarString(referenceString(ref))} is a manifest list`);
    const doc = JSON.parse(m.bytes.toString('utf8')) as { config: { digest: string; size: number } };
    const config = JSON.parse((await fetchConfig(client, ref.path, doc.config.digest, doc.config.size)).toString('utf8')) as {
      os?: string;
      architecture?: string;
      variant?: string;
      'os.version'?: string;
      'os.features'?: string[];
    };
    const platform: ListEntry['platform'] = { os: config.os ?? 'linux', architecture: config.architecture ?? 'amd64' };
    if (config.variant) platform.variant = config.variant;
    if (config['os.version']) platform['os.version'] = config['os.version'];
    if (config['os.features']?.length) platform['os.features'] = config['os.features'];
    return { ref: referenceString(ref), mediaType: m.mediaType, digest: m.digest, size: m.bytes.length, platform };
  } finally {
    client.close();
  }
}

/** `manifest create [--amend] LIST MANIFEST...`: the list, from each manifest's descriptor and platform. */
export async function createList(
  root: string,
  name: string,
  manifests: readonly string[],
  opts: RegistryOptions & { amend?: boolean } = {},
): Promise<LocalManifestList> {
  const ref = normalizeReference(name);
  if (ref.digest !== undefined) throw new BerthError('InvalidArgument', `a manifest list is named by a tag, not a digest: ${name}`);
  const refStr = referenceString(ref);
  const existing = readList(root, refStr);
  if (existing && !opts.amend) throw new BerthError('Conflict', `refusing to amend an existing manifest list with no --amend flag`);
  const entries = [...(existing?.manifests ?? [])];
  for (const m of manifests) {
    const e = await describe(m, opts);
    const at = entries.findIndex((x) => x.ref === e.ref || x.digest === e.digest);
    if (at >= 0) entries[at] = e;
    else entries.push(e);
  }
  const list = { ref: refStr, manifests: entries };
  writeList(root, list);
  return list;
}

/** The entry of a list for an image reference (or its manifest digest), or docker's error. */
export function listEntry(list: LocalManifestList, listName: string, manifest: string): ListEntry {
  const want = referenceString(normalizeReference(manifest));
  const e = list.manifests.find((x) => x.ref === want || x.digest === manifest);
  if (!e) throw new BerthError('NotFound', `manifest for image ${manifest} does not exist in ${listName}`);
  return e;
}

/** `manifest annotate`: set the platform fields of one entry. */
export function annotateList(
  root: string,
  name: string,
  manifest: string,
  changes: { os?: string; arch?: string; variant?: string; osVersion?: string; osFeatures?: string[] },
): LocalManifestList {
  const list = readList(root, name);
  if (!list) throw new BerthError('NotFound', `No such manifest list: ${name}`);
  const e = listEntry(list, name, manifest);
  if (changes.os !== undefined) e.platform.os = changes.os;
  if (changes.arch !== undefined) e.platform.architecture = changes.arch;
  if (changes.variant !== undefined) e.platform.variant = changes.variant;
  if (changes.osVersion !== undefined) e.platform['os.version'] = changes.osVersion;
  if (changes.osFeatures !== undefined) e.platform['os.features'] = changes.osFeatures;
  writeList(root, list);
  return list;
}

/** The index document of a list: docker's manifest list when every entry is a docker manifest, else an OCI index. */
export function indexDocument(list: LocalManifestList): { mediaType: string; bytes: Buffer } {
  const docker = list.manifests.every((m) => m.mediaType === MEDIA_TYPES.dockerManifest);
  const mediaType = docker ? MEDIA_TYPES.dockerManifestList : MEDIA_TYPES.ociIndex;
  const doc = {
    schemaVersion: 2,
    mediaType,
    manifests: list.manifests.map((m) => ({ mediaType: m.mediaType, size: m.size, digest: m.digest, platform: m.platform })),
  };
  return { mediaType, bytes: Buffer.from(JSON.stringify(doc, null, 3)) };
}

/**
 * `manifest push LIST`: each entry's manifest (and its blobs) made present in the list's
 * repository (a cross-repository mount, then the manifest by digest), then the index under the
 * list's tag. Returns the index's digest.
 */
export async function pushList(root: string, name: string, opts: RegistryOptions & { purge?: boolean } = {}): Promise<string> {
  const list = readList(root, name);
  if (!list) throw new BerthError('NotFound', `No such manifest list: ${name}`);
  if (list.manifests.length === 0) throw new BerthError('InvalidArgument', `manifest list ${name} is empty`);
  const target = normalizeReference(list.ref);
  const client = openClient(target.domain, opts);
  try {
    for (const e of list.manifests) {
      const src = normalizeReference(e.ref);
      if (src.domain === target.domain && src.path === target.path) continue;
      if (src.domain !== target.domain)
        throw new BerthError('InvalidArgument', `cannot push a manifest list to ${target.domain} that refers to ${familiarString(e.ref)} on another registry`);
      await copyManifestInto(client, src, target, e);
    }
    const { mediaType, bytes } = indexDocument(list);
    const tag = target.tag ?? 'latest';
    await putManifest(client, target.path, tag, mediaType, bytes, `pushing manifest list ${familiarString(list.ref)}`);
    if (opts.purge) removeList(root, list.ref);
    return sha256Digest(bytes);
  } finally {
    client.close();
  }
}

/** An image manifest of another repository on the same registry: its blobs mounted, itself put by digest. */
async function copyManifestInto(client: ReturnType<typeof openClient>, src: Reference, target: Reference, e: ListEntry): Promise<void> {
  const m = await fetchManifest(client, src.path, e.digest, `manifest "${e.digest}"`);
  const doc = JSON.parse(m.bytes.toString('utf8')) as { config: { digest: string }; layers: Array<{ digest: string }> };
  for (const digest of [doc.config.digest, ...doc.layers.map((l) => l.digest)]) {
    const mount = await mountBlob(client, target.path, digest, src.path);
    if (!mount.mounted) throw new BerthError('Unavailable', `registry would not mount blob "${digest}" from ${src.path} into ${target.path}`);
  }
  await putManifest(client, target.path, e.digest, m.mediaType, m.bytes, `pushing manifest "${e.digest}"`);
}

export function removeList(root: string, name: string): void {
  const ref = referenceString(normalizeReference(name));
  try {
    fs.unlinkSync(listFile(root, ref));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new BerthError('NotFound', `No such manifest list: ${name}`);
    throw e;
  }
}
