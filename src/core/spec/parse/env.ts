import { invalidArgument } from './invalid.js';

/** Where `-e KEY` without a value looks KEY up (the CLI passes its own environment). */
export type EnvLookup = Readonly<Record<string, string | undefined>>;

/**
 * -e / --env `KEY=VALUE` or `KEY`. A bare KEY takes its value from `lookup`; when lookup has no
 * KEY the bare name is returned as is, which (as in docker) later removes KEY from the image's
 * environment instead of setting it.
 *
 * @example parseEnv('TERM', { TERM: 'xterm' }) // 'TERM=xterm'
 */
export function parseEnv(value: string, lookup: EnvLookup = {}): string {
  const eq = value.indexOf('=');
  const key = eq < 0 ? value : value.slice(0, eq);
  if (key === '') throw invalidArgument(`invalid environment variable: "${value}"`);
  if (eq >= 0) return value;
  const found = lookup[key];
  return found === undefined ? key : `${key}=${found}`;
}

const WHITESPACE = /[ \t\n\v\f\r]/;

/**
 * An --env-file's text, read as docker reads it: one KEY=VALUE per line, leading whitespace and
 * `#` comment lines and blank lines skipped, the value kept verbatim (quotes included); a bare
 * KEY takes its value from `lookup` and is dropped when lookup has none.
 *
 * @example parseEnvFile('# db\nUSER=app\nHOME\n', { HOME: '/root' }) // ['USER=app', 'HOME=/root']
 */
export function parseEnvFile(text: string, lookup: EnvLookup = {}): string[] {
  const out: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (key === '') throw invalidArgument(`no variable name on line ${i + 1}: "${line}"`);
    if (WHITESPACE.test(key)) throw invalidArgument(`variable "${key}" on line ${i + 1} contains whitespaces`);
    if (eq >= 0) out.push(line);
    else if (lookup[key] !== undefined) out.push(`${key}=${lookup[key]}`);
  });
  return out;
}
