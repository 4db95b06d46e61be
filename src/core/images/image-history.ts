import { BerthError } from '../errors/index.js';
import type { HistoryEntry, ImageConfig } from '../oci/types.js';
import type { HistoryItem } from './image-record.js';

function unixSeconds(iso: string | undefined): number {
  if (!iso) return 0;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/**
 * Build `docker history` rows from an image config: one row per history entry, newest first;
 * entries without `empty_layer` take the next layer's size in order, bottom up. The top row
 * carries the image id and tags, the rest `<missing>` as in docker for images without local
 * parents. An image whose config has no history gets one row per layer.
 *
 * @example
 * historyItems({ id, config, layerSizes: [4_000_000], tags: ['busybox:latest'] })
 */
export function historyItems(opts: { id: string; config: ImageConfig; layerSizes: readonly number[]; tags: readonly string[] }): HistoryItem[] {
  const { config, layerSizes } = opts;
  const entries: HistoryEntry[] =
    config.history && config.history.length > 0 ? config.history : layerSizes.map(() => (config.created === undefined ? {} : { created: config.created }));
  const rows: HistoryItem[] = [];
  let layer = 0;
  for (const h of entries) {
    let size = 0;
    if (!h.empty_layer) {
      if (layer >= layerSizes.length) {
        throw new BerthError('InvalidArgument', 'too many non-empty layers in history section');
      }
      size = layerSizes[layer++] ?? 0;
    }
    rows.unshift({
      Id: '<missing>',
      Created: unixSeconds(h.created),
      CreatedBy: h.created_by ?? '',
      Tags: null,
      Size: size,
      Comment: h.comment ?? '',
    });
  }
  const top = rows[0];
  if (top) {
    top.Id = opts.id;
    top.Tags = opts.tags.length > 0 ? [...opts.tags] : null;
  }
  return rows;
}
