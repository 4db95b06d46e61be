import { rootlessMode } from '../rootless/mode.js';
import { rootlessLimitsUnavailable } from '../rootless/limits.js';
import { holdTeardown } from '../host/teardown.js';
import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import { applyChanges } from '../images/changes.js';
import type { ImageConfig, ImageRuntimeConfig } from '../oci/types.js';
import { MEDIA_TYPES } from '../oci/types.js';
import { storeLayer } from '../build/store-layer.js';
import { writeConfigAndManifest } from '../build/write-manifest.js';
import { packDiff } from '../snapshots/pack-diff.js';
import { containerOwners } from '../rootless/keep-id.js';
import { containerPaths } from './container-paths.js';
import { mountStubs } from './diff.js';
import { refreshContainer } from './exit.js';
import { inspectContainer } from './inspect.js';
import { containerEvent } from '../events/container-events.js';
import { familiarString } from '../reference/reference.js';

export interface CommitOptions {
  /** REPOSITORY[:TAG] to point at the new image */
  reference?: string;
  /** -m: the history entry's comment */
  message?: string;
  /** -a */
  author?: string;
  /** -c: Dockerfile instructions applied to the configuration */
  changes?: readonly string[];
  /** -p (docker's default): freeze a running container while its changes are read */
  pause?: boolean;
}

/**
 * docker commit: a new image from a container's changes, as one more layer on its image's, with
 * the container's configuration (its command, environment, working directory…) after `changes`.
 * The runtime's mount-point stubs (/etc/hosts…) are not changes and stay out. Returns the id.
 */
export async function commitContainer(ctx: EngineContext, ref: string, opts: CommitOptions = {}): Promise<string> {
  const rec = refreshContainer(ctx, ctx.containers.lookup(ref));
  const base = ctx.images.byId(rec.imageId);
  if (!base) throw new BerthError('NotFound', `the image of container "${rec.name}" is no longer stored`);
  const baseConfig = ctx.images.config(rec.imageId);
  const baseManifest = ctx.images.manifest(rec.imageId);
  // a rootless container without a cgroup cannot be frozen: committed as it runs (--pause=false)
  const frozen = !(rootlessMode() && rootlessLimitsUnavailable(ctx.hostFacts().cgroupVersion));
  const pause = opts.pause !== false && rec.state.status === 'running' && frozen;
  const runtime = ctx.runtime();
  // an interrupted commit thaws the container too
  const release = pause ? holdTeardown(() => runtime.resumeSync(rec.id)) : () => undefined;
  if (pause) await runtime.pause(rec.id);
  let layer;
  try {
    const upper = containerPaths(ctx.paths, rec.id).upper;
    const skip = new Set([...mountStubs(upper)].map((p) => p.slice(1)));
    layer = await storeLayer(ctx, rec.image.chainIds[rec.image.chainIds.length - 1] ?? null, packDiff(upper, { skip, owners: containerOwners(rec) }));
  } finally {
    if (pause) await runtime.resume(rec.id).catch(() => undefined);
    release();
  }
  const now = new Date().toISOString();
  // docker's commit writes its own author and comment (-a, -m): the base image's never carry over
  const { author: _author, comment: _comment, ...inherited } = baseConfig as ImageConfig & { comment?: string };
  const config: ImageConfig & { comment?: string } = {
    ...inherited,
    created: now,
    ...(opts.author ? { author: opts.author } : {}),
    ...(opts.message ? { comment: opts.message } : {}),
    config: applyChanges(runtimeConfig(ctx, rec.id), opts.changes ?? []),
    rootfs: { type: 'layers', diff_ids: [...(baseConfig.rootfs?.diff_ids ?? []), layer.diffId] },
    history: [
      ...(baseConfig.history ?? []),
      {
        created: now,
        created_by: [rec.path, ...rec.args].join(' '),
        ...(opts.author ? { author: opts.author } : {}),
        ...(opts.message ? { comment: opts.message } : {}),
      },
    ],
  };
  const layers = [...(baseManifest.layers ?? []), { mediaType: MEDIA_TYPES.ociLayer, digest: layer.digest, size: layer.size }];
  const { configBytes, digest, manifest } = await writeConfigAndManifest(ctx, config, layers);
  await ctx.images.commitImage({ manifest, config: configBytes, tags: opts.reference ? [opts.reference] : [] });
  // docker's events of a commit: the container's commit, then the new name's tag
  const imageRef = opts.reference ? familiarString(opts.reference) : '';
  containerEvent(ctx, rec, 'commit', { comment: opts.message ?? '', imageID: digest, imageRef });
  if (imageRef) ctx.images.onEvent?.('tag', digest, { name: imageRef });
  return digest;
}

/** The fields of inspect's Config an image keeps. */
interface InspectedConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
}

/** The container's configuration as an image keeps it (docker commit starts from the container's). */
function runtimeConfig(ctx: EngineContext, id: string): ImageRuntimeConfig {
  const c = (inspectContainer(ctx, id) as { Config: InspectedConfig }).Config;
  const out: ImageRuntimeConfig = {};
  if (c.User) out.User = c.User;
  if (c.ExposedPorts && Object.keys(c.ExposedPorts).length) out.ExposedPorts = c.ExposedPorts;
  if (c.Env?.length) out.Env = [...c.Env];
  if (c.Entrypoint?.length) out.Entrypoint = [...c.Entrypoint];
  if (c.Cmd?.length) out.Cmd = [...c.Cmd];
  if (c.Volumes && Object.keys(c.Volumes).length) out.Volumes = c.Volumes;
  if (c.WorkingDir) out.WorkingDir = c.WorkingDir;
  if (c.Labels && Object.keys(c.Labels).length) out.Labels = { ...c.Labels };
  if (c.StopSignal && c.StopSignal !== 'SIGTERM') out.StopSignal = c.StopSignal;
  return out;
}
