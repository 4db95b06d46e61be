import { createHash } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { digestHex } from '../content/digest.js';
import { BerthError, wrap } from '../errors/index.js';
import { MEDIA_TYPES, type Descriptor, type ImageConfig, type ImageIndex, type ImageManifest } from '../oci/types.js';
import { familiarName, normalize, parseReference, repositoryName } from '../reference/reference.js';
import { openDecompressed } from '../snapshots/decompress.js';
import { dirSink, tarSink, type ArchiveSink } from './archive-sink.js';
import type { ImageRecord } from './image-record.js';
import type { ImageStore } from './image-store.js';
import { blobCompression } from './layer-media.js';
import { ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME, blobName } from './load-oci-layout.js';

export type SaveFormat = 'docker-archive' | 'oci-archive';

interface SavedImage {
  rec: ImageRecord;
  /** normalised tagged references to write for it */
  tags: string[];
}

/**
 * Which images and tags `docker save a b c` means: a name with a tag saves that tag; a bare
 * repository name saves every tag of it (docker's rule); an id saves the image untagged.
 */
export function selectImages(store: ImageStore, refs: readonly string[]): SavedImage[] {
  const out = new Map<string, SavedImage>();
  const add = (rec: ImageRecord, tag?: string) => {
    const s = out.get(rec.id) ?? { rec, tags: [] };
    if (tag !== undefined && !s.tags.includes(tag)) s.tags.push(tag);
    out.set(rec.id, s);
  };
  for (const ref of refs) {
    let parsed;
    try {
      parsed = parseReference(ref);
    } catch {
      parsed = undefined;
    }
    if (parsed && parsed.tag === undefined && parsed.digest === undefined) {
      const repo = repositoryName(parsed);
      const all = store.list().flatMap((img) => img.tags.filter((t) => repositoryName(parseReference(t)) === repo).map((t) => ({ img, t })));
      if (all.length > 0) {
        for (const { img, t } of all) add(img, t);
        continue;
      }
    }
    const rec = store.resolve(ref);
    if (parsed && parsed.digest === undefined && rec.tags.includes(normalize(ref))) add(rec, normalize(ref));
    else add(rec);
  }
  return [...out.values()];
}

/** The uncompressed tar of a layer blob, with its size, verified against the diff id. */
async function plainLayer(store: ImageStore, digest: string, diffId: string): Promise<{ size: number; open: () => Promise<Readable> }> {
  if (blobCompression(store.content, digest) === 'none') {
    return { size: store.content.size(digest), open: async () => store.content.openRead(digest) };
  }
  // A tar header states the size first, so a compressed layer is decompressed once to count
  // (and check) it, then again while it is written: CPU instead of a temp copy on disk.
  const hash = createHash('sha256');
  let size = 0;
  for await (const c of await openDecompressed(store.content.openRead(digest))) {
    hash.update(c as Buffer);
    size += (c as Buffer).length;
  }
  if (`sha256:${hash.digest('hex')}` !== diffId) {
    throw new BerthError('Internal', `stored layer "${digest}" does not decompress to its diff id "${diffId}"`);
  }
  return { size, open: () => openDecompressed(store.content.openRead(digest)) };
}

async function writeDockerArchive(store: ImageStore, images: SavedImage[], sink: ArchiveSink): Promise<void> {
  const written = new Set<string>();
  const entries: Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }> = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const { rec, tags } of images) {
    const configBytes = store.content.readBytes(rec.id);
    const config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
    const manifest = store.content.readJson<ImageManifest>(rec.manifestDigest);
    const layers: string[] = [];
    for (const [i, diffId] of config.rootfs.diff_ids.entries()) {
      const dir = digestHex(diffId);
      const name = `${dir}/layer.tar`;
      layers.push(name);
      if (written.has(diffId)) continue;
      const desc = manifest.layers[i];
      if (!desc) throw new BerthError('Internal', `image ${rec.id} has fewer layers than diff ids`);
      const layer = await plainLayer(store, desc.digest, diffId);
      await sink.dir(dir);
      await sink.file(name, layer.size, await layer.open());
      written.add(diffId);
    }
    const configName = `${digestHex(rec.id)}.json`;
    await sink.file(configName, configBytes.length, configBytes);
    // Qualified names: docker load accepts them, and podman load would put a short name under localhost/
    entries.push({ Config: configName, RepoTags: tags.length > 0 ? [...tags] : null, Layers: layers });
    const top = layers[layers.length - 1];
    for (const t of tags) {
      const ref = parseReference(t);
      if (top && ref.tag) (repositories[familiarName(ref)] ??= {})[ref.tag] = top.split('/')[0] as string;
    }
  }
  const manifestJson = Buffer.from(JSON.stringify(entries));
  await sink.file('manifest.json', manifestJson.length, manifestJson);
  if (Object.keys(repositories).length > 0) {
    const repos = Buffer.from(JSON.stringify(repositories));
    await sink.file('repositories', repos.length, repos);
  }
}

