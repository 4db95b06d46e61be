/**
 * The libraries kube's commands need and no other command does: the YAML parser and the
 * Kubernetes schemas. One module, so the bundle can keep them in a file of their own
 * (dist/bundle/kube-deps.cjs) that only kube commands load.
 */
export * as YAML from 'yaml';
export { Pod } from 'kubernetes-models/v1/Pod';
export { Deployment } from 'kubernetes-models/apps/v1/Deployment';
export { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
export { Secret } from 'kubernetes-models/v1/Secret';
export { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
export { Service } from 'kubernetes-models/v1/Service';
