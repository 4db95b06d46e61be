import { BerthError } from '../../errors/index.js';
import type { ContainerSpec } from '../container-spec.js';

// The sysctls that live in the IPC namespace (all others under kernel.* are global).
const IPC_SYSCTLS = new Set([
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced',
]);

function refuse(key: string, why: string): BerthError {
  return new BerthError('InvalidArgument', `sysctl "${key}" is not allowed ${why}`);
}

/**
 * --sysctl keys must be namespaced, and in a namespace the container owns: otherwise writing
 * them would change the host (runc writes them as root before the process starts).
 */
export function validateSysctls(spec: ContainerSpec): void {
  for (const key of Object.keys(spec.sysctls)) {
    if (IPC_SYSCTLS.has(key) || key.startsWith('fs.mqueue.')) {
      if (spec.ipcMode === 'host') throw refuse(key, "with --ipc host: it would change the host's value");
    } else if (key.startsWith('net.')) {
      if (spec.network === 'host') throw refuse(key, "with --network host: it would change the host's value");
    } else if (key === 'kernel.domainname') {
      if (spec.utsMode === 'host') throw refuse(key, "with --uts host: it would change the host's value");
    } else if (key === 'kernel.hostname') {
      throw new BerthError('InvalidArgument', `sysctl "${key}" is not allowed: use --hostname`);
    } else {
      throw refuse(key, "in a container: the kernel does not namespace it, so it would change the host's value");
    }
  }
}

/** config.json's linux.sysctl: --sysctl plus --domainname (which is kernel.domainname in the UTS namespace). */
export function sysctls(spec: ContainerSpec): Record<string, string> | undefined {
  const out: Record<string, string> = { ...spec.sysctls };
  if (spec.domainname) out['kernel.domainname'] = spec.domainname;
  return Object.keys(out).length > 0 ? out : undefined;
}
