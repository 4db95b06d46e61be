import fs from 'node:fs';
import type { EngineContext } from '../engine-context.js';
import type { ContainerRecord } from '../containers/container-record.js';
import { containerPaths } from '../containers/container-paths.js';
import { refreshContainer } from '../containers/exit.js';
import type { RuntimeSpec } from '../oci/types.js';
import { isLive } from '../runtime/process-util.js';
import { appliedConfig } from './applied-config.js';
import { dirSize } from './dir-size.js';
import { readHostSide, readNamespaces, type HostSide } from './host-reference.js';
import { optionValue, parseMountinfo } from '../host/mountinfo.js';
import { portsOf } from './ports.js';
import { readOptional } from './proc-files.js';
import { cgroupProcs } from './read-cgroup.js';
import { explainProcess, type ProcessContext } from './read-process.js';
import { layerViews, type ImageLayersInfo } from './rootfs-layers.js';
import type { AppliedConfig, ContainerExplanation, ProcessView, RootfsView, RuntimeLeftovers } from './types.js';

export interface ExplainOptions {
  /** every process of the container, not only its main one */
  all?: boolean;
}

/** Other running containers' namespaces, so shared ones can be named. */
export function otherContainers(ctx: EngineContext, exceptId: string | null): ProcessContext['others'] {
  return ctx.containers
    .list()
    .filter((c) => c.id !== exceptId && (c.state.status === 'running' || c.state.status === 'paused') && c.state.pid > 0)
    .map((c) => ({ name: c.name, ns: readNamespaces(c.state.pid) }));
}

function imageLayers(ctx: EngineContext, rec: ContainerRecord): ImageLayersInfo {
  const image = ctx.images.byId(rec.imageId);
  // the image may have been removed (rmi -f): the record keeps its chain ids, not its history
  if (!image || image.chainIds.join() !== rec.image.chainIds.join()) return { chainIds: rec.image.chainIds, layerDigests: [], history: [] };
  let history: ImageLayersInfo['history'] = [];
  try {
    history = ctx.images.config(rec.imageId).history ?? [];
  } catch {
    /* config blob gone: no history to show */
  }
  return { chainIds: rec.image.chainIds, layerDigests: image.layerDigests, history };
}

function rootfsView(ctx: EngineContext, rec: ContainerRecord, pid: number | null): RootfsView {
  const p = containerPaths(ctx.paths, rec.id);
  const root = pid === null ? undefined : parseMountinfo(readOptional(`/proc/${pid}/mountinfo`) ?? '').find((m) => m.target === '/');
  const lowerdir = root?.fsType === 'overlay' ? (optionValue(root.superOptions, 'lowerdir') ?? null) : null;
  const upper = (root && optionValue(root.superOptions, 'upperdir')) ?? p.upper;
  return {
    mounted: lowerdir !== null,
    layers: layerViews(lowerdir, imageLayers(ctx, rec), ctx.layers.list()),
    upperDir: fs.existsSync(upper) ? upper : null,
    upperSize: fs.existsSync(upper) ? dirSize(upper) : null,
    readOnly: rec.spec.readOnly,
  };
}

function leftovers(ctx: EngineContext, rec: ContainerRecord): RuntimeLeftovers {
  const stateDir = `${ctx.paths.runtimeState}/${rec.id}`;
  let stateFiles: string[] = [];
  try {
    stateFiles = fs.readdirSync(stateDir).sort();
  } catch {
    /* deleted after exit */
  }
  const rt = (() => {
    try {
      return ctx.runtimeInfo();
    } catch {
      return { name: 'unknown', path: '' };
    }
  })();
  const conmon = (() => {
    try {
      return ctx.conmonPath();
    } catch {
      return '';
    }
  })();
  const conmonPid = rec.state.conmonPid;
  return {
    name: rt.name,
    binary: rt.path,
    stateDir,
    stateFiles,
    bundle: containerPaths(ctx.paths, rec.id).bundle,
    conmon: { pid: conmonPid, binary: conmon, alive: conmonPid > 0 && isLive(conmonPid, rec.state.conmonStartTime) },
  };
}

function readApplied(ctx: EngineContext, rec: ContainerRecord): AppliedConfig | null {
  const text = readOptional(containerPaths(ctx.paths, rec.id).config);
  if (text === undefined) return null;
  try {
    return appliedConfig(JSON.parse(text) as RuntimeSpec, rec.spec);
  } catch {
    return null;
  }
}

/**
 * Explain a berth container: its main process (or all of them) read from /proc beside the host's
 * values, what berth applied (config.json), its root filesystem mapped to image layers, its
 * network and what the runtime left behind. A container that is not running is explained from
 * its configuration, and `note` says so.
 */
export function explainContainer(
  ctx: EngineContext,
  ref: string,
  opts: ExplainOptions = {},
  host: HostSide = readHostSide(ctx.hostFacts()),
): ContainerExplanation {
  const rec = refreshContainer(ctx, ctx.containers.lookup(ref));
  const applied = readApplied(ctx, rec);
  const live = (rec.state.status === 'running' || rec.state.status === 'paused') && rec.state.pid > 0 && isLive(rec.state.pid, rec.state.pidStartTime);
  let conmonPath: string | null = null;
  try {
    conmonPath = ctx.conmonPath();
  } catch {
    /* not installed: roles are found by name */
  }
  const pc: ProcessContext = {
    host,
    others: otherContainers(ctx, rec.id),
    conmonPath,
    hints: applied
      ? {
          maskedPaths: applied.maskedPaths,
          readonlyPaths: applied.readonlyPaths,
          volumeTargets: rec.spec.mounts.filter((m) => m.type === 'volume').map((m) => m.target),
        }
      : null,
  };
  const process = live ? explainProcess(rec.state.pid, pc) : null;
  const processes: ProcessView[] = [];
  if (process && opts.all) {
    for (const pid of cgroupProcs(rec.state.pid, host)) {
      try {
        processes.push(pid === process.pid ? process : explainProcess(pid, pc));
      } catch {
        /* exited while we looked */
      }
    }
  }
  const network = process ? { ...process.network, publishedPorts: portsOf(ctx, rec) } : null;
  let note: string | null = null;
  if (!process) {
    note = applied
      ? `container is not running (${rec.state.status}): shown from its configuration`
      : `container is not running (${rec.state.status}) and has no runtime configuration yet`;
  }
  return {
    kind: 'container',
    container: {
      id: rec.id,
      name: rec.name,
      image: rec.spec.image,
      imageId: rec.imageId,
      status: rec.state.status,
      running: process !== null,
      pid: rec.state.pid,
      conmonPid: rec.state.conmonPid,
    },
    note,
    process: process ? { ...process, network: network ?? process.network } : null,
    processes,
    applied,
    rootfs: rootfsView(ctx, rec, process?.pid ?? null),
    network,
    runtime: leftovers(ctx, rec),
    host: host.ref,
  };
}