async function writeOciLayout(store: ImageStore, images: SavedImage[], sink: ArchiveSink): Promise<void> {
  const layout = Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await sink.file('oci-layout', layout.length, layout);
  await sink.dir('blobs');
  await sink.dir('blobs/sha256');
  const written = new Set<string>();
  const blob = async (digest: string) => {
    if (written.has(digest)) return;
    written.add(digest);
    await sink.file(blobName(digest), store.content.size(digest), store.content.openRead(digest));
  };
  const index: ImageIndex = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [] };
  for (const { rec, tags } of images) {
    const manifest = store.content.readJson<ImageManifest>(rec.manifestDigest);
    for (const l of manifest.layers) await blob(l.digest);
    await blob(rec.id);
    await blob(rec.manifestDigest);
    const desc: Descriptor = {
      mediaType: manifest.mediaType ?? MEDIA_TYPES.ociManifest,
      digest: rec.manifestDigest,
      size: store.content.size(rec.manifestDigest),
    };
    if (tags.length === 0) index.manifests.push(desc);
    // one entry per name, as docker 25 and containerd write them
    for (const t of tags) {
      const ref = parseReference(t);
      index.manifests.push({ ...desc, annotations: { [ANNOTATION_IMAGE_NAME]: t, [ANNOTATION_REF_NAME]: ref.tag ?? 'latest' } });
    }
  }
  const indexJson = Buffer.from(JSON.stringify(index));
  await sink.file('index.json', indexJson.length, indexJson);
}

async function write(store: ImageStore, refs: readonly string[], sink: ArchiveSink, format: SaveFormat): Promise<void> {
  if (refs.length === 0) throw new BerthError('InvalidArgument', 'no image to save');
  const images = selectImages(store, refs);
  try {
    if (format === 'docker-archive') await writeDockerArchive(store, images, sink);
    else await writeOciLayout(store, images, sink);
    await sink.close();
  } catch (e) {
    sink.abort(e);
    throw wrap(e, 'saving images');
  }
}

/**
 * `docker save`: write images as a docker-archive (what `docker load`, `podman load` and skopeo's
 * `docker-archive:` read: manifest.json with fully qualified RepoTags, `<hex>.json` configs,
 * uncompressed `<diffid>/layer.tar` layers, `repositories`) or as an OCI archive (oci-layout,
 * index.json with docker 25's annotations, blobs as stored). Streams: no layer is buffered.
 * `out` is ended when done.
 *
 * @example
 * await saveImages(images, ['busybox'], fs.createWriteStream('busybox.tar'), 'docker-archive');
 */
export async function saveImages(store: ImageStore, refs: readonly string[], out: Writable, format: SaveFormat): Promise<void> {
  if (format !== 'docker-archive' && format !== 'oci-archive') {
    throw new BerthError('InvalidArgument', `unknown archive format "${String(format)}"`, {
      hint: 'use docker-archive or oci-archive',
    });
  }
  await write(store, refs, tarSink(out), format);
}

/** Write images as an OCI image layout into dir (created if missing; skopeo's `oci:<dir>`). */
export async function saveOciDir(store: ImageStore, refs: readonly string[], dir: string): Promise<void> {
  await write(store, refs, dirSink(dir), 'oci-archive');
}
