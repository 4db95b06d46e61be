import { BerthError } from '../errors/index.js';
import { familiarString, isFullImageId, normalizeReference } from '../reference/reference.js';

/** docker's stringid.TruncateID: the hex without its algorithm, 12 characters. */
export function shortId(id: string): string {
  const i = id.indexOf(':');
  return (i >= 0 ? id.slice(i + 1) : id).slice(0, 12);
}

/**
 * docker's "No such image" error. The text is docker's, capital N included, because scripts
 * match on it: `No such image: foo:latest` (a name gets its default tag, as docker shows it).
 */
export function noSuchImage(refOrId: string): BerthError {
  let shown = refOrId;
  if (!isFullImageId(refOrId)) {
    try {
      shown = familiarString(normalizeReference(refOrId));
    } catch {
      // not a reference: show what was typed
    }
  }
  return new BerthError('NotFound', `No such image: ${shown}`);
}
