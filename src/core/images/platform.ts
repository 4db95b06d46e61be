import type { Platform } from '../oci/types.js';
import { BerthError } from '../errors/index.js';

/** Node's process.arch names mapped to the GOARCH names OCI images use. */
const ARCH: Record<string, Platform> = {
  x64: { os: 'linux', architecture: 'amd64' },
  arm64: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  arm: { os: 'linux', architecture: 'arm', variant: 'v7' },
  ia32: { os: 'linux', architecture: '386' },
  ppc64: { os: 'linux', architecture: 'ppc64le' },
  s390x: { os: 'linux', architecture: 's390x' },
  riscv64: { os: 'linux', architecture: 'riscv64' },
  loong64: { os: 'linux', architecture: 'loong64' },
  mips: { os: 'linux', architecture: 'mips' },
  mipsel: { os: 'linux', architecture: 'mipsle' },
};

/**
 * The platform this host runs: `linux/amd64` on x86-64, `linux/arm64/v8` on aarch64.
 *
 * @example
 * hostPlatform() // { os: 'linux', architecture: 'amd64' }
 */
export function hostPlatform(arch: string = process.arch): Platform {
  const p = ARCH[arch];
  return p ? { ...p } : { os: 'linux', architecture: arch };
}

/**
 * Parse `os/arch[/variant]` as `--platform` takes it (`linux/arm64`, `linux/arm/v7`); a bare
 * architecture means linux.
 */
export function parsePlatform(s: string): Platform {
  const parts = s.split('/');
  if (parts.length === 1 && parts[0]) return { os: 'linux', architecture: normalizeArch(parts[0]) };
  const [os, arch, variant, ...rest] = parts;
  if (!os || !arch || rest.length > 0 || variant === '') {
    throw new BerthError('InvalidArgument', `invalid platform "${s}": expected os/arch[/variant]`);
  }
  const p: Platform = { os: os.toLowerCase(), architecture: normalizeArch(arch) };
  if (variant !== undefined) p.variant = variant;
  return p;
}

function normalizeArch(arch: string): string {
  const a = arch.toLowerCase();
  if (a === 'x86_64' || a === 'x86-64') return 'amd64';
  if (a === 'aarch64') return 'arm64';
  return a;
}

/**
 * Whether an index entry's platform fits the wanted one. A missing variant matches any variant,
 * as containerd's matcher does for arm64 (`v8` is the only one in practice).
 */
export function platformMatches(candidate: Platform | undefined, wanted: Platform): boolean {
  if (!candidate) return false;
  if (candidate.os !== wanted.os || normalizeArch(candidate.architecture) !== wanted.architecture) return false;
  if (candidate.variant === undefined || wanted.variant === undefined) return true;
  return candidate.variant === wanted.variant;
}

/** `linux/amd64` or `linux/arm/v7`: how platforms are printed in messages. */
export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}
