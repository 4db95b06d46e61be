/** `berth explain`: a container, a process or the host as the kernel sees it. */
export { explainContainer, type ExplainOptions } from './explain-container.js';
export { explainPid } from './explain-pid.js';
export { explainHost } from './host-view.js';
export { readHostSide, type HostSide } from './host-reference.js';
export { diffFacts, type Difference } from './facts.js';
export { renderContainer, renderPid } from './render-container.js';
export { renderHost } from './render-host.js';
export { renderDiff } from './render-diff.js';
export { styleFor, type Style } from './style.js';
export { portsOf } from './ports.js';
export type * from './types.js';
