import type { ContainerSpec } from '../container-spec.js';
import { invalidArgument } from './invalid.js';

type RestartPolicy = ContainerSpec['restartPolicy'];
const NAMES = new Set<string>(['no', 'on-failure', 'always', 'unless-stopped']);

/**
 * --restart `no | always | unless-stopped | on-failure[:max-retries]`; only on-failure takes a count.
 *
 * @example parseRestart('on-failure:3') // { name: 'on-failure', maximumRetryCount: 3 }
 */
export function parseRestart(value: string): RestartPolicy {
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  if (!NAMES.has(name)) throw invalidArgument(`invalid restart policy: "${value}"`);
  if (colon < 0) return { name: name as RestartPolicy['name'], maximumRetryCount: 0 };
  const count = value.slice(colon + 1);
  if (name !== 'on-failure') {
    throw invalidArgument(`maximum retry count cannot be used with restart policy "${name}"`);
  }
  if (!/^-?\d+$/.test(count)) throw invalidArgument(`invalid restart policy format: maximum retry count must be an integer: "${value}"`);
  const n = Number(count);
  if (n < 0) throw invalidArgument(`invalid restart policy: maximum retry count cannot be negative: "${value}"`);
  return { name: 'on-failure', maximumRetryCount: n };
}
