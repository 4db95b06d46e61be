import { BerthError } from '../core/errors/berth-error.js';
import type { EngineContext } from '../core/engine-context.js';
import type { ContainerSpec } from '../core/spec/container-spec.js';
import type { ContainerFlags } from './run-flags.js';

/**
 * `run|create --pod NAME` puts the container into a pod; `--pod new:NAME` makes the pod first and
 * gives it the container's published ports (ports belong to a pod, as podman does). `undo`
 * removes a pod made here when creating the container fails.
 */
export async function podForContainer(
  engine: EngineContext,
  spec: ContainerSpec,
  f: ContainerFlags,
): Promise<{ spec: ContainerSpec; undo: () => Promise<void> }> {
  const none = { spec, undo: async () => undefined };
  if (f.pod === undefined || f.pod === '') return none;
  const pods = await import('../core/pods/index.js');
  await pods.repairPods(engine);
  const explicit = { network: f.network !== undefined || f.net !== undefined };
  if (f.pod.startsWith('new:')) {
    const name = f.pod.slice('new:'.length);
    if (name === '') throw new BerthError('InvalidArgument', '--pod new: needs a pod name (new:NAME)');
    if (explicit.network && spec.network !== 'bridge')
      throw new BerthError('InvalidArgument', `--network ${spec.network} cannot be set on a container in a pod: its members share the pod's network namespace`);
    const pod = pods.createPod(engine, { name, publish: spec.publish });
    try {
      return {
        spec: pods.podMemberSpec(pod, { ...spec, publish: [] }, explicit),
        undo: async () => void (await pods.removePod(engine, pod.id, { force: true })),
      };
    } catch (e) {
      await pods.removePod(engine, pod.id, { force: true });
      throw e;
    }
  }
  const pod = pods.lookupPod(engine, f.pod);
  return { spec: pods.podMemberSpec(pod, spec, explicit), undo: async () => undefined };
}
