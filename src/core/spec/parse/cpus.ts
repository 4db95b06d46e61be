import { invalidFlag } from './invalid.js';

const DECIMAL = /^\d+(?:\.\d+)?$|^\.\d+$/;

/**
 * --cpus as docker stores it: nano CPUs (1.5 → 1500000000). More than nine decimals cannot be
 * stored exactly, so docker refuses them ("value is too precise"), and so do we.
 *
 * @example parseCpus('1.5') // 1500000000
 */
export function parseCpus(value: string, flag = '--cpus'): number {
  const v = value.trim();
  if (!DECIMAL.test(v)) throw invalidFlag(flag, value, `failed to parse ${value} as a rational number`);
  const [whole = '0', frac = ''] = v.split('.');
  if (frac.length > 9 && /[1-9]/.test(frac.slice(9))) throw invalidFlag(flag, value, 'value is too precise');
  const nano = Number(whole) * 1e9 + Number(`${frac}000000000`.slice(0, 9));
  if (!Number.isSafeInteger(nano)) throw invalidFlag(flag, value, 'value is too large');
  return nano;
}
