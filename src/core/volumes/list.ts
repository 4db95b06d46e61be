import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import { volumeUser } from '../containers/volumes.js';
import type { VolumeRecord } from './volume-store.js';
import { filterMatch, groupFilters, naturalCompare } from '../format/natural-sort.js';

/** docker volume ls: the volumes matching docker's filters (`dangling=`, `name=`, `label=`, `driver=`). */
export function listVolumes(ctx: EngineContext, filters: readonly string[]): VolumeRecord[] {
  let list = ctx.volumes.list();
  // one key's values match when any does, the keys all must; every label filter must
  for (const [k, vs] of groupFilters(filters)) {
    const any = (pred: (x: VolumeRecord, v: string) => boolean) => (list = list.filter((x) => vs.some((v) => pred(x, v))));
    if (k === 'dangling') {
      for (const v of vs) if (!['true', '1', 'false', '0'].includes(v)) throw new BerthError('InvalidArgument', `invalid filter 'dangling=${v}'`);
      any((x, v) => (volumeUser(ctx, x.name) === undefined) === (v === 'true' || v === '1'));
    } else if (k === 'name') any((x, v) => filterMatch(v, x.name));
    else if (k === 'label')
      list = list.filter((x) => vs.every((v) => (v.includes('=') ? x.labels[v.slice(0, v.indexOf('='))] === v.slice(v.indexOf('=') + 1) : v in x.labels)));
    else if (k === 'driver') any((_x, v) => v === 'local');
    else throw new BerthError('InvalidArgument', `invalid filter '${k}'`);
  }
  // docker's CLI lists volumes in the natural order of their names
  list.sort((a, b) => naturalCompare(a.name, b.name));
  return list;
}

/** A volume in docker's JSON (volume inspect, the API). */
export function volumeJson(v: {
  name: string;
  created: string;
  labels: Record<string, string>;
  mountpoint: string;
  anonymous: boolean;
  options: Record<string, string>;
}): Record<string, unknown> {
  return {
    // docker writes RFC 3339 to the second
    CreatedAt: v.created.replace(/\.\d+Z$/, 'Z'),
    Driver: 'local',
    Labels: v.labels,
    Mountpoint: v.mountpoint,
    Name: v.name,
    Options: Object.keys(v.options).length ? v.options : null,
    Scope: 'local',
  };
}
