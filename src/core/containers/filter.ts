import { BerthError } from '../errors/berth-error.js';
import type { ContainerRecord } from './container-record.js';
import { parseReference, repositoryName, type Reference } from '../reference/reference.js';

const KEYS = new Set([
  'id',
  'name',
  'label',
  'exited',
  'status',
  'ancestor',
  'before',
  'since',
  'volume',
  'health',
  'network',
  'publish',
  'expose',
  'is-task',
  'pod',
]);
const STATUSES = new Set(['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead']);

export type Filters = Map<string, string[]>;

/** Parse docker's repeated `--filter key=value`; an unknown key is an error, as in docker. */
export function parseFilters(values: string[]): Filters {
  const f: Filters = new Map();
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) throw new BerthError('InvalidArgument', `bad format of filter (expected name=value)`);
    const k = v.slice(0, i).toLowerCase();
    if (!KEYS.has(k)) throw new BerthError('InvalidArgument', `invalid filter '${k}'`);
    const val = v.slice(i + 1);
    if (k === 'status' && !STATUSES.has(val)) {
      throw new BerthError('InvalidArgument', `invalid filter 'status=${val}'`);
    }
    if (k === 'exited' && !/^-?\d+$/.test(val)) {
      // docker's daemon: the exit code is read with strconv.Atoi
      throw new BerthError('InvalidArgument', `strconv.Atoi: parsing "${val}": invalid syntax`);
    }
    if (k === 'is-task' && !['true', 'false', '1', '0'].includes(val.toLowerCase())) {
      throw new BerthError('InvalidArgument', `invalid filter 'is-task=${val}'`);
    }
    if (k === 'health' && !['starting', 'healthy', 'unhealthy', 'none'].includes(val)) {
      throw new BerthError('InvalidArgument', `Unrecognised filter value for health: ${val}`);
    }
    f.set(k, [...(f.get(k) ?? []), val]);
  }
  return f;
}

/**
 * Docker's semantics: values of one key are OR-ed, different keys AND-ed. `imageRefs(c)` gives the
 * names an image is known by, for `ancestor`; `resolve` maps before/since to a container.
 */
export function matchContainer(
  c: ContainerRecord,
  f: Filters,
  opts: {
    imageNames: (imageId: string) => string[];
    created: (ref: string) => string | undefined;
    /** starting, healthy, unhealthy, or none (no healthcheck) */
    health?: (c: ContainerRecord) => string;
    /** names and ids of the networks the container is on (default: its --network) */
    networks?: (c: ContainerRecord) => string[];
    /** pods: the id and name of the container's pod, [] for none */
    pod?: (c: ContainerRecord) => string[];
  },
): boolean {
  for (const [k, vals] of f) {
    // docker: values of a key are alternatives, except labels, which must all hold
    const ok = (k === 'label' ? vals.every.bind(vals) : vals.some.bind(vals))((v) => {
      switch (k) {
        case 'id':
          return c.id.startsWith(v);
        case 'name': {
          // docker matches the name with its leading slash and without (name=^/web$, name=^web$)
          const re = new RegExp(v);
          return re.test(c.name) || re.test(`/${c.name}`);
        }
        case 'label': {
          const i = v.indexOf('=');
          const labels = c.spec.labels;
          return i < 0 ? v in labels : labels[v.slice(0, i)] === v.slice(i + 1);
        }
        case 'exited':
          return c.state.status === 'exited' && String(c.state.exitCode) === v;
        case 'status':
          return c.state.status === v;
        case 'ancestor':
          return (
            c.imageId === v ||
            c.imageId.replace('sha256:', '').startsWith(v.replace('sha256:', '')) ||
            c.spec.image === v ||
            opts.imageNames(c.imageId).some((n) => ancestorMatches(v, n))
          );
        case 'before': {
          const t = opts.created(v);
          return t !== undefined && c.created < t;
        }
        case 'since': {
          const t = opts.created(v);
          return t !== undefined && c.created > t;
        }
        case 'volume':
          return c.spec.mounts.some((m) => m.source === v || m.target === v);
        case 'network': {
          const nets = opts.networks?.(c) ?? [c.spec.network];
          return nets.some((n) => n === v || (v.length >= 12 && n.startsWith(v)));
        }
        case 'publish':
          // the container's side of a published port (docker: `publish=80` finds 0.0.0.0:32768->80/tcp)
          return c.spec.publish.some((p) => portMatches(v, p.containerPort, p.protocol));
        case 'health':
          return (opts.health?.(c) ?? 'none') === v;
        case 'pod': {
          const [id, name] = opts.pod?.(c) ?? [];
          return id !== undefined && (name === v || (v.length > 0 && id.startsWith(v)));
        }
        case 'expose':
          return exposedPorts(c).some(([port, proto]) => portMatches(v, port, proto));
        case 'is-task':
          // docker: a swarm service's task carries this label; berth has no swarm, so no container is one
          return ((c.spec.labels['com.docker.swarm.task.id'] ?? '') !== '') === ['true', '1'].includes(v.toLowerCase());
        default:
          return false;
      }
    });
    if (!ok) return false;
  }
  return true;
}

/**
 * `ancestor=busybox`, `busybox:latest`, `docker.io/library/busybox:1.36` against a stored tag
 * (`docker.io/library/busybox:latest`): a name without a tag matches any of its tags.
 */
function ancestorMatches(filter: string, tag: string): boolean {
  if (tag === filter) return true;
  let ref: Reference;
  try {
    ref = parseReference(filter);
  } catch {
    return false;
  }
  const t = parseReference(tag);
  if (repositoryName(ref) !== repositoryName(t)) return false;
  if (ref.digest !== undefined) return ref.digest === t.digest;
  return ref.tag === undefined || ref.tag === t.tag;
}

/** `80`, `80/udp`, `8000-8080/tcp` (tcp unless said) against a port and its protocol. */
function portMatches(filter: string, port: number, protocol: string): boolean {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/.exec(filter);
  if (!m) return false;
  const lo = Number(m[1]);
  const hi = m[2] !== undefined ? Number(m[2]) : lo;
  return port >= lo && port <= hi && (m[3] ?? 'tcp') === protocol;
}

/** What the container exposes: its image's ports, --expose and what -p publishes. */
function exposedPorts(c: ContainerRecord): Array<[number, string]> {
  const specs = [...Object.keys(c.image.config.ExposedPorts ?? {}), ...(c.spec.expose ?? [])];
  const out: Array<[number, string]> = specs.map((s) => {
    const [port, proto] = s.split('/');
    return [Number(port), proto ?? 'tcp'];
  });
  for (const p of c.spec.publish) out.push([p.containerPort, p.protocol]);
  return out;
}
