import { capabilitiesFromMask } from '../spec/capabilities.js';
import type { CapabilityView } from './types.js';
import type { ProcStatus } from './proc-status.js';

/**
 * A process's capability sets by name, and what it lacks of the host's bounding set (the
 * engine's own: what a container started here could have had at most).
 *
 * @example capabilityView(parseProcStatus(text), hostBounding).droppedFromHost // ['CAP_SYS_ADMIN', …]
 */
export function capabilityView(s: Pick<ProcStatus, 'capEff' | 'capPrm' | 'capInh' | 'capBnd' | 'capAmb'>, hostBounding: readonly string[]): CapabilityView {
  const bounding = capabilitiesFromMask(s.capBnd);
  const has = new Set(bounding);
  return {
    effective: capabilitiesFromMask(s.capEff),
    permitted: capabilitiesFromMask(s.capPrm),
    inheritable: capabilitiesFromMask(s.capInh),
    bounding,
    ambient: capabilitiesFromMask(s.capAmb),
    droppedFromHost: hostBounding.filter((c) => !has.has(c)),
  };
}
