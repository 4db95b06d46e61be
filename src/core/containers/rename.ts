import { containerEvent } from '../events/container-events.js';
import type { EngineContext } from '../engine-context.js';

/** docker rename: a new unique name, and the `rename` event with the old one. */
export function renameContainer(ctx: EngineContext, ref: string, newName: string): void {
  const rec = ctx.containers.lookup(ref);
  const name = newName.replace(/^\//, '');
  ctx.containers.rename(rec.id, name);
  containerEvent(ctx, { ...rec, name }, 'rename', { oldName: `/${rec.name}` });
}
