import type { ContainerRecord } from '../containers/container-record.js';
import type { PublishedPort } from './types.js';

/**
 * The ports published for a container. berth has only `--network none|host` today, so nothing
 * is published (docker publishes nothing with either); bridge networking will answer from its
 * own records here.
 */
export function portsOf(_rec: ContainerRecord): PublishedPort[] {
  return [];
}
