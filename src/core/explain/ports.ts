import type { ContainerRecord } from '../containers/container-record.js';
import type { EngineContext } from '../engine-context.js';
import { publishedPorts } from '../networks/index.js';
import type { PublishedPort } from './types.js';

/** The ports published for a running container, host ports as the network layer bound them. */
export function portsOf(ctx: EngineContext, rec: ContainerRecord): PublishedPort[] {
  return publishedPorts(ctx, rec.id).map((p) => ({
    hostIp: p.hostIp || '0.0.0.0',
    hostPort: p.hostPort,
    containerPort: p.containerPort,
    protocol: p.protocol,
  }));
}
