import type { ImageRuntimeConfig } from '../oci/types.js';
import type { ContainerSpec } from '../spec/container-spec.js';

/**
 * Docker's container states that berth enters (transitions.ts has the machine). Docker's `dead`
 * (a removal that failed in its daemon) is never entered: a failed or killed `rm` leaves
 * `removing`, which the next `rm` finishes.
 */
export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited';

export interface ContainerState {
  status: ContainerStatus;
  /** host PID of the container's init process while running */
  pid: number;
  /** its start time (/proc/PID/stat field 22), so a reused pid is not taken for it; absent in old records */
  pidStartTime?: number;
  /** PID of the conmon monitor while running */
  conmonPid: number;
  conmonStartTime?: number;
  exitCode: number;
  startedAt: string;
  finishedAt: string;
  error: string;
  oomKilled: boolean;
  restartCount: number;
  /** set by `stop`, so a restart policy does not bring the container back (docker semantics) */
  stoppedByUser: boolean;
  /** PID of a foreground `berth run` that waits for the exit code and removes an --rm container itself */
  attachedPid: number;
  attachedStartTime?: number;
  /** a fresh nonce per start: conmon's exit hook acts only on the run it was started for */
  runId: string;
  /** @deprecated kept only so old records parse: the exit hook now waits for the starter's lock */
  hookDeferred?: boolean;
  /** start time of the berth process creating it (pendingPid), for isLive */
  creatorStartTime?: number;
}

/** A container as berth stores it: the user's intent (spec) plus what happened to it (state). */
export interface ContainerRecord {
  id: string;
  name: string;
  imageId: string;
  created: string;
  spec: ContainerSpec;
  /** the resolved command: what the process runs (entrypoint + cmd), known once created */
  path: string;
  args: string[];
  state: ContainerState;
  /**
   * What the container needs of its image, copied at create: it keeps working after `rmi -f`
   * deletes the image record (as docker's containers do), and image GC keeps these layers.
   */
  image: ContainerImage;
  /** PID of the berth process still creating it; the row is hidden and repaired if that dies */
  pendingPid: number;
}

export interface ContainerImage {
  /** layer chain ids, bottom → top */
  chainIds: string[];
  /** the image's runtime defaults (Env, Cmd, StopSignal, …) */
  config: ImageRuntimeConfig;
  /** bytes of the image's layers, for `ps --size` */
  size: number;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function initialState(): ContainerState {
  return {
    status: 'created',
    pid: 0,
    conmonPid: 0,
    exitCode: 0,
    startedAt: ZERO_TIME,
    finishedAt: ZERO_TIME,
    error: '',
    oomKilled: false,
    restartCount: 0,
    stoppedByUser: false,
    attachedPid: 0,
    runId: '',
  };
}

/** The ports a container exposes: its image's EXPOSE and its own --expose ("80/tcp"). */
export function exposedPorts(rec: Pick<ContainerRecord, 'image' | 'spec'>): string[] {
  const ports = Object.keys(rec.image.config.ExposedPorts ?? {}).map((p) => (p.includes('/') ? p : `${p}/tcp`));
  return [...new Set([...ports, ...(rec.spec.expose ?? [])])];
}
