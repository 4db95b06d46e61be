/**
 * Go's fmt package as templates reach it: the default `%v` printing of actions, and the
 * print/printf/println functions. Values follow the mapping in go-values.ts.
 */
import { formatFloat } from './go-float.js';
import { canBackquote, goQuote, goQuoteRune, goQuoteToASCII, goRuneName } from './go-quote.js';
import { goTypeName, kindOf, sortedMapEntries, structFields } from './go-values.js';

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
  /** `%+v` prints struct field names */
  plusV: boolean;
}

const PLAIN: Spec = {
  minus: false,
  plus: false,
  sharp: false,
  space: false,
  zero: false,
  width: undefined,
  prec: undefined,
  plusV: false,
};

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function pad(s: string, spec: Spec, zeroAllowed = true): string {
  if (spec.width === undefined) return s;
  const missing = spec.width - runeCount(s);
  if (missing <= 0) return s;
  if (spec.minus) return s + ' '.repeat(missing);
  if (spec.zero && zeroAllowed) {
    const sign = s[0] === '-' || s[0] === '+' || s[0] === ' ' ? s[0] : '';
    return sign + '0'.repeat(missing) + s.slice(sign.length);
  }
  return ' '.repeat(missing) + s;
}

/** time.Time.String() for a Date, in UTC. */
export function goTimeString(d: Date): string {
  const iso = d.toISOString();
  const ms = d.getUTCMilliseconds();
  const frac = ms === 0 ? '' : `.${String(ms).padStart(3, '0').replace(/0+$/, '')}`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac} +0000 UTC`;
}

function toBigInt(v: number | bigint): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

function fmtInteger(value: number | bigint, verb: string, spec: Spec): string {
  const n = toBigInt(value);
  if (verb === 'c') return pad(String.fromCodePoint(Number(n)), spec);
  if (verb === 'q') return pad(goQuoteRune(Number(n)), spec);
  if (verb === 'U') {
    const base = `U+${n.toString(16).toUpperCase().padStart(4, '0')}`;
    return pad(spec.sharp ? goRuneName(Number(n)) : base, spec);
  }
  const neg = n < 0n;
  const abs = neg ? -n : n;
  const radix = verb === 'b' ? 2 : verb === 'o' || verb === 'O' ? 8 : verb === 'x' || verb === 'X' ? 16 : 10;
  let digits = abs.toString(radix);
  if (verb === 'X') digits = digits.toUpperCase();
  if (spec.prec !== undefined) {
    if (spec.prec === 0 && abs === 0n) digits = '';
    else digits = digits.padStart(spec.prec, '0');
  } else if (spec.zero && !spec.minus && spec.width !== undefined) {
    const signWidth = neg || spec.plus || spec.space ? 1 : 0;
    digits = digits.padStart(spec.width - signWidth, '0');
  }
  let prefix = '';
  if (verb === 'O') prefix = '0o';
  else if (spec.sharp) {
    if (verb === 'b') prefix = '0b';
    else if (verb === 'o' && !digits.startsWith('0')) prefix = '0';
    else if (verb === 'x') prefix = '0x';
    else if (verb === 'X') prefix = '0X';
  }
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  return pad(sign + prefix + digits, spec, false);
}

function fmtFloatVerb(x: number, verb: string, spec: Spec): string {
  let fmt: 'e' | 'E' | 'f' | 'g' | 'G';
  let prec: number;
  switch (verb) {
    case 'v':
      fmt = 'g';
      prec = -1;
      break;
    case 'e':
    case 'E':
      fmt = verb;
      prec = 6;
      break;
    case 'f':
    case 'F':
      fmt = 'f';
      prec = 6;
      break;
    default:
      fmt = verb === 'G' ? 'G' : 'g';
      prec = -1;
  }
  if (spec.prec !== undefined) prec = spec.prec;
  let num = formatFloat(x, fmt, prec);
  if (num === '+Inf' && !spec.plus) num = spec.space ? ' Inf' : '+Inf';
  if (!/^[-+]/.test(num)) num = (spec.plus ? '+' : spec.space ? ' ' : '') + num;
  return pad(num, spec, Number.isFinite(x));
}

function fmtString(s: string, verb: string, spec: Spec): string {
  switch (verb) {
    case 'q':
      if (spec.sharp && canBackquote(s)) return pad(`\`${s}\``, spec);
      return pad(spec.plus ? goQuoteToASCII(s) : goQuote(s), spec);
    case 'x':
    case 'X': {
      const bytes = Array.from(Buffer.from(s, 'utf8'), (b) => b.toString(16).padStart(2, '0'));
      let h = bytes.join(spec.space ? ' ' : '');
      if (verb === 'X') h = h.toUpperCase();
      return pad(h, spec);
    }
    default: {
      const cut = spec.prec === undefined ? s : Array.from(s).slice(0, spec.prec).join('');
      return pad(cut, spec);
    }
  }
}

