import path from 'node:path';
import type { HistoryEntry } from '../oci/types.js';
import type { LayerInfo } from '../snapshots/layer-store.js';
import type { LayerView } from './types.js';

/** What is known of the image the container was made from (it may have been removed since). */
export interface ImageLayersInfo {
  chainIds: readonly string[];
  /** compressed blob digests, bottom → top; empty when the image record is gone */
  layerDigests: readonly string[];
  history: readonly HistoryEntry[];
}

/** The `created_by` of the history entry that made each layer (entries with empty_layer make none). */
export function layerCreators(history: readonly HistoryEntry[], layers: number): Array<string | null> {
  const out: Array<string | null> = [];
  for (const h of history) if (!h.empty_layer) out.push(h.created_by ?? null);
  return Array.from({ length: layers }, (_, i) => out[i] ?? null);
}

/**
 * Map the overlay's lower dirs back to image layers. berth's lowerdir lists short link names
 * (LayerStore's `l/` dir), top-most first; an absolute `…/layers/<hex>/diff` or `…/l/<LINK>`
 * is understood too. Without a mount (container not running) the layers are listed from the
 * record's chain ids.
 *
 * @example layerViews('TOPLINK:BASELINK', image, layersByLink)
 */
export function layerViews(lowerdir: string | null, image: ImageLayersInfo, known: readonly LayerInfo[]): LayerView[] {
  const byLink = new Map(known.map((l) => [l.link, l]));
  const byChain = new Map(known.map((l) => [l.chainId, l]));
  const creators = layerCreators(image.history, image.chainIds.length);
  const view = (info: LayerInfo | undefined, chainId: string, lower: string): LayerView => {
    const index = image.chainIds.indexOf(chainId);
    return {
      index,
      chainId,
      diffId: info?.diffId ?? null,
      digest: index >= 0 ? (image.layerDigests[index] ?? null) : null,
      size: info?.size ?? null,
      createdBy: index >= 0 ? (creators[index] ?? null) : null,
      lowerDir: lower,
    };
  };
  if (lowerdir === null) {
    return image.chainIds.map((id) => view(byChain.get(id), id, byChain.get(id)?.link ?? ''));
  }
  // `\:` escapes a colon inside one lower dir path
  const dirs = lowerdir.split(/(?<!\\):/).map((d) => d.replace(/\\:/g, ':'));
  return dirs
    .map((d) => {
      const hex = /\/([0-9a-f]{64})\/diff\/?$/.exec(d)?.[1];
      const info = hex ? byChain.get(`sha256:${hex}`) : byLink.get(path.basename(d));
      return view(info, info?.chainId ?? (hex ? `sha256:${hex}` : ''), d);
    })
    .reverse();
}
