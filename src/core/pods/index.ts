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
export { podMemberSpec, beforePodContainerStart, checkRemovable, type PodJoin } from './member.js';
export { podNsPath, podNsRoot, removePodNamespaces } from './pod-ns.js';
export { setUpPodCgroup, removePodCgroup, podCgroupDirs } from './pod-cgroup.js';
export { findCatatonit, infraContainerSpec } from './infra.js';
