import type { Descriptor, ImageConfig, ImageRuntimeConfig, Platform } from '../oci/types.js';
import { LayerStore } from '../snapshots/layer-store.js';
import type { StepLayer } from './build-cache.js';

/** A stage's image as it grows: the config, the layers and the chain ids, bottom → top. */
export interface ImageState {
  config: ImageConfig;
  layers: Descriptor[];
  chainIds: string[];
}

/** Docker's default for RUN, CMD and ENTRYPOINT in shell form, until SHELL changes it. */
export const DEFAULT_SHELL = ['/bin/sh', '-c'];

/** The state FROM scratch starts with: no layer, the target platform, no config. */
export function scratchState(platform: Platform): ImageState {
  return {
    config: {
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      config: {},
      rootfs: { type: 'layers', diff_ids: [] },
      history: [],
    },
    layers: [],
    chainIds: [],
  };
}

/** A stored image as a starting state (FROM image); its ONBUILD triggers are the caller's. */
export function imageState(config: ImageConfig, layers: Descriptor[], chainIds: string[]): ImageState {
  const c = structuredClone(config);
  // fields docker does not carry from the base into a built image
  delete (c as { comment?: string }).comment;
  delete (c as { container_config?: unknown }).container_config;
  delete (c as { container?: unknown }).container;
  c.config ??= {};
  c.history ??= [];
  return { config: c, layers: structuredClone(layers), chainIds: [...chainIds] };
}

export function topChainId(s: ImageState): string | null {
  return s.chainIds[s.chainIds.length - 1] ?? null;
}

/** Record one step: its layer (if any) and a history entry with docker's empty_layer flag. */
export function addStep(s: ImageState, createdBy: string, created: string, layer: StepLayer | undefined): void {
  const history = (s.config.history ??= []);
  if (layer) {
    s.layers.push({ mediaType: layer.mediaType, digest: layer.digest, size: layer.size });
    s.config.rootfs.diff_ids.push(layer.diffId);
    s.chainIds.push(LayerStore.chainId(topChainId(s), layer.diffId));
    history.push({ created, created_by: createdBy });
  } else {
    history.push({ created, created_by: createdBy, empty_layer: true });
  }
  s.config.created = created;
}

/** Set or replace NAME in an Env list, keeping its position (docker's order). */
export function setEnv(env: readonly string[], name: string, value: string): string[] {
  const out = [...env];
  const i = out.findIndex((e) => e.split('=', 1)[0] === name);
  if (i >= 0) out[i] = `${name}=${value}`;
  else out.push(`${name}=${value}`);
  return out;
}

/** Env as a map, for variable expansion. */
export function envMap(rc: ImageRuntimeConfig): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of rc.Env ?? []) {
    const i = e.indexOf('=');
    if (i > 0) m.set(e.slice(0, i), e.slice(i + 1));
    else if (i < 0) m.set(e, '');
  }
  return m;
}