function badVerb(verb: string, v: unknown): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${printValue(v, 'v', PLAIN, 0)})`;
}

const INT_VERBS = 'vdbocqxXOU';
const FLOAT_VERBS = 'vbgGxXfFeE';
const STRING_VERBS = 'vsxXq';

function printValue(v: unknown, verb: string, spec: Spec, depth: number): string {
  const kind = kindOf(v);
  if (verb === 'T') return pad(v === undefined || v === null ? '<nil>' : goTypeName(v), spec);
  switch (kind) {
    case 'invalid':
    case 'nil':
      if (depth > 0 || verb === 'v') return pad('<nil>', spec);
      return badVerb(verb, v);
    case 'bool':
      if (verb === 'v' || verb === 't') return pad(String(v), spec);
      return badVerb(verb, v);
    case 'int':
      if (INT_VERBS.includes(verb)) return fmtInteger(v as number | bigint, verb === 'v' ? 'd' : verb, spec);
      // berth numbers carry no int/float distinction: an integral value asked for as a float is one
      if ('fFeEgG'.includes(verb)) return fmtFloatVerb(Number(v), verb, spec);
      return badVerb(verb, v);
    case 'float':
      if (FLOAT_VERBS.includes(verb)) return fmtFloatVerb(v as number, verb, spec);
      return badVerb(verb, v);
    case 'string':
      if (STRING_VERBS.includes(verb)) return fmtString(v as string, verb, spec);
      return badVerb(verb, v);
    case 'time':
      return fmtString(goTimeString(v as Date), verb === 'v' ? 's' : verb, spec);
    case 'slice':
      return `[${(v as unknown[]).map((e) => printValue(e, verb, spec, depth + 1)).join(' ')}]`;
    case 'map':
      return (
        'map[' +
        sortedMapEntries(v as object)
          .map(([k, e]) => `${printValue(k, verb, spec, depth + 1)}:${printValue(e, verb, spec, depth + 1)}`)
          .join(' ') +
        ']'
      );
    case 'struct':
      return (
        '{' +
        structFields(v as object)
          .map(([k, e]) => (spec.plusV ? `${k}:` : '') + printValue(e, verb, spec, depth + 1))
          .join(' ') +
        '}'
      );
    case 'func':
      return pad('0x0', spec);
  }
}

/** fmt.Sprint(v): how an action such as `{{.Config.Labels}}` prints its value. */
export function formatValue(v: unknown): string {
  return printValue(v, 'v', PLAIN, 0);
}

/** fmt.Sprint: operands joined, with a space only between two operands that are not strings. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((arg, i) => {
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(arg);
  });
  return out;
}

/** fmt.Sprintln: operands always space-separated, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map(formatValue).join(' ')}\n`;
}

function parseNumber(format: string, i: number): [number | undefined, number] {
  let j = i;
  while (j < format.length && format.charCodeAt(j) >= 48 && format.charCodeAt(j) <= 57) j++;
  return j === i ? [undefined, i] : [Number(format.slice(i, j)), j];
}

/**
 * fmt.Sprintf with Go's verbs (%v %+v %s %q %d %x %X %o %b %c %U %e %f %g %t %T %%), flags
 * (- + # 0 space), width, precision, `*` and `[n]` argument indexes, and Go's error forms:
 * `%!d(string=x)`, `%!s(MISSING)`, `%!(EXTRA int=1)`.
 *
 * @example
 * sprintf('%-10s|%5.2f', ['web', 3.14159]) // "web       | 3.14"
 */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  let goodArgNum = true;
  let i = 0;
  const readIndex = (): void => {
    if (format[i] !== '[') return;
    reordered = true;
    const close = format.indexOf(']', i);
    const n = close < 0 ? NaN : Number(format.slice(i + 1, close));
    if (!Number.isInteger(n) || n < 1 || n > args.length) {
      goodArgNum = false;
      i = close < 0 ? format.length : close + 1;
      return;
    }
    argNum = n - 1;
    i = close + 1;
  };
  const starArg = (): number | undefined => {
    const v = args[argNum];
    argNum++;
    if (kindOf(v) !== 'int') return undefined;
    return Number(v);
  };
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { ...PLAIN };
    goodArgNum = true;
    flags: while (i < format.length) {
      switch (format[i]) {
        case '-':
          spec.minus = true;
          spec.zero = false;
          break;
        case '+':
          spec.plus = true;
          break;
        case '#':
          spec.sharp = true;
          break;
        case ' ':
          spec.space = true;
          break;
        case '0':
          spec.zero = !spec.minus;
          break;
        default:
          break flags;
      }
      i++;
    }
    readIndex();
    if (format[i] === '*') {
      i++;
      const w = starArg();
      if (w === undefined) out += '%!(BADWIDTH)';
      else if (w < 0) {
        spec.width = -w;
        spec.minus = true;
        spec.zero = false;
      } else spec.width = w;
    } else {
      [spec.width, i] = parseNumber(format, i);
    }
    if (format[i] === '.') {
      i++;
      readIndex();
      if (format[i] === '*') {
        i++;
        const p = starArg();
        if (p === undefined || p < 0) {
          out += '%!(BADPREC)';
          spec.prec = undefined;
        } else spec.prec = p;
      } else {
        const [p, next] = parseNumber(format, i);
        spec.prec = p ?? 0;
        i = next;
      }
    }
    readIndex();
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) as number);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (!goodArgNum) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argNum];
    argNum++;
    if (verb === 'v' && spec.plus) {
      spec.plus = false;
      spec.plusV = true;
    }
    if (verb === 'w') {
      out += printValue(arg, 'v', spec, 0);
      continue;
    }
    out += printValue(arg, verb, spec, 0);
  }
  if (!reordered && argNum < args.length) {
    out +=
      '%!(EXTRA ' +
      args
        .slice(argNum)
        .map((a) => (a === null || a === undefined ? '<nil>' : `${goTypeName(a)}=${formatValue(a)}`))
        .join(', ') +
      ')';
  }
  return out;
}
