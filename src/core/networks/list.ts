import { BerthError } from '../errors/index.js';
import type { EngineContext } from '../engine-context.js';
import { builtinNetworkId, isPredefinedNetwork } from './network-ops.js';
import { networkStore } from './store-for.js';

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
  for (const flt of filters) {
    const i = flt.indexOf('=');
    const [k, v] = [flt.slice(0, i), flt.slice(i + 1)];
    if (k === 'name') rows = rows.filter((r) => r.Name.includes(v));
    else if (k === 'id') rows = rows.filter((r) => r.ID.startsWith(v));
    else if (k === 'driver') rows = rows.filter((r) => r.Driver === v);
    else if (k === 'label') rows = rows.filter((r) => (v.includes('=') ? r.Labels[v.slice(0, v.indexOf('='))] === v.slice(v.indexOf('=') + 1) : v in r.Labels));
    else if (k === 'type') {
      if (v !== 'custom' && v !== 'builtin') throw new BerthError('InvalidArgument', `invalid filter: 'type'='${v}'`);
      rows = rows.filter((r) => isPredefinedNetwork(r.Name) === (v === 'builtin'));
    } else if (k === 'scope') rows = rows.filter(() => v === 'local');
    else if (k === 'dangling') {
      // docker: unused user networks; =false the predefined ones and those in use
      const used = (r: { ID: string; Name: string }) => isPredefinedNetwork(r.Name) || store.endpointsOn(r.ID).length > 0;
      const dangling = v === 'true' || v === '1';
      if (!dangling && v !== 'false' && v !== '0') throw new BerthError('InvalidArgument', `invalid filter 'dangling=${v}'`);
      rows = rows.filter((r) => used(r) !== dangling);
    } else throw new BerthError('InvalidArgument', `invalid filter '${k}'`);
  }
  return rows;
}
