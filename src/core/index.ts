/**
 * berth's engine service: the package's `berth/core` entry point. Open an engine over a storage
 * root, then call the verbs; they are the one owner of every container state change (checked
 * against the state machine in containers/transitions.ts, under each container's lock), so the
 * CLI, the API server and any other caller get the same behaviour and may run side by side.
 *
 *   const engine = openEngine({ executable: '/usr/local/bin/berth' });
 *   const rec = await runDetached(engine, spec, { resolveImage: async (ref) => engine.images.resolve(ref).id });
 *   await stopContainer(engine, rec.id);
 */
export { Engine, openEngine, type EngineOptions } from './engine.js';
export type { EngineContext } from './engine-context.js';
export { BerthError, type ErrorKind } from './errors/berth-error.js';
export type { ContainerRecord, ContainerState, ContainerStatus } from './containers/container-record.js';
export type { ContainerSpec } from './spec/container-spec.js';
export { createContainer } from './containers/create.js';
export {
  createForRun,
  runDetached,
  runForeground,
  type CreateForRunOptions,
  type ForegroundEnd,
  type ForegroundHooks,
  type ForegroundIo,
} from './containers/run.js';
export { startContainer, type StartOptions } from './containers/start.js';
export { stopContainer, killContainer } from './containers/stop.js';
export { restartContainer, renameContainer } from './containers/restart.js';
export { pauseContainer, unpauseContainer } from './containers/pause.js';
export { removeContainer, type RemoveOptions } from './containers/remove.js';
export { waitContainer } from './containers/wait.js';
export { cleanupContainer } from './containers/cleanup.js';
export { repairContainers } from './containers/repair.js';
export { refreshContainer } from './containers/exit.js';
export { ALL_STATUSES, canTransition, isActive, verbGuard, type Verb } from './containers/transitions.js';
