import { isMountPoint, unmount } from './host/mount.js';
import { EventLog } from './events/event-log.js';
import fs from 'node:fs';
import path from 'node:path';
import { makePaths, type Paths } from './config/paths.js';
import { ensureDirs, type EngineContext } from './engine-context.js';
import { openDatabase, type Db } from './metadata/database.js';
import { SpaceReserve } from './metadata/space-reserve.js';
import { ContentStore } from './content/content-store.js';
import { LayerStore } from './snapshots/layer-store.js';
import { ImageStore } from './images/image-store.js';
import { ContainerStore } from './containers/container-store.js';
import { VolumeStore } from './volumes/volume-store.js';
import { OciRuntime, type RuntimeDriver } from './runtime/oci-runtime.js';
import { findRuntime, findConmon } from './runtime/runtime-select.js';
import { readHostFacts, type HostFacts } from './spec/host-facts.js';

export interface EngineOptions {
  root?: string | undefined;
  runRoot?: string | undefined;
  /** runc, crun, or a path; default: the first that works on this host */
  runtime?: string | undefined;
  /** path of the berth entry script, for conmon's exit hook */
  executable: string;
}

/**
 * The engine: every store wired over one storage root. The CLI, tests and (later) the API server
 * open one and call the verb functions in containers/, images/ and volumes/ with it.
 */
export class Engine implements EngineContext {
  readonly paths: Paths;
  readonly db: Db;
  readonly content: ContentStore;
  readonly layers: LayerStore;
  readonly images: ImageStore;
  readonly containers: ContainerStore;
  readonly volumes: VolumeStore;
  readonly events: EventLog;
  /** room kept aside so that a full disk does not lock berth out (see SpaceReserve) */
  readonly reserve: SpaceReserve;
  private readonly opts: EngineOptions;
  private rt: OciRuntime | undefined;
  private rtInfo: { name: string; path: string } | undefined;
  private conmon: string | undefined;
  private facts: HostFacts | undefined;

  constructor(opts: EngineOptions) {
    this.opts = opts;
    this.paths = makePaths(opts.root, opts.runRoot);
    ensureDirs(this.paths);
    this.reserve = new SpaceReserve(this.paths.root);
    this.db = openDatabase(this.paths.database, { reserve: this.reserve });
    this.content = new ContentStore(this.paths.blobs, this.paths.tmp);
    this.layers = new LayerStore(this.paths, this.db);
    this.images = new ImageStore(this.db, this.content, this.layers);
    this.containers = new ContainerStore(this.db);
    this.volumes = new VolumeStore(this.db, this.paths.volumes);
    this.events = new EventLog(this.paths.runRoot);
    const emit = this.events.emit.bind(this.events);
    this.images.onEvent = (action, id, attributes) => emit({ type: 'image', action, id, attributes });
    this.volumes.onEvent = (action, id, attributes) => emit({ type: 'volume', action, id, attributes });
    this.volumes.beforeRemove = (dir) => {
      if (isMountPoint(dir)) unmount(dir);
    };
  }

  runtimeInfo(): { name: string; path: string } {
    this.rtInfo ??= findRuntime(this.opts.runtime);
    return this.rtInfo;
  }

  runtime(): RuntimeDriver {
    this.rt ??= new OciRuntime({ path: this.runtimeInfo().path, root: this.paths.runtimeState });
    return this.rt;
  }

  conmonPath(): string {
    this.conmon ??= findConmon();
    return this.conmon;
  }

  hostFacts(): HostFacts {
    this.facts ??= readHostFacts();
    return this.facts;
  }

  exitCommand(id: string, runId: string): string[] {
    return this.berthCommand(['container', 'cleanup', '--run', runId, id]);
  }

  berthCommand(args: string[]): string[] {
    const script = fs.realpathSync(path.resolve(this.opts.executable));
    // `--`: nothing after it reaches node's own option parsing (see bin/berth)
    const prefix = [process.execPath, '--', script, '--root', this.paths.root, '--runroot', this.paths.runRoot];
    if (this.opts.runtime) prefix.push('--runtime', this.opts.runtime);
    return [...prefix, ...args];
  }

  close(): void {
    if (this.db.open) this.db.close();
    // after the WAL is gone: made again only once removal has freed room for it and as much again
    this.reserve.replenish();
  }
}

export function openEngine(opts: EngineOptions): Engine {
  return new Engine(opts);
}
