// The entry of a pull's worker threads (bundled as dist/bundle/layer-worker.cjs): layer jobs in,
// progress and results out. See layer-lanes.ts.
import { parentPort } from 'node:worker_threads';
import { runLayerJob, type LayerJob } from './layer-job.js';

parentPort?.on('message', (m: { id: number; job: LayerJob }) => {
  void runLayerJob(m.job, (bytes) => parentPort?.postMessage({ id: m.id, progress: bytes })).then((result) => parentPort?.postMessage({ id: m.id, result }));
});
