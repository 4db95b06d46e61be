import type { EventLog } from './events/event-log.js';
import fs from 'node:fs';
import type { Paths } from './config/paths.js';
import type { Db } from './metadata/database.js';
import type { ContentStore } from './content/content-store.js';
import type { LayerStore } from './snapshots/layer-store.js';
import type { ImageStore } from './images/image-store.js';
import type { ContainerStore } from './containers/container-store.js';
import type { VolumeStore } from './volumes/volume-store.js';
import type { RuntimeDriver } from './runtime/oci-runtime.js';
import type { HostFacts } from './spec/host-facts.js';

/**
 * Everything a container or image operation needs, passed explicitly (no globals), so the same
 * core serves the CLI, tests and later the API server. Runtime and host facts are lazy: image
 * commands never look for runc.
 */
export interface EngineContext {
  readonly paths: Paths;
  readonly db: Db;
  readonly content: ContentStore;
  readonly layers: LayerStore;
  readonly images: ImageStore;
  readonly containers: ContainerStore;
  readonly volumes: VolumeStore;
  runtime(): RuntimeDriver;
  runtimeInfo(): { name: string; path: string };
  conmonPath(): string;
  hostFacts(): HostFacts;
  /** what happened, for `berth events` */
  readonly events: EventLog;
  /** the command conmon runs when a container exits: berth's own `container cleanup` */
  exitCommand(id: string, runId: string): string[];
  /** berth itself with this storage root, run root and runtime, then `args`: for processes berth leaves running */
  berthCommand(args: string[]): string[];
}

export function ensureDirs(paths: Paths): void {
  for (const d of [paths.root, paths.blobs, paths.tmp, paths.layers, paths.layerLinks, paths.containers, paths.volumes]) {
    fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  }
  for (const d of [paths.runRoot, paths.runtimeState, paths.exits, paths.sockets, paths.runContainers, paths.locks]) {
    fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  }
}
