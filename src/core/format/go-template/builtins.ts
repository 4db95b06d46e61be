/**
 * text/template's predefined functions (funcs.go): and, or, not, len, index, slice, call, print,
 * printf, println, html, js, urlquery and the comparisons eq ne lt le gt ge. `and` and `or` are
 * listed here for the parser; the executor short-circuits them itself.
 */
import { templateFunction, type FunctionMap } from './functions.js';
import { formatValue, sprint, sprintf, sprintln } from './go-print.js';
import { isGoPrint } from './go-quote.js';
import { compareCodePoints, goLength, goTypeName, isGoStringMap, isTrue, kindOf, mapGet, mapHas } from './go-values.js';

/** indirectInterface: a nil interface is no value at all. */
function concrete(v: unknown): unknown {
  return v === null ? undefined : v;
}

function indexArg(index: unknown, cap: number): number {
  const v = concrete(index);
  const kind = kindOf(v);
  if (kind === 'invalid') throw new Error('cannot index slice/array with nil');
  if (kind !== 'int') throw new Error(`cannot index slice/array with type ${goTypeName(v)}`);
  const x = Number(v);
  if (x < 0 || x > cap) throw new Error(`index out of range: ${String(v)}`);
  return x;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  let cur = concrete(item);
  if (cur === undefined) throw new Error('index of untyped nil');
  for (const raw of indexes) {
    const key = concrete(raw);
    if (cur === null || cur === undefined) throw new Error('index of nil pointer');
    switch (kindOf(cur)) {
      case 'slice': {
        const arr = cur as unknown[];
        const x = indexArg(key, arr.length);
        if (x === arr.length) throw new Error(`index out of range: ${x}`);
        cur = arr[x];
        break;
      }
      case 'string': {
        const bytes = Buffer.from(cur as string, 'utf8');
        const x = indexArg(key, bytes.length);
        if (x === bytes.length) throw new Error(`index out of range: ${x}`);
        cur = bytes[x];
        break;
      }
      case 'map': {
        const m = cur as object;
        if (!(m instanceof Map) && key !== undefined && typeof key !== 'string') {
          throw new Error(`value has type ${goTypeName(key)}; should be string`);
        }
        // a missing key yields the zero value of the map's element type: nil for interface{}
        cur = mapHas(m, key) ? mapGet(m, key) : isGoStringMap(m) ? '' : null;
        break;
      }
      default:
        throw new Error(`can't index item of type ${goTypeName(cur)}`);
    }
  }
  return cur;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  const v = concrete(item);
  if (v === undefined) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  const kind = kindOf(v);
  let len: number;
  if (kind === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    len = Buffer.byteLength(v as string, 'utf8');
  } else if (kind === 'slice') {
    len = (v as unknown[]).length;
  } else {
    throw new Error(`can't slice item of type ${goTypeName(v)}`);
  }
  const idx = [0, len, len];
  indexes.forEach((x, i) => {
    idx[i] = indexArg(x, len);
  });
  const [lo, hi, max] = idx as [number, number, number];
  if (lo > hi) throw new Error(`invalid slice index: ${lo} > ${hi}`);
  if (indexes.length === 3 && hi > max) throw new Error(`invalid slice index: ${hi} > ${max}`);
  if (kind === 'string')
    return Buffer.from(v as string, 'utf8')
      .subarray(lo, hi)
      .toString('utf8');
  return (v as unknown[]).slice(lo, hi);
}

