import { BerthError } from '../errors/berth-error.js';
import type { BerthEvent } from './event-log.js';

/** docker's events.Message: the legacy status/id/from fields only for containers and images. */
export function eventMessage(e: BerthEvent): Record<string, unknown> {
  const legacy = e.type === 'container' || e.type === 'image';
  return {
    ...(legacy ? { status: e.action, id: e.id } : {}),
    ...(legacy && e.type === 'container' && e.attributes['image'] !== undefined ? { from: e.attributes['image'] } : {}),
    Type: e.type,
    Action: e.action,
    Actor: { ID: e.id, Attributes: e.attributes },
    scope: 'local',
    time: Number(BigInt(e.timeNano) / 1_000_000_000n),
    timeNano: BigInt(e.timeNano),
  };
}

/** What `--format` templates see: docker's field names, and docker's JSON for `{{json .}}`. */
export function eventTemplateData(e: BerthEvent): Record<string, unknown> {
  const m = eventMessage(e);
  return {
    Status: m['status'] ?? '',
    ID: m['id'] ?? '',
    From: m['from'] ?? '',
    Type: e.type,
    Action: e.action,
    Actor: { ID: e.id, Attributes: e.attributes },
    Scope: 'local',
    Time: m['time'],
    TimeNano: m['timeNano'],
    toJSON: () => m,
  };
}

/** docker's line: `2024-01-02T03:04:05.123456789Z container start <id> (image=busybox, name=x)`. */
export function eventLine(e: BerthEvent): string {
  const attrs = Object.keys(e.attributes)
    .sort()
    .map((k) => `${k}=${e.attributes[k]}`);
  return `${formatNano(e.timeNano)} ${e.type} ${e.action} ${e.id}${attrs.length ? ` (${attrs.join(', ')})` : ''}`;
}

/** RFC 3339 with nine fraction digits, in UTC (docker's RFC3339NanoFixed). */
export function formatNano(timeNano: string): string {
  const ns = BigInt(timeNano);
  const secs = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(secs) * 1000).toISOString().slice(0, 19)}.${frac}Z`;
}

const FILTER_KEYS = new Set([
  'container',
  'event',
  'image',
  'label',
  'type',
  'volume',
  'network',
  'scope',
  'daemon',
  'plugin',
  'node',
  'service',
  'secret',
  'config',
  'pod',
]);
// pods: berth's (and podman's) pod events beside docker's types
const TYPES = new Set(['container', 'image', 'volume', 'network', 'daemon', 'plugin', 'node', 'service', 'secret', 'config', 'pod']);

export type EventFilters = Map<string, string[]>;

/** `--filter key=value`, repeated; docker's keys, an unknown one an error. */
export function parseEventFilters(values: readonly string[]): EventFilters {
  const f: EventFilters = new Map();
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) throw new BerthError('InvalidArgument', `bad format of filter (expected name=value)`);
    const k = v.slice(0, i).toLowerCase();
    const val = v.slice(i + 1);
    if (!FILTER_KEYS.has(k)) throw new BerthError('InvalidArgument', `invalid filter '${k}'`);
    if (k === 'type' && !TYPES.has(val)) throw new BerthError('InvalidArgument', `Invalid filter value for type: ${val}`);
    f.set(k, [...(f.get(k) ?? []), val]);
  }
  return f;
}

/** docker's matching: values of a key OR-ed, keys AND-ed; an object filter keeps other types out. */
export function matchEvent(e: BerthEvent, f: EventFilters): boolean {
  const name = e.attributes['name'];
  const oneOf = (key: string, test: (v: string) => boolean) => !f.has(key) || (f.get(key) ?? []).some(test);
  const forType = (key: string, type: BerthEvent['type'], test: (v: string) => boolean) => !f.has(key) || (e.type === type && (f.get(key) ?? []).some(test));
  return (
    oneOf('type', (v) => v === e.type) &&
    oneOf('event', (v) => v === e.action || e.action.startsWith(`${v}:`)) &&
    oneOf('scope', (v) => v === 'local') &&
    forType('container', 'container', (v) => e.id.startsWith(v) || name === v) &&
    forType('volume', 'volume', (v) => e.id === v) &&
    forType('network', 'network', (v) => e.id.startsWith(v) || name === v) &&
    forType('pod', 'pod', (v) => e.id.startsWith(v) || name === v) &&
    oneOf('image', (v) => {
      const image = e.type === 'image' ? (name ?? e.id) : e.attributes['image'];
      return image !== undefined && (image === v || image === `${v}:latest` || e.id === v || (e.type === 'image' && e.id.startsWith(v)));
    }) &&
    // labels must all hold (docker's MatchKVList), unlike the other keys' alternatives
    (f.get('label') ?? []).every((v) => {
      const i = v.indexOf('=');
      return i < 0 ? v in e.attributes : e.attributes[v.slice(0, i)] === v.slice(i + 1);
    })
  );
}
