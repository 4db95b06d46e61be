import { goStringMap, nilMap, nilSlice } from '../format/go-template/go-values.js';
import type { ImageConfig } from '../oci/types.js';
import { familiarString } from '../reference/reference.js';
import type { ImageInspect, ImageRecord, InspectConfig } from './image-record.js';

/** Docker prints Go's zero time when an image was never tagged. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Extra top-level fields docker writes into image configs; OCI tolerates unknown fields. */
type DockerImageConfig = ImageConfig & { comment?: string; docker_version?: string };

function inspectConfig(config: ImageConfig): InspectConfig {
  const c = config.config ?? {};
  const out: InspectConfig = {
    Hostname: '',
    Domainname: '',
    User: c.User ?? '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: c.Env ?? nilSlice(),
    Cmd: c.Cmd ?? nilSlice(),
    Image: '',
    Volumes: c.Volumes ?? nilMap(),
    WorkingDir: c.WorkingDir ?? '',
    Entrypoint: c.Entrypoint ?? nilSlice(),
    OnBuild: c.OnBuild ?? nilSlice(),
    Labels: goStringMap(c.Labels ?? nilMap()),
  };
  if (c.ExposedPorts && Object.keys(c.ExposedPorts).length > 0) out.ExposedPorts = c.ExposedPorts;
  if (c.Healthcheck) out.Healthcheck = c.Healthcheck;
  if (c.StopSignal) out.StopSignal = c.StopSignal;
  if (c.Shell) out.Shell = c.Shell;
  return out;
}

/**
 * overlay2's GraphDriver data as docker shows it for an image: the top layer is UpperDir, the
 * layers below it LowerDir (top first, `:`-joined).
 */
function graphDriverData(chainIds: readonly string[], dirOf: (chainId: string) => string): Record<string, string> {
  const dirs = chainIds.map(dirOf);
  const top = dirs[dirs.length - 1];
  if (top === undefined) return {};
  const base = top.replace(/\/diff$/, '');
  const data: Record<string, string> = {
    MergedDir: `${base}/merged`,
    UpperDir: top,
    WorkDir: `${base}/work`,
  };
  if (dirs.length > 1) data.LowerDir = dirs.slice(0, -1).reverse().join(':');
  return data;
}

/**
 * Docker's ImageInspect JSON for a stored image. `dirOf` gives a layer's unpacked directory.
 *
 * @example
 * toImageInspect(record, config, (chainId) => layers.get(chainId).diffDir)
 */
export function toImageInspect(record: ImageRecord, config: ImageConfig, dirOf: (chainId: string) => string): ImageInspect {
  const dc = config as DockerImageConfig;
  const out: ImageInspect = {
    Id: record.id,
    RepoTags: record.tags.map((t) => familiarString(t)),
    RepoDigests: record.digests.map((d) => familiarString(d)),
    Parent: '',
    Comment: dc.comment ?? '',
    Created: config.created ?? ZERO_TIME,
    DockerVersion: dc.docker_version ?? '',
    Author: config.author ?? '',
    Config: inspectConfig(config),
    Architecture: config.architecture,
    Os: config.os,
    Size: record.size,
    GraphDriver: { Name: 'overlay2', Data: graphDriverData(record.chainIds, dirOf) },
    RootFS: { Type: 'layers', Layers: [...config.rootfs.diff_ids] },
    Metadata: { LastTagTime: record.lastTagTime || ZERO_TIME },
  };
  if (config.variant) out.Variant = config.variant;
  return out;
}
