export * from './pod-record.js';
export { PodStore, podStore } from './pod-store.js';
export {
  createPod,
  repairPods,
  podDataDir,
  INIT_LABEL,
  parseShare,
  podContainers,
  podMembers,
  podStatus,
  lookupPod,
  startPod,
  stopPod,
  restartPod,
  killPod,
  pausePod,
  unpausePod,
  removePod,
  prunePods,
  podJson,
  type CreatePodOptions,
} from './pod-ops.js';
export { podMemberSpec, beforePodContainerStart, checkRemovable } from './member.js';
export { setUpPodCgroup, removePodCgroup, podCgroupDirs } from './pod-cgroup.js';
export { findCatatonit, infraContainerSpec } from './infra.js';
