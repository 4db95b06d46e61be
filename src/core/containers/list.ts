import type { EngineContext } from '../engine-context.js';
import type { ContainerRecord } from './container-record.js';
import { exitFileIds, refreshContainer, type RefreshHints } from './exit.js';
import { matchContainer, type Filters } from './filter.js';
import { healthOf } from './health.js';
import { containerNetworks } from './ps-rows.js';
import { podStore } from '../pods/pod-store.js';

/** The pod of a container as [id, name] (empty for one outside a pod): for ps --pod and --filter pod=. */
export function podOfContainer(ctx: EngineContext, rec: { spec: { pod?: string } }): string[] {
  const p = rec.spec.pod ? podStore(ctx).get(rec.spec.pod) : undefined;
  return p ? [p.id, p.name] : [];
}

/**
 * docker ps's selection: every container brought up to date, only the live ones unless `all` (or
 * a status/exited filter), matching the filters, newest first. `from`: the store's list as read
 * already (a server's copy of an unchanged store, else read here) and how to check a process.
 */
export function listContainers(
  ctx: EngineContext,
  opts: { all: boolean; filters: Filters },
  from: { records?: readonly ContainerRecord[]; isLive?: RefreshHints['isLive'] } = {},
): ContainerRecord[] {
  const hints = { exitFiles: exitFileIds(ctx), isLive: from.isLive };
  let list = (from.records ?? ctx.containers.list()).map((c) => refreshContainer(ctx, c, hints));
  const f = opts.filters;
  if (!opts.all && !f.has('status') && !f.has('exited'))
    list = list.filter((c) => c.state.status === 'running' || c.state.status === 'paused' || c.state.status === 'restarting');
  const names = (id: string) => ctx.images.find(id)?.tags ?? [];
  return list.filter((c) =>
    matchContainer(c, f, {
      imageNames: names,
      health: (rec) => healthOf(ctx, rec)?.Status ?? 'none',
      networks: (rec) => containerNetworks(ctx, rec, true),
      pod: (rec) => podOfContainer(ctx, rec),
      created: (ref) => {
        try {
          return ctx.containers.lookup(ref).created;
        } catch {
          return undefined;
        }
      },
    }),
  );
}
