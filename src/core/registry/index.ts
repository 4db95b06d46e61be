export { pullImage, type PullOptions, type PullResult } from './pull.js';
export { pushImage, type PushResult } from './push.js';
export { login, logout, logoutAll, registryOfServer } from './login.js';
export { inspectManifest } from './inspect-manifest.js';
export { ensureImage, type EnsureImageOptions, type PullPolicy } from './ensure-image.js';
export type { ProgressEvent, ProgressSink, LayerStatus } from './progress.js';
export type { RegistryOptions } from './session.js';
export { loadRegistriesConfig, registriesConfPath, type RegistriesConfig } from './registries-conf.js';
export { authFilePath, type Credential } from './credentials.js';
