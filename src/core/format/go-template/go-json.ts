/**
 * Go's encoding/json output for template values, as docker's `{{json .}}` prints it: compact,
 * map keys sorted, `\u2028`/`\u2029` escaped, `\b` `\f` short escapes (Go >= 1.22). Docker's
 * `json` function turns HTML escaping off (SetEscapeHTML(false)); pass `escapeHTML` for Go's
 * default of `<` `>` `&` as `\u003c` `\u003e` `\u0026`.
 */
import { BerthError } from '../../errors/index.js';
import { kindOf, sortedMapEntries } from './go-values.js';

export interface GoJsonOptions {
  escapeHTML?: boolean;
}

const SHORT: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function encodeString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    const short = SHORT[ch];
    if (short !== undefined) out += short;
    else if (cp < 0x20 || cp === 0x2028 || cp === 0x2029 || (escapeHTML && (ch === '<' || ch === '>' || ch === '&'))) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '\ufffd'; // a lone surrogate is invalid UTF-8 to Go, which writes U+FFFD
    } else out += ch;
  }
  return `${out}"`;
}

/** Go's float64 encoding: like JavaScript's shortest form, which uses the same 1e21 / 1e-7 cut-offs. */
function encodeNumber(v: number | bigint): string {
  if (typeof v === 'bigint') return v.toString();
  if (!Number.isFinite(v)) {
    throw new BerthError('InvalidArgument', `json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`);
  }
  return Object.is(v, -0) ? '-0' : String(v);
}

/** RFC 3339 with nanoseconds and trailing zeros trimmed, as time.Time marshals. */
function encodeTime(d: Date): string {
  const iso = d.toISOString();
  const ms = d.getUTCMilliseconds();
  const frac = ms === 0 ? '' : `.${String(ms).padStart(3, '0').replace(/0+$/, '')}`;
  return `"${iso.slice(0, 19)}${frac}Z"`;
}

function encode(v: unknown, escapeHTML: boolean, seen: Set<object>): string {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return 'null';
    case 'bool':
      return String(v);
    case 'int':
    case 'float':
      return encodeNumber(v as number | bigint);
    case 'string':
      return encodeString(v as string, escapeHTML);
    case 'time':
      return encodeTime(v as Date);
    case 'func':
      return 'null';
    default:
      break;
  }
  const obj = v as object;
  if (seen.has(obj)) throw new BerthError('InvalidArgument', 'json: unsupported value: encountered a cycle');
  seen.add(obj);
  try {
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return encode(toJSON.call(obj), escapeHTML, seen);
    if (Array.isArray(obj)) return `[${obj.map((e) => encode(e, escapeHTML, seen)).join(',')}]`;
    const entries = obj instanceof Map ? sortedMapEntries(obj) : jsonObjectEntries(obj);
    return (
      '{' +
      entries
        .filter(([, e]) => e !== undefined && typeof e !== 'function')
        .map(([k, e]) => `${encodeString(String(k), escapeHTML)}:${encode(e, escapeHTML, seen)}`)
        .join(',') +
      '}'
    );
  } finally {
    seen.delete(obj);
  }
}

/**
 * Objects keep insertion order: they usually mirror Go structs, whose fields marshal in
 * declaration order (docker's inspect JSON). Niladic functions are read, as docker's formatter
 * MarshalJSON reads a row's methods; functions taking arguments are left out.
 */
function jsonObjectEntries(obj: object): Array<[unknown, unknown]> {
  return Object.keys(obj).map((k): [unknown, unknown] => {
    const value = (obj as Record<string, unknown>)[k];
    return [k, typeof value === 'function' && value.length === 0 ? (value as () => unknown).call(obj) : value];
  });
}

/**
 * Encodes a template value as compact Go JSON.
 *
 * @example
 * goJson({ b: '<x>', a: [1, 2.5] }) // '{"b":"<x>","a":[1,2.5]}'
 */
export function goJson(value: unknown, options: GoJsonOptions = {}): string {
  return encode(value, options.escapeHTML ?? false, new Set());
}
