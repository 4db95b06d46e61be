import { healthOf } from './health.js';
import type { EngineContext } from '../engine-context.js';
import { humanSizeWithPrecision, statusText, createdAgo, truncateCommand, commandLine, formatPorts, formatCreatedAt, ellipsis } from '../format/index.js';
import type { PortEntry } from '../format/ports.js';
import type { ContainerRecord } from './container-record.js';
import { containerPaths } from './container-paths.js';
import { dirSize } from '../volumes/volume-store.js';
import { publishedPorts, networkStore } from '../networks/index.js';

/** The fields docker's ps formatter offers (`{{.ID}}`, `{{.Names}}`, …), one object per container. */
export interface ContainerRow {
  ID: string;
  Image: string;
  Command: string;
  CreatedAt: string;
  RunningFor: string;
  Ports: string;
  State: string;
  Status: string;
  Size: string;
  Names: string;
  Labels: string;
  Mounts: string;
  Networks: string;
  LocalVolumes: string;
}

/**
 * The rows of `ps`. With `fields`, only those are filled in (the others are ''): the default
 * table shows 7 of the 14, and the others cost queries of the network store per container.
 */
export function containerRows(
  ctx: EngineContext,
  list: ContainerRecord[],
  opts: { noTrunc: boolean; size: boolean; fields?: ReadonlySet<string> },
): ContainerRow[] {
  const now = new Date();
  const want = (field: keyof ContainerRow): boolean => !opts.fields || opts.fields.has(field);
  const imageOf = shownImage(ctx, opts.noTrunc);
  return list.map((c) => {
    const cmd = commandLine(c.path, c.args);
    const s = c.state;
    return {
      ID: opts.noTrunc ? c.id : c.id.slice(0, 12),
      Image: imageOf(c),
      Command: truncateCommand(cmd, opts.noTrunc ? null : 20),
      CreatedAt: want('CreatedAt') ? formatCreatedAt(new Date(c.created)) : '',
      RunningFor: createdAgo(new Date(c.created), now),
      // networks: the ports as bound while running (docker shows none for a stopped container)
      Ports: !want('Ports') ? '' : formatPorts(portEntries(ctx, c)),
      State: s.status,
      Status: statusText({
        status: s.status,
        exitCode: s.exitCode,
        startedAt: new Date(s.startedAt),
        finishedAt: new Date(s.finishedAt),
        now,
        ...(s.status === 'running' && want('Status') ? { health: healthOf(ctx, c)?.Status } : {}),
      }),
      Size: opts.size
        ? `${humanSizeWithPrecision(dirSize(containerPaths(ctx.paths, c.id).upper), 3)} (virtual ${humanSizeWithPrecision(c.image.size, 3)})`
        : '',
      Names: c.name,
      Labels: !want('Labels')
        ? ''
        : Object.entries(c.spec.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
      Mounts: !want('Mounts')
        ? ''
        : c.spec.mounts
            .filter((m) => m.type !== 'tmpfs')
            // docker: each cut to 15 columns with an ellipsis, unless --no-trunc
            .map((m) => (opts.noTrunc ? m.source : ellipsis(m.source, 15)))
            .join(','),
      Networks: want('Networks') ? networkNames(ctx, c) : '',
      LocalVolumes: !want('LocalVolumes') ? '' : String(c.spec.mounts.filter((m) => m.type === 'volume').length),
    };
  });
}

function networkNames(ctx: EngineContext, c: ContainerRecord): string {
  return containerNetworks(ctx, c).join(',');
}

/** The networks a container is on (names and ids), for ps and `--filter network=`. */
export function containerNetworks(ctx: EngineContext, c: ContainerRecord, withIds = false): string[] {
  const store = networkStore(ctx);
  const nets = store.endpoints(c.id).flatMap((e) => {
    const n = store.byId(e.networkId);
    return n ? (withIds ? [n.name, n.id] : [n.name]) : [];
  });
  return nets.length ? nets : [c.spec.network];
}

/**
 * A container's ports as docker's ps lists them: the published ones as bound while it runs, and
 * (docker's NetworkSettings.Ports) the ports it only exposes (its image's EXPOSE, --expose), bare:
 * `80/tcp`, on a network of its own while it runs.
 */
export function portEntries(ctx: EngineContext, c: ContainerRecord): PortEntry[] {
  const published: PortEntry[] = publishedPorts(ctx, c.id).map((p) => ({ ...p, hostIp: p.hostIp || '0.0.0.0' }));
  const net = c.spec.network;
  const live = c.state.status === 'running' || c.state.status === 'paused';
  if (!live || net === 'host' || net === 'none' || net.startsWith('container:')) return published;
  const seen = new Set(published.map((p) => `${p.containerPort}/${p.protocol}`));
  for (const p of c.spec.publish) seen.add(`${p.containerPort}/${p.protocol}`);
  const out = [...published];
  for (const e of [...Object.keys(c.image.config.ExposedPorts ?? {}), ...(c.spec.expose ?? [])]) {
    const [port = '', protocol = 'tcp'] = e.split('/');
    const key = `${Number(port)}/${protocol}`;
    if (seen.has(key) || !(Number(port) > 0)) continue;
    seen.add(key);
    out.push({ containerPort: Number(port), protocol });
  }
  return out;
}

/**
 * docker ps's IMAGE: the name the container was made from while it still names that image,
 * else the image's id (untagged, or the tag moved to another image: a stale name would
 * mislead), short unless --no-trunc. Looked up once per name.
 */
export function shownImage(ctx: EngineContext, noTrunc: boolean): (c: ContainerRecord) => string {
  const current = new Map<string, string | undefined>();
  return (c) => {
    if (!c.imageId) return c.spec.image; // a pod's infra: no image
    let id = current.get(c.spec.image);
    if (!current.has(c.spec.image)) {
      id = ctx.images.find(c.spec.image)?.id;
      current.set(c.spec.image, id);
    }
    if (id === c.imageId) return c.spec.image;
    return noTrunc ? c.imageId : c.imageId.replace(/^sha256:/, '').slice(0, 12);
  };
}
