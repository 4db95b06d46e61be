import { BerthError } from '../errors/index.js';

/** An IPv4 network: base address (host bits cleared) and prefix length. */
export interface Subnet {
  /** network address as an unsigned 32-bit number */
  base: number;
  prefix: number;
}

/** Parse dotted-quad IPv4 to an unsigned number, or undefined when it is not one. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/**
 * Parse `a.b.c.d/len`. Host bits set is refused, as docker refuses it (a typo more often than
 * intent); IPv6 subnets are not supported yet.
 *
 * @example parseSubnet('10.90.0.0/24') // { base: 173670400, prefix: 24 }
 */
export function parseSubnet(text: string): Subnet {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  const addr = m ? parseIPv4(m[1] ?? '') : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  if (addr === undefined || !(prefix >= 0 && prefix <= 32)) {
    throw new BerthError('InvalidArgument', `invalid subnet "${text}": only IPv4 CIDR (a.b.c.d/len) is supported`);
  }
  if (prefix > 30) throw new BerthError('InvalidArgument', `invalid subnet "${text}": too small for containers (at most /30)`);
  const base = (addr & maskOf(prefix)) >>> 0;
  if (base !== addr) throw new BerthError('InvalidArgument', `invalid subnet "${text}": host bits are set (did you mean ${formatIPv4(base)}/${prefix}?)`);
  return { base, prefix };
}

export function formatSubnet(s: Subnet): string {
  return `${formatIPv4(s.base)}/${s.prefix}`;
}

export function size(s: Subnet): number {
  return 2 ** (32 - s.prefix);
}

export function contains(s: Subnet, ip: number): boolean {
  return (ip & maskOf(s.prefix)) >>> 0 === s.base;
}

/** Two CIDRs overlap exactly when one contains the other's base address. */
export function overlaps(a: Subnet, b: Subnet): boolean {
  return contains(a, b.base) || contains(b, a.base);
}

/** The first usable address: docker's and podman's default gateway. */
export function firstHost(s: Subnet): number {
  return s.base + 1;
}

/** Whether ip may be given to a container: inside, not the network or broadcast address. */
export function isUsableHost(s: Subnet, ip: number): boolean {
  return contains(s, ip) && ip !== s.base && ip !== s.base + size(s) - 1;
}

/**
 * Pick the first /24 of `pool` (a /16) that overlaps none of `taken`: berth's answer to
 * `network create` without --subnet, as docker walks its default address pools.
 */
export function nextFreeSubnet(pool: Subnet, taken: Subnet[], prefix = 24, skipFirst = 1): Subnet | undefined {
  const step = 2 ** (32 - prefix);
  for (let i = skipFirst; i < size(pool) / step; i++) {
    const cand = { base: pool.base + i * step, prefix };
    if (!taken.some((t) => overlaps(t, cand))) return cand;
  }
  return undefined;
}
