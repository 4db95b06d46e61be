import path from 'node:path';
import { invalidArgument } from './invalid.js';

export const PROPAGATIONS: ReadonlySet<string> = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);

// docker's local volume driver allows only these names, so a typo'd relative path is not taken
// for a volume called "data/x".
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** A container path: absolute, cleaned, never "/" itself. */
export function containerTarget(target: string, whole: string): string {
  if (!target.startsWith('/')) {
    throw invalidArgument(`invalid mount path "${target}" in "${whole}": mount path must be absolute`);
  }
  const clean = path.posix.normalize(target).replace(/(.)\/+$/, '$1');
  if (clean === '/') throw invalidArgument(`invalid mount specification "${whole}": destination can't be "/"`);
  return clean;
}

export function checkVolumeName(name: string): void {
  if (!VOLUME_NAME.test(name)) {
    throw invalidArgument(`invalid volume name "${name}": only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed; to mount a host directory, use an absolute path`);
  }
}
