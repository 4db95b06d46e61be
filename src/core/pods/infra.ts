import fs from 'node:fs';
import { BerthError } from '../errors/berth-error.js';
import { emptyContainerSpec, type ContainerSpec } from '../spec/container-spec.js';
import type { PodRecord } from './pod-record.js';

/** Where a pod's infra process comes from: Debian's catatonit package (static), as podman 5.5 uses it. */
const CATATONIT_PATHS = ['/usr/bin/catatonit', '/usr/libexec/catatonit/catatonit', '/usr/libexec/podman/catatonit'];

/**
 * What an infra container shows as its image (ps IMAGE, inspect's Config.Image, events): it has
 * none, its root is empty with the host's catatonit bound in. podman 4 shows the pause image it
 * builds from catatonit, podman 5.5 (an image-less root like berth's) an empty column; berth
 * names the program, the same on every host, and inspect's Image (an image id) stays empty.
 */
export const INFRA_IMAGE = 'catatonit';

/** Inside the infra's empty root: the only file it has. */
export const INFRA_BINARY = '/catatonit';

export function findCatatonit(): string {
  const env = process.env['BERTH_CATATONIT'];
  for (const p of env ? [env] : CATATONIT_PATHS) {
    if (fs.existsSync(p)) return p;
  }
  throw new BerthError(
    'NotFound',
    'catatonit, the process that holds a pod\'s namespaces, is not installed (Debian package "catatonit"); install it or create the pod with --infra=false',
  );
}

/**
 * The infra container of a pod: no image, an empty read-only root with catatonit bound into it,
 * holding the namespaces the members join. It owns the pod's network (its ports, hosts file,
 * DNS) and its shareable /dev/shm.
 */
export function infraContainerSpec(pod: PodRecord): ContainerSpec {
  const s = pod.spec;
  const spec = emptyContainerSpec(INFRA_IMAGE, '');
  spec.name = `${pod.id.slice(0, 12)}-infra`;
  spec.entrypoint = [INFRA_BINARY, '-P'];
  spec.mounts = [{ type: 'bind', source: findCatatonit(), target: INFRA_BINARY, readOnly: true, options: [] }];
  spec.readOnly = true;
  spec.network = s.network;
  // on a user-defined network the pod answers to its name (aardvark-dns), as podman's pods do
  if (!['bridge', 'none', 'host'].includes(s.network)) spec.networkAliases = [pod.name];
  spec.publish = s.publish.map((p) => ({ ...p }));
  spec.extraHosts = [...s.extraHosts];
  spec.dns = [...s.dns];
  spec.hostname = s.hostname;
  if (s.share.includes('ipc')) spec.ipcMode = 'shareable';
  spec.cgroupParent = pod.cgroupParent;
  spec.labels = {};
  spec.pod = pod.id;
  spec.podInfra = true;
  // catatonit leaves on SIGTERM at once; no reason to wait docker's 10 s for it
  spec.stopTimeout = 2;
  return spec;
}
