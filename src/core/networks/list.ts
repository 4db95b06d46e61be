import { BerthError } from '../errors/index.js';
import type { EngineContext } from '../engine-context.js';
import { builtinNetworkId, isPredefinedNetwork } from './network-ops.js';
import { networkStore } from './store-for.js';
import { filterMatch, groupFilters, naturalCompare } from '../format/natural-sort.js';

export interface NetworkRow {
  ID: string;
  Name: string;
  Driver: string;
  Scope: string;
  Labels: Record<string, string>;
  Internal: boolean;
  Created: string;
}

/**
 * docker network ls: the stored networks and the predefined host and none, with docker's
 * filters (`name=`, `id=`, `driver=`, `label=`, `type=custom|builtin`, `scope=`, `dangling=`).
 */
export function listNetworks(ctx: EngineContext, filters: readonly string[]): NetworkRow[] {
  // host and none are modes, not records; docker lists them beside bridge
  const store = networkStore(ctx);
  let rows: NetworkRow[] = [
    ...store.list().map((n) => ({ ID: n.id, Name: n.name, Driver: n.driver, Scope: 'local', Labels: n.labels, Internal: n.internal, Created: n.created })),
    { ID: builtinNetworkId('host'), Name: 'host', Driver: 'host', Scope: 'local', Labels: {} as Record<string, string>, Internal: false, Created: '' },
    { ID: builtinNetworkId('none'), Name: 'none', Driver: 'null', Scope: 'local', Labels: {} as Record<string, string>, Internal: false, Created: '' },
  ];
  // one key's values match when any does (docker: -f type=custom -f type=builtin lists both); the
  // keys all must; every label filter must
  for (const [k, vs] of groupFilters(filters)) {
    const any = (pred: (r: NetworkRow, v: string) => boolean) => (rows = rows.filter((r) => vs.some((v) => pred(r, v))));
    if (k === 'name') any((r, v) => filterMatch(v, r.Name));
    else if (k === 'id') any((r, v) => filterMatch(v, r.ID));
    else if (k === 'driver') any((r, v) => r.Driver === v);
    else if (k === 'label')
      rows = rows.filter((r) => vs.every((v) => (v.includes('=') ? r.Labels[v.slice(0, v.indexOf('='))] === v.slice(v.indexOf('=') + 1) : v in r.Labels)));
    else if (k === 'type') {
      for (const v of vs) if (v !== 'custom' && v !== 'builtin') throw new BerthError('InvalidArgument', `invalid filter: 'type'='${v}'`);
      any((r, v) => isPredefinedNetwork(r.Name) === (v === 'builtin'));
    } else if (k === 'scope') any((_r, v) => v === 'local');
    else if (k === 'dangling') {
      // docker: unused user networks; =false the predefined ones and those in use
      const used = (r: { ID: string; Name: string }) => isPredefinedNetwork(r.Name) || store.endpointsOn(r.ID).length > 0;
      for (const v of vs) if (!['true', '1', 'false', '0'].includes(v)) throw new BerthError('InvalidArgument', `invalid filter 'dangling=${v}'`);
      any((r, v) => used(r) !== (v === 'true' || v === '1'));
    } else throw new BerthError('InvalidArgument', `invalid filter '${k}'`);
  }
  // docker's CLI lists networks in the natural order of their names
  rows.sort((a, b) => naturalCompare(a.Name, b.Name));
  return rows;
}
