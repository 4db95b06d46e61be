/**
 * The functions docker's CLI adds to every `--format` template (docker/cli templates/templates.go):
 * json, split, join, title, lower, upper, pad, truncate; and the identity versions it swaps in
 * while rendering a table's header row, so that `{{upper .Name}}` heads its column with `NAME`.
 */
import { templateFunction, type FunctionMap } from './functions.js';
import { formatValue } from './go-print.js';
import { goJson } from './go-json.js';
import { compareCodePoints, goTypeName, kindOf, mapEntries } from './go-values.js';

/** strings.Split: an empty separator splits after each character. */
function split(s: string, sep: string): string[] {
  return sep === '' ? Array.from(s) : s.split(sep);
}

/** docker's joinElements: slices join their printed elements, maps their sorted values. */
function join(elems: unknown, sep: string): string {
  if (elems === null || elems === undefined) return '';
  switch (kindOf(elems)) {
    case 'slice':
      return (elems as unknown[]).map(formatValue).join(sep);
    case 'map':
      return mapEntries(elems as object)
        .map(([, v]) => formatValue(v))
        .sort(compareCodePoints)
        .join(sep);
    default:
      throw new Error(`expected slice, got ${goTypeName(elems)}`);
  }
}

/** strings.Title's separators: anything but letters, digits and '_' in ASCII; spaces beyond it. */
function isSeparator(ch: string): boolean {
  const cp = ch.codePointAt(0) as number;
  if (cp <= 0x7f) return !/[0-9A-Za-z_]/.test(ch);
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return /\s/u.test(ch);
}

/** strings.Title: upper-cases the first letter of each word. */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    if (isSeparator(prev)) {
      const upper = ch.toUpperCase();
      out += Array.from(upper).length === 1 ? upper : ch;
    } else {
      out += ch;
    }
    prev = ch;
  }
  return out;
}

function pad(source: string, prefix: number, suffix: number): string {
  if (source === '') return source;
  return ' '.repeat(Math.max(prefix, 0)) + source + ' '.repeat(Math.max(suffix, 0));
}

/**
 * docker cuts at a byte length (Go's source[:length]); a character that would be split is
 * dropped rather than printed as broken UTF-8.
 */
function truncate(source: string, length: number): string {
  const bytes = Buffer.from(source, 'utf8');
  if (bytes.length < length) return source;
  if (length < 0) throw new Error(`runtime error: slice bounds out of range [:${length}]`);
  let end = length;
  while (end > 0 && end < bytes.length && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/** docker's basicFunctions. */
export const DOCKER_FUNCTIONS: FunctionMap = {
  json: templateFunction(['any'], (v: unknown) => goJson(v)),
  split: templateFunction(['string', 'string'], split),
  join: templateFunction(['any', 'string'], join),
  title: templateFunction(['string'], title),
  lower: templateFunction(['string'], (s: string) => s.toLowerCase()),
  upper: templateFunction(['string'], (s: string) => s.toUpperCase()),
  pad: templateFunction(['string', 'int', 'int'], pad),
  truncate: templateFunction(['string', 'int'], truncate),
};

/** docker's HeaderFunctions: the header row keeps the column names intact. */
export const DOCKER_HEADER_FUNCTIONS: FunctionMap = {
  json: templateFunction(['string'], (v: string) => v),
  split: templateFunction(['string', 'string'], (v: string) => v),
  join: templateFunction(['string', 'string'], (v: string) => v),
  title: templateFunction(['string'], (v: string) => v),
  lower: templateFunction(['string'], (v: string) => v),
  upper: templateFunction(['string'], (v: string) => v),
  truncate: templateFunction(['string', 'int'], (v: string) => v),
};
