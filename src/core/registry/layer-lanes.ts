import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { closeJobConnections, runLayerJob, type LayerJob, type LayerJobResult } from './layer-job.js';

type Runner = (job: LayerJob, onProgress?: (bytes: number) => void) => Promise<LayerJobResult>;

/**
 * Where a pull's layers are fetched and unpacked: this thread and worker threads, one layer at
 * a time each. Hashing, inflating and writing a layer is CPU work (~2.5 ms per MiB here), so one
 * thread per core, not one per connection, is what makes a pull fast; a job that waits for a
 * lane waits in the order it was asked for (a pull asks biggest first).
 *
 * @example
 * const lanes = new LayerLanes(2);
 * try { const r = await lanes.run(job); } finally { lanes.close(); }
 */
/** Workers started ahead by prewarmLanes, taken by the next LayerLanes. */
const prewarmed: Worker[] = [];

/**
 * Start `count` worker threads now: a worker takes ~20 ms to boot, which `berth pull` overlaps
 * with opening the store and asking the registry for the manifest. Unused ones do not keep the
 * process alive.
 */
export function prewarmLanes(count: number): void {
  const script = workerScript();
  for (let i = 0; i < count && script !== undefined; i++) {
    const w = new Worker(script);
    w.unref();
    prewarmed.push(w);
  }
}

export class LayerLanes {
  private readonly free: Runner[] = [];
  private readonly waiting: Array<(r: Runner) => void> = [];
  private readonly workers: Worker[] = [];

  constructor(count: number) {
    const script = workerScript();
    for (let i = 1; i < count && script !== undefined; i++) this.free.push(this.workerLane(script));
    this.free.unshift(runLayerJob); // taken last: the workers are already started
  }

  /** Run the job on the first free lane; `cancelled` is asked once it has one (then: not run). */
  async run(job: LayerJob, onProgress?: (bytes: number) => void, cancelled?: () => boolean): Promise<LayerJobResult> {
    const lane = this.free.pop() ?? (await new Promise<Runner>((resolve) => this.waiting.push(resolve)));
    try {
      if (cancelled?.()) return { ok: false, message: 'cancelled' };
      return await lane(job, onProgress);
    } finally {
      const next = this.waiting.shift();
      if (next) next(lane);
      else this.free.push(lane);
    }
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
    closeJobConnections();
  }

  private workerLane(script: string): Runner {
    const worker = prewarmed.shift() ?? new Worker(script);
    worker.unref();
    this.workers.push(worker);
    const pending = new Map<number, { resolve: (r: LayerJobResult) => void; onProgress: ((bytes: number) => void) | undefined }>();
    let dead: string | undefined;
    const die = (why: string) => {
      dead ??= why;
      for (const p of pending.values()) p.resolve({ ok: false, message: `worker thread: ${why}` });
      pending.clear();
    };
    worker.on('message', (m: { id: number; progress?: number; result?: LayerJobResult }) => {
      const p = pending.get(m.id);
      if (m.result !== undefined) {
        pending.delete(m.id);
        p?.resolve(m.result);
      } else if (m.progress !== undefined) p?.onProgress?.(m.progress);
    });
    worker.on('error', (e) => die(e.message));
    worker.on('exit', (code) => die(`exited with ${code}`));
    let nextId = 0;
    return (job, onProgress) =>
      new Promise<LayerJobResult>((resolve) => {
        if (dead !== undefined) return resolve({ ok: false, message: `worker thread: ${dead}` });
        const id = nextId++;
        pending.set(id, { resolve, onProgress });
        worker.postMessage({ id, job });
      });
  }
}

/**
 * The worker's script: beside the bundle (dist/bundle/berth.cjs) when running from it, and the
 * bundle's also for tsc's output in dist/src (tests); without one, the pull uses this thread only.
 */
function workerScript(): string | undefined {
  const here = typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url));
  return [path.join(here, 'layer-worker.cjs'), path.join(here, '../../../bundle/layer-worker.cjs')].find((p) => fs.existsSync(p));
}
