/**
 * Go's strconv quoting rules (Quote, QuoteToASCII, QuoteRune, Unquote), needed because docker
 * prints `%q`, the COMMAND column and template error messages through them.
 */

/** made on first use: this class costs ~0.4 ms to compile, which every command loading the formatter paid */
let printable: RegExp | undefined;

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isGoPrint(codePoint: number): boolean {
  if (codePoint === 0x20) return true;
  if (codePoint < 0x20 || codePoint === 0x7f) return false;
  if (codePoint < 0x7f) return true;
  printable ??= /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
  return printable.test(String.fromCodePoint(codePoint));
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function escapeRune(cp: number, quote: string, asciiOnly: boolean): string {
  const ch = String.fromCodePoint(cp);
  if (ch === quote || ch === '\\') return `\\${ch}`;
  if (asciiOnly ? cp < 0x80 && isGoPrint(cp) : isGoPrint(cp)) return ch;
  switch (cp) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return `\\x${hex(cp, 2)}`;
  if (cp < 0x10000) return `\\u${hex(cp, 4)}`;
  return `\\U${hex(cp, 8)}`;
}

/** A lone UTF-16 surrogate cannot come from Go text; it stands for the replacement rune. */
function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0xfffd;
    out.push(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp);
  }
  return out;
}

/** Printable ASCII without a double quote or a backslash: quoted as it is (ps quotes every command). */
function plainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/** strconv.Quote: `"` + escaped text + `"`, printable Unicode kept as is. */
export function goQuote(s: string): string {
  if (plainAscii(s)) return `"${s}"`;
  return (
    '"' +
    codePoints(s)
      .map((cp) => escapeRune(cp, '"', false))
      .join('') +
    '"'
  );
}

/** strconv.QuoteToASCII, used by `%+q`. */
export function goQuoteToASCII(s: string): string {
  return (
    '"' +
    codePoints(s)
      .map((cp) => escapeRune(cp, '"', true))
      .join('') +
    '"'
  );
}

/** strconv.QuoteRune, used by `%q` on integers. */
export function goQuoteRune(cp: number): string {
  const valid = cp >= 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
  return `'${escapeRune(valid ? cp : 0xfffd, "'", false)}'`;
}

/** strconv.CanBackquote, for `%#q`. */
export function canBackquote(s: string): boolean {
  for (const cp of codePoints(s)) {
    if (cp === 0x60 || cp === 0xfeff) return false;
    if (cp < 0x20 && cp !== 0x09) return false;
    if (cp === 0x7f) return false;
  }
  return true;
}

/** `%#U` of fmt: `U+0021 '!'`, the quoted character only when printable. */
export function goRuneName(cp: number): string {
  const base = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return isGoPrint(cp) ? `${base} '${String.fromCodePoint(cp)}'` : base;
}

/** Thrown by goUnquote; the parser reports it as Go does: `invalid syntax`. */
export class UnquoteError extends Error {
  constructor() {
    super('invalid syntax');
  }
}

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '\\': 0x5c,
};

function pushRune(bytes: number[], cp: number): void {
  for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
}

/**
 * strconv.Unquote for the three literal forms a template may contain: "...", `...` and '.'.
 * Escapes build bytes, as in Go, so "\xe2\x82\xac" is the euro sign.
 */
export function goUnquote(literal: string): string | number {
  const quote = literal[0];
  if (literal.length < 2 || literal[literal.length - 1] !== quote) throw new UnquoteError();
  const body = literal.slice(1, -1);
  if (quote === '`') {
    if (body.includes('`')) throw new UnquoteError();
    return body.replace(/\r/g, '');
  }
  if (quote !== '"' && quote !== "'") throw new UnquoteError();
  const bytes: number[] = [];
  const runes: number[] = [];
  let i = 0;
  const chars = Array.from(body);
  while (i < chars.length) {
    const ch = chars[i] as string;
    i++;
    if (ch === quote || ch === '\n') throw new UnquoteError();
    if (ch !== '\\') {
      const cp = ch.codePointAt(0) as number;
      pushRune(bytes, cp);
      runes.push(cp);
      continue;
    }
    const esc = chars[i];
    i++;
    if (esc === undefined) throw new UnquoteError();
    const simple = SIMPLE_ESCAPES[esc];
    if (simple !== undefined) {
      bytes.push(simple);
      runes.push(simple);
    } else if (esc === quote) {
      bytes.push(esc.charCodeAt(0));
      runes.push(esc.charCodeAt(0));
    } else if (esc === 'x' || esc === 'u' || esc === 'U') {
      const n = esc === 'x' ? 2 : esc === 'u' ? 4 : 8;
      const digits = chars.slice(i, i + n).join('');
      if (digits.length !== n || !/^[0-9a-fA-F]+$/.test(digits)) throw new UnquoteError();
      i += n;
      const v = parseInt(digits, 16);
      if (esc === 'x') {
        if (quote === "'") runes.push(v);
        bytes.push(v);
      } else {
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new UnquoteError();
        pushRune(bytes, v);
        runes.push(v);
      }
    } else if (esc >= '0' && esc <= '7') {
      const digits = esc + chars.slice(i, i + 2).join('');
      if (!/^[0-7]{3}$/.test(digits)) throw new UnquoteError();
      i += 2;
      const v = parseInt(digits, 8);
      if (v > 255) throw new UnquoteError();
      bytes.push(v);
      runes.push(v);
    } else {
      throw new UnquoteError();
    }
  }
  if (quote === "'") {
    if (runes.length !== 1) throw new UnquoteError();
    return runes[0] as number;
  }
  return Buffer.from(bytes).toString('utf8');
}
