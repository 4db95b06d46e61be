import path from 'node:path';
import type { Paths } from '../config/paths.js';

/** Where one container's files live: persistent (bundle, rootfs dirs, log) and volatile (pid files). */
export interface ContainerPaths {
  dir: string;
  /** the OCI bundle dir: config.json here, conmon puts attach/ctl/winsz here too */
  bundle: string;
  config: string;
  upper: string;
  work: string;
  rootfs: string;
  log: string;
  hostname: string;
  hosts: string;
  resolvConf: string;
  runDir: string;
  /** made by conmon when the container's memory cgroup saw an OOM kill during this run */
  oomFile: string;
  pidFile: string;
  conmonPidFile: string;
  exitFile: string;
}

export function containerPaths(paths: Paths, id: string): ContainerPaths {
  const dir = path.join(paths.containers, id);
  const runDir = path.join(paths.runContainers, id);
  return {
    dir,
    bundle: dir,
    config: path.join(dir, 'config.json'),
    upper: path.join(dir, 'upper'),
    work: path.join(dir, 'work'),
    rootfs: path.join(dir, 'rootfs'),
    log: path.join(dir, 'ctr.log'),
    hostname: path.join(dir, 'hostname'),
    hosts: path.join(dir, 'hosts'),
    resolvConf: path.join(dir, 'resolv.conf'),
    runDir,
    pidFile: path.join(runDir, 'pidfile'),
    conmonPidFile: path.join(runDir, 'conmon.pid'),
    oomFile: path.join(runDir, 'oom'),
    exitFile: path.join(paths.exits, id),
  };
}
