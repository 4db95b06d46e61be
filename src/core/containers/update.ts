import { checkCpusetAvailable } from '../spec/cpuset.js';
import { rootlessMode } from '../rootless/mode.js';
import { checkRootlessSpec } from '../rootless/limits.js';
import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import { emptyContainerSpec, type ContainerSpec } from '../spec/container-spec.js';
import { validateContainerSpec } from '../spec/generate.js';
import { resources } from '../spec/opts/resources.js';
import { refreshContainer } from './exit.js';

export interface UpdateChanges {
  resources?: Partial<ContainerSpec['resources']>;
  restartPolicy?: ContainerSpec['restartPolicy'];
}

/**
 * docker update: new cgroup limits or restart policy for a container. Kept for its next start,
 * and applied at once to a running one through the runtime (`runc update`). Validated as `run`
 * validates them; nothing changes when they are refused.
 */
export async function updateContainer(ctx: EngineContext, ref: string, changes: UpdateChanges): Promise<void> {
  const rec = refreshContainer(ctx, ctx.containers.lookup(ref));
  if (changes.restartPolicy && changes.restartPolicy.name !== 'no' && rec.spec.autoRemove) {
    throw new BerthError('InvalidArgument', 'Restart policy cannot be updated because AutoRemove is enabled for the container');
  }
  const spec: ContainerSpec = {
    ...rec.spec,
    resources: { ...rec.spec.resources, ...changes.resources },
    ...(changes.restartPolicy ? { restartPolicy: changes.restartPolicy } : {}),
  };
  // --cpus replaces a quota and period, as docker's update does
  if (changes.resources?.nanoCpus !== undefined) {
    delete spec.resources.cpuQuota;
    delete spec.resources.cpuPeriod;
  }
  validateContainerSpec(spec);
  // rootless without a cgroup: limits refused with the reason, as at create
  const rootless = rootlessMode();
  if (rootless && changes.resources)
    checkRootlessSpec({ ...emptyContainerSpec(rec.spec.image, rec.spec.imageId), resources: changes.resources }, rootless, ctx.hostFacts().cgroupVersion);
  if (changes.resources?.cpusetCpus) checkCpusetAvailable('cpus', changes.resources.cpusetCpus);
  if (changes.resources?.cpusetMems) checkCpusetAvailable('mems', changes.resources.cpusetMems);
  if (changes.resources && Object.keys(changes.resources).length > 0 && (rec.state.status === 'running' || rec.state.status === 'paused')) {
    // devices are the container's own, set at create: only the limits change
    const { devices: _devices, ...limits } = resources(spec, ctx.hostFacts(), []);
    await ctx.runtime().update(rec.id, limits);
  }
  ctx.containers.setSpec(rec.id, spec);
}
