import type { EngineContext } from '../engine-context.js';
import type { ContainerRecord } from '../containers/container-record.js';

/**
 * A container event with docker's attributes: the container's labels, its image (as the user
 * named it) and name, and what the action adds (exitCode, signal, oldName…).
 */
export function containerEvent(
  ctx: EngineContext,
  rec: Pick<ContainerRecord, 'id' | 'name' | 'spec'>,
  action: string,
  extra: Record<string, string> = {},
): void {
  ctx.events.emit({ type: 'container', action, id: rec.id, attributes: { ...rec.spec.labels, image: rec.spec.image, name: rec.name, ...extra } });
}