function length(item: unknown): number {
  if (item === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  if (item === null) throw new Error('len of nil pointer');
  const n = goLength(item);
  if (n === undefined) throw new Error(`len of type ${goTypeName(item)}`);
  return n;
}

function call(fn: unknown, ...args: unknown[]): unknown {
  const f = concrete(fn);
  if (f === undefined) throw new Error('call of nil');
  if (typeof f !== 'function') throw new Error(`non-function of type ${goTypeName(f)}`);
  return (f as (...a: unknown[]) => unknown)(...args);
}

// comparisons ---------------------------------------------------------------------------------

type BasicKind = 'bool' | 'number' | 'string' | 'other';

/** berth values carry no int/float distinction, so all numbers compare as one kind. */
function basicKind(v: unknown): BasicKind {
  switch (kindOf(v)) {
    case 'bool':
      return 'bool';
    case 'int':
    case 'float':
      return 'number';
    case 'string':
      return 'string';
    default:
      return 'other';
  }
}

const BAD_COMPARISON_TYPE = 'invalid type for comparison';
const BAD_COMPARISON = 'incompatible types for comparison';

function comparable(v: unknown): boolean {
  const k = kindOf(v);
  return k !== 'slice' && k !== 'map' && k !== 'func';
}

function eq(arg1: unknown, ...rest: unknown[]): boolean {
  const a = concrete(arg1);
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(a);
  for (const raw of rest) {
    const b = concrete(raw);
    const k2 = basicKind(b);
    let truth = false;
    if (k1 !== k2) {
      if (a !== undefined && b !== undefined) throw new Error(BAD_COMPARISON);
    } else if (k1 === 'number') {
      // eslint-disable-next-line eqeqeq -- number and bigint compare by value with ==
      // biome-ignore lint/suspicious/noDoubleEquals: Go compares an int with a big int by value, which only == does across number and bigint
      truth = (a as number | bigint) == (b as number | bigint);
    } else if (k1 !== 'other') {
      truth = a === b;
    } else if (a === undefined || b === undefined) {
      truth = a === b;
    } else if (kindOf(a) !== kindOf(b)) {
      throw new Error(`non-comparable types ${sprintf('%s', [a])}: ${goTypeName(a)}, ${goTypeName(b)}: ${formatValue(b)}`);
    } else if (!comparable(b)) {
      throw new Error(`non-comparable type ${sprintf('%s', [b])}: ${goTypeName(b)}`);
    } else {
      truth = a === b;
    }
    if (truth) return true;
  }
  return false;
}

function lt(arg1: unknown, arg2: unknown): boolean {
  const a = concrete(arg1);
  const b = concrete(arg2);
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'other' || k2 === 'other') throw new Error(BAD_COMPARISON_TYPE);
  if (k1 !== k2) throw new Error(BAD_COMPARISON);
  if (k1 === 'bool') throw new Error(BAD_COMPARISON_TYPE);
  if (k1 === 'string') return compareCodePoints(a as string, b as string) < 0;
  return (a as number | bigint) < (b as number | bigint);
}

function le(a: unknown, b: unknown): boolean {
  return lt(a, b) || eq(a, b);
}

// escapers ------------------------------------------------------------------------------------

/** evalArgs: a single string argument as is, otherwise fmt.Sprint of the arguments. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args);
}

function htmlEscape(s: string): string {
  return s.replace(
    /[\0"'&<>]/g,
    (c) =>
      ({
        '\0': '\ufffd',
        '"': '&#34;',
        "'": '&#39;',
        '&': '&amp;',
        '<': '&lt;',
        '>': '&gt;',
      })[c] as string,
  );
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (cp < 0x20) out += `\\u00${cp.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (cp >= 0x80 && !isGoPrint(cp)) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** url.QueryEscape: spaces become '+', unreserved bytes stay. */
function queryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The functions every Go template has. */
export const GO_BUILTINS: FunctionMap = {
  and: templateFunction(['value'], () => undefined, 'value'),
  or: templateFunction(['value'], () => undefined, 'value'),
  not: templateFunction(['value'], (v: unknown) => !isTrue(v)),
  len: templateFunction(['value'], length),
  index: templateFunction(['value'], index, 'value'),
  slice: templateFunction(['value'], slice, 'value'),
  call: templateFunction(['value'], call, 'value'),
  print: templateFunction([], (...args: unknown[]) => sprint(args), 'any'),
  printf: templateFunction(['string'], (format: string, ...args: unknown[]) => sprintf(format, args), 'any'),
  println: templateFunction([], (...args: unknown[]) => sprintln(args), 'any'),
  html: templateFunction([], (...args: unknown[]) => htmlEscape(evalArgs(args)), 'any'),
  js: templateFunction([], (...args: unknown[]) => jsEscape(evalArgs(args)), 'any'),
  urlquery: templateFunction([], (...args: unknown[]) => queryEscape(evalArgs(args)), 'any'),
  eq: templateFunction(['value'], eq, 'value'),
  ne: templateFunction(['value', 'value'], (a: unknown, b: unknown) => !eq(a, b)),
  lt: templateFunction(['value', 'value'], lt),
  le: templateFunction(['value', 'value'], le),
  gt: templateFunction(['value', 'value'], (a: unknown, b: unknown) => !le(a, b)),
  ge: templateFunction(['value', 'value'], (a: unknown, b: unknown) => !lt(a, b)),
};
