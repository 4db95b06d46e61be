/**
 * strconv.FormatFloat for the 'e', 'f' and 'g' formats. Go rounds the exact binary value half to
 * even, which JavaScript's toFixed/toPrecision do not, so digits come from an exact expansion.
 */

interface Decimal {
  /** significant digits, no leading or trailing zeros ("" for zero) */
  digits: string;
  /** position of the decimal point: value = 0.digits × 10^dp */
  dp: number;
}

function exactDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biasedExp = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exp: number;
  if (biasedExp === 0) {
    exp = -1074;
  } else {
    mantissa |= 1n << 52n;
    exp = biasedExp - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mantissa << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mantissa * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  return trim({ digits, dp });
}

function trim(d: Decimal): Decimal {
  const digits = d.digits.replace(/0+$/, '');
  return digits === '' ? { digits: '', dp: 0 } : { digits, dp: d.dp };
}

/** The shortest digits that read back as x (what JavaScript prints, and Go's precision -1). */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', dp: 0 };
  const [mant, e] = Math.abs(x).toExponential().split('e') as [string, string];
  return trim({ digits: mant.replace('.', ''), dp: Number(e) + 1 });
}

/** Round to nd significant digits, half to even on an exact tie (Go's decimal.Round). */
function roundTo(d: Decimal, nd: number): Decimal {
  if (nd < 0 || d.digits.length <= nd) return nd < 0 ? { digits: '', dp: 0 } : d;
  const next = d.digits.charCodeAt(nd) - 48;
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else if (nd + 1 < d.digits.length) up = true;
  else up = nd > 0 && (d.digits.charCodeAt(nd - 1) - 48) % 2 === 1;
  if (!up) return trim({ digits: d.digits.slice(0, nd), dp: d.dp });
  const kept = d.digits.slice(0, nd).split('');
  let i = nd - 1;
  while (i >= 0 && kept[i] === '9') {
    kept[i] = '0';
    i--;
  }
  if (i < 0) return { digits: '1', dp: d.dp + 1 };
  kept[i] = String(Number(kept[i]) + 1);
  return trim({ digits: kept.join(''), dp: d.dp });
}

function digitAt(d: Decimal, i: number): string {
  return i >= 0 && i < d.digits.length ? (d.digits[i] as string) : '0';
}

function fmtE(d: Decimal, prec: number, expChar: string): string {
  let out = d.digits === '' ? '0' : digitAt(d, 0);
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(d, i);
  }
  const exp = d.digits === '' ? 0 : d.dp - 1;
  const abs = Math.abs(exp);
  return out + expChar + (exp < 0 ? '-' : '+') + (abs < 10 ? `0${abs}` : String(abs));
}

function fmtF(d: Decimal, prec: number): string {
  let out = '';
  if (d.dp > 0) {
    for (let i = 0; i < d.dp; i++) out += digitAt(d, i);
  } else {
    out = '0';
  }
  if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) out += digitAt(d, d.dp + i);
  }
  return out;
}

export type FloatFormat = 'e' | 'E' | 'f' | 'g' | 'G';

/**
 * strconv.FormatFloat(x, fmt, prec, 64); prec -1 means the shortest exact representation.
 *
 * @example
 * formatFloat(1e6, 'g', -1) // "1e+06"
 * formatFloat(2.5, 'f', 0)  // "2"
 */
export function formatFloat(x: number, fmt: FloatFormat, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const shortest = prec < 0;
  let d: Decimal;
  if (shortest) {
    d = shortestDecimal(x);
  } else {
    const exact = exactDecimal(x);
    if (fmt === 'f') d = roundTo(exact, exact.dp + prec);
    else if (fmt === 'e' || fmt === 'E') d = roundTo(exact, prec + 1);
    else d = roundTo(exact, prec === 0 ? 1 : prec);
  }
  let body: string;
  if (fmt === 'e' || fmt === 'E') {
    body = fmtE(d, shortest ? Math.max(d.digits.length - 1, 0) : prec, fmt);
  } else if (fmt === 'f') {
    body = fmtF(d, shortest ? Math.max(d.digits.length - d.dp, 0) : prec);
  } else {
    let p = shortest ? d.digits.length : prec === 0 ? 1 : prec;
    let eprec = p;
    if (eprec > d.digits.length && d.digits.length >= d.dp) eprec = d.digits.length;
    if (shortest) eprec = 6;
    const exp = d.dp - 1;
    if (d.digits !== '' && (exp < -4 || exp >= eprec)) {
      if (p > d.digits.length) p = d.digits.length;
      body = fmtE(d, Math.max(p - 1, 0), fmt === 'g' ? 'e' : 'E');
    } else {
      if (p > d.dp) p = d.digits.length;
      body = fmtF(d, Math.max(p - d.dp, 0));
    }
  }
  return (neg ? '-' : '') + body;
}
