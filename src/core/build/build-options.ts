import type { ContainerSpec } from '../spec/container-spec.js';
import type { Writable } from 'node:stream';
import type { Platform } from '../oci/types.js';
import type { BuildContext } from './build-context.js';

/** What a build reports as it goes; the CLI renders these, an API would stream them. */
export type BuildEvent =
  | { type: 'step'; n: number; total: number; text: string }
  | { type: 'cache-hit'; key: string }
  | { type: 'triggers'; count: number }
  | { type: 'warning'; message: string }
  | { type: 'commit'; tags: string[] }
  | { type: 'done'; imageId: string; tags: string[] };

/** What `build` flags set on the containers of RUN steps, as `run`'s same flags would. */
export type RunContainerSettings = Partial<Pick<ContainerSpec, 'resources' | 'ulimits' | 'shmSize' | 'security' | 'extraHosts' | 'cgroupParent'>>;

export interface BuildOptions {
  context: BuildContext;
  /** references to tag the result with (normalised by the image store) */
  tags?: readonly string[];
  buildArgs?: ReadonlyMap<string, string>;
  /** the stage to stop at (--target); default the last */
  target?: string;
  noCache?: boolean;
  pull?: 'always' | 'missing' | 'never';
  /** --secret id=…,src=…: files RUN --mount=type=secret shows, never stored in an image or a cache key */
  secrets?: ReadonlyMap<string, string>;
  /** labels set on the final image (--label) */
  labels?: Readonly<Record<string, string>>;
  /** network of RUN containers: the default bridge unless set (host, none, or a network's name) */
  network?: string;
  platform?: Platform;
  /** limits and settings of every RUN container (--memory, --cpu-*, --ulimit, --shm-size, --security-opt, --add-host) */
  runContainer?: RunContainerSettings;
  /** RUN output goes here */
  stdout: Writable;
  stderr: Writable;
  onEvent?: (e: BuildEvent) => void;
  /** aborting stops the running step, removes its container and fails the build */
  signal?: AbortSignal;
}

export interface BuildResult {
  imageId: string;
  /** normalised references now pointing at the image */
  tags: string[];
}
