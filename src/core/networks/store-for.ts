import type { EngineContext } from '../engine-context.js';
import { NetworkStore } from './network-store.js';

const stores = new WeakMap<object, NetworkStore>();

/** The engine's network store, made on first use (the engine itself knows nothing of networks). */
export function networkStore(ctx: EngineContext): NetworkStore {
  let s = stores.get(ctx.db);
  if (!s) {
    s = new NetworkStore(ctx.db);
    stores.set(ctx.db, s);
  }
  return s;
}
