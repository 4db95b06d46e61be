import { invalidFlag } from './invalid.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

// docker's RAMInBytes (go-units): binary units, optional "i" and trailing "b", one optional space.
const SIZE = /^(\d+(?:\.\d+)?) ?([kmgtp]?)i?b?$/i;

/**
 * Parse a memory size as docker does for --memory, --shm-size, tmpfs-size: `64m`, `1g`, `512k`,
 * `100` (bytes), `1.5g`; units are powers of 1024 and case-insensitive. Fractions truncate.
 *
 * @example parseBytes('64m') // 67108864
 * @param flag how the flag is named in errors, e.g. `-m, --memory`
 */
export function parseBytes(value: string, flag?: string): number {
  const m = SIZE.exec(value.trim());
  if (!m) throw invalidFlag(flag, value, `invalid size: '${value}'`);
  const n = Math.trunc(Number(m[1]) * (UNITS[(m[2] ?? '').toLowerCase()] ?? 1));
  if (!Number.isSafeInteger(n)) throw invalidFlag(flag, value, `invalid size: '${value}'`);
  return n;
}

/** --memory-swap: a size, or -1 for unlimited swap. */
export function parseSwap(value: string, flag = '--memory-swap'): number {
  return value.trim() === '-1' ? -1 : parseBytes(value, flag);
}
