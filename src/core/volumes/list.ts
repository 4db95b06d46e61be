import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import { volumeUser } from '../containers/volumes.js';
import type { VolumeRecord } from './volume-store.js';

/** docker volume ls: the volumes matching docker's filters (`dangling=`, `name=`, `label=`, `driver=`). */
export function listVolumes(ctx: EngineContext, filters: readonly string[]): VolumeRecord[] {
  let list = ctx.volumes.list();
  for (const flt of filters) {
    const [k, v = ''] = [flt.slice(0, flt.indexOf('=')), flt.slice(flt.indexOf('=') + 1)];
    if (k === 'dangling') list = list.filter((x) => (volumeUser(ctx, x.name) === undefined) === (v === 'true' || v === '1'));
    else if (k === 'name') list = list.filter((x) => x.name.includes(v));
    else if (k === 'label') list = list.filter((x) => (v.includes('=') ? x.labels[v.split('=')[0] ?? ''] === v.slice(v.indexOf('=') + 1) : v in x.labels));
    else if (k === 'driver') list = list.filter(() => v === 'local');
    else throw new BerthError('InvalidArgument', `invalid filter '${k}'`);
  }
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
