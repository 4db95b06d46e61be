import { storeGeneration } from '../core/metadata/database.js';
import type { Engine } from '../core/engine.js';

/**
 * What the server derived from the store (parsed records, summaries), kept only while the store
 * is unchanged: every use reads the store's generation (see storeGeneration), which any commit
 * of any berth process moves, so what the CLI did shows in the very next answer. Nothing in it
 * outlives the process or needs to: a restarted server reads the store again.
 */
export class StoreCache {
  private gen = '';
  private values = new Map<string, unknown>();

  constructor(private readonly engine: Engine) {}

  /** `compute()`'s value, computed again once the store changed. */
  get<T>(key: string, compute: () => T): T {
    const gen = storeGeneration(this.engine.db);
    if (gen !== this.gen) {
      this.values.clear();
      this.gen = gen;
    }
    if (this.values.has(key)) return this.values.get(key) as T;
    const v = compute();
    this.values.set(key, v);
    return v;
  }
}
