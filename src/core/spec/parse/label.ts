import { invalidArgument } from './invalid.js';

/**
 * -l / --label `key=value`, or `key` alone for an empty value.
 *
 * @example parseLabel('tier=web') // ['tier', 'web']
 */
export function parseLabel(value: string): [string, string] {
  const eq = value.indexOf('=');
  const key = eq < 0 ? value : value.slice(0, eq);
  if (key.trim() === '') throw invalidArgument(`invalid label "${value}": empty name`);
  if (/\s/.test(key)) throw invalidArgument(`invalid label "${value}": name contains whitespace`);
  return [key, eq < 0 ? '' : value.slice(eq + 1)];
}
