export * from './network-record.js';
export { NetworkStore } from './network-store.js';
export { networkStore } from './store-for.js';
export { planEndpoint, isBridgeMode, type PlannedEndpoint } from './endpoint-plan.js';
export {
  setUpNetwork,
  networkStarted,
  tearDownNetwork,
  repairNetworks,
  forgetContainerNetworks,
  publishedPorts,
  refreshDns,
  type NetworkSetup,
} from './sandbox.js';
export {
  createNetwork,
  removeNetwork,
  pruneNetworks,
  networkJson,
  builtinNetworkJson,
  builtinNetworkId,
  isPredefinedNetwork,
  type CreateNetworkOptions,
} from './network-ops.js';
export { connectContainer, disconnectContainer } from './connect.js';
export { containerNetworkSettings, containerNetworkEntries } from './settings.js';
export { checkHostPortsFree } from './listening.js';
export { networkForStart, type StartNetwork } from './start-hooks.js';
export { removeBridge } from './network-ops.js';
export { listNetworks, type NetworkRow } from './list.js';
